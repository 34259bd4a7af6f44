"""``manage.py import_records FILE --station CODE --framework CODE``: import a records file.

The records are stored approved, with source "imported from a file". All or nothing,
without a scope limit (the command line acts as the installation). On any problem every
issue is printed, one per line, nothing is stored, and the exit status is 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.lib.commands import read_input, refuse_on_issues
from qingfeng.org.models import Station
from qingfeng.records.models import RecordSource, RecordStatus
from qingfeng.records.services import records_import


class Command(BaseCommand):
    help = (
        "Import records (approved) from an .xlsx or .csv file for one data station's "
        "indicators of a framework (docs/interchange-records.md). All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The file to import (.xlsx or .csv).")
        parser.add_argument(
            "--station", required=True, help="Code of the data station supplying the records."
        )
        parser.add_argument("--framework", required=True, help="Code of the framework.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        framework = (
            Framework.objects.select_related("region").filter(code=options["framework"]).first()
        )
        if framework is None:
            raise CommandError(_('Unknown framework "%(code)s".') % {"code": options["framework"]})
        station = Station.objects.filter(code=options["station"]).first()
        if station is None:
            raise CommandError(_('Unknown data station "%(code)s".') % {"code": options["station"]})
        data = read_input(path)
        result = records_import(
            data=data,
            filename=path.name,
            framework=framework,
            station=station,
            actor=None,
            status=RecordStatus.APPROVED,
            source=RecordSource.IMPORTED,
        )
        refuse_on_issues(self, result.issues, path)
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(count)s records from %(file)s.")
                % {"count": result.created, "file": path}
            )
        )
        if result.periods:
            self.stdout.write(
                _("Recomputed periods: %(periods)s") % {"periods": ", ".join(result.periods)}
            )
        else:
            self.stdout.write(_("No scores were recomputed."))
