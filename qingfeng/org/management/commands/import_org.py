"""``manage.py import_org FILE``: import an organisation file (.yaml, .yml or .xlsx).

All or nothing, without a scope limit (the command line acts as the installation). On any
problem every issue is printed, one per line, nothing is stored, and the exit status is 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from qingfeng.lib.commands import ImportCommand, read_input
from qingfeng.org.interchange import ImportResult, import_org


class Command(ImportCommand):
    help = (
        "Import regions, unit categories, units, people, data stations and discipline groups "
        "from a YAML or .xlsx file (docs/interchange-org.md). All or nothing."
    )

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and report the counts, but store nothing.",
        )

    def run(self, path: Path, options: dict[str, Any]) -> ImportResult:
        return import_org(
            data=read_input(path), filename=path.name, scope=None, dry_run=options["dry_run"]
        )

    def report(self, result: ImportResult, path: Path, options: dict[str, Any]) -> None:
        if options["dry_run"]:
            self.stdout.write(
                _("Dry run, nothing stored: %(summary)s") % {"summary": result.summary()}
            )
        else:
            super().report(result, path, options)
