"""``manage.py import_records FILE --station CODE --framework CODE``: import a records file.

The records are stored approved, with source "imported from a file". All or nothing,
without a scope limit (the command line acts as the installation). On any problem every
issue is printed, one per line, nothing is stored, and the exit status is 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.lib.commands import ImportCommand, by_code, read_input
from qingfeng.org.models import Station
from qingfeng.records.imports import RecordsImportResult
from qingfeng.records.models import RecordSource, RecordStatus
from qingfeng.records.services import records_import


class Command(ImportCommand):
    help = (
        "Import records (approved) from an .xlsx or .csv file for one data station's "
        "indicators of a framework (docs/interchange-records.md). All or nothing."
    )
    file_help = "The file to import (.xlsx or .csv)."

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--station", required=True, help="Code of the data station supplying the records."
        )
        parser.add_argument("--framework", required=True, help="Code of the framework.")

    def run(self, path: Path, options: dict[str, Any]) -> RecordsImportResult:
        framework = by_code(
            Framework.objects.select_related("region"),
            options["framework"],
            _('Unknown framework "%(code)s".'),
        )
        station = by_code(
            Station.objects.all(), options["station"], _('Unknown data station "%(code)s".')
        )
        return records_import(
            data=read_input(path),
            filename=path.name,
            framework=framework,
            station=station,
            actor=None,
            status=RecordStatus.APPROVED,
            source=RecordSource.IMPORTED,
        )

    def report(self, result: RecordsImportResult, path: Path, options: dict[str, Any]) -> None:
        self.success(
            _("Imported %(count)s records from %(file)s.") % {"count": result.created, "file": path}
        )
        if result.periods:
            self.stdout.write(
                _("Recomputed periods: %(periods)s") % {"periods": ", ".join(result.periods)}
            )
        else:
            self.stdout.write(_("No scores were recomputed."))
