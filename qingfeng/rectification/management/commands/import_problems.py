"""``manage.py import_problems FILE [--station CODE]``: import a problem ledger sheet.

All or nothing, without a scope limit (the command line acts as the installation); with
``--station`` the problems are that station's and its units only. On any problem every
issue is printed, one per line, nothing is stored, and the exit status is 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from qingfeng.lib.commands import ImportCommand, by_code, read_input
from qingfeng.org.models import Station
from qingfeng.rectification.import_services import ProblemsImportResult, problems_import


class Command(ImportCommand):
    help = (
        "Import problems into the ledger from an .xlsx or .csv sheet "
        "(docs/ledger-import.md). All or nothing; rows already imported are skipped."
    )
    file_help = "The file to import (.xlsx or .csv)."

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--station", default="", help="Code of the station that found the problems."
        )

    def run(self, path: Path, options: dict[str, Any]) -> ProblemsImportResult:
        station = None
        if options["station"]:
            station = by_code(
                Station.objects.all(), options["station"], _('Unknown data station "%(code)s".')
            )
        return problems_import(
            data=read_input(path), filename=path.name, actor=None, station=station
        )

    def report(self, result: ProblemsImportResult, path: Path, options: dict[str, Any]) -> None:
        self.success(
            _("Imported %(count)s problems from %(file)s (%(skipped)s already in the ledger).")
            % {"count": result.created, "file": path, "skipped": result.skipped}
        )
