"""``manage.py import_org FILE``: import an organisation file (.yaml, .yml or .xlsx).

All or nothing, without a scope limit (the command line acts as the installation). On any
problem every issue is printed, one per line, nothing is stored, and the exit status is 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from qingfeng.lib.commands import read_input, refuse_on_issues
from qingfeng.org.interchange import import_org


class Command(BaseCommand):
    help = (
        "Import regions, unit categories, units, people, data stations and discipline groups "
        "from a YAML or .xlsx file (docs/interchange-org.md). All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The file to import (.yaml, .yml or .xlsx).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and report the counts, but store nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        data = read_input(path)
        result = import_org(data=data, filename=path.name, scope=None, dry_run=options["dry_run"])
        refuse_on_issues(self, result.issues, path)
        if options["dry_run"]:
            self.stdout.write(
                _("Dry run, nothing stored: %(summary)s") % {"summary": result.summary()}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(_("Imported: %(summary)s") % {"summary": result.summary()})
            )
