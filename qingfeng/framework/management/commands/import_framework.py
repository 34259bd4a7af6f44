"""``manage.py import_framework FILE [--region CODE] [--publish]``: import a framework file.

All or nothing, without a scope limit (the command line acts as the installation). A new
framework needs ``--region``. On any problem every issue is printed, one per line, nothing
is stored, and the exit status is 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingfeng.framework.interchange import framework_import
from qingfeng.lib.commands import read_input, refuse_on_issues
from qingfeng.org.models import Region


class Command(BaseCommand):
    help = (
        "Import an indicator framework from a YAML or .xlsx file "
        "(docs/interchange-framework.md) as a draft version. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The file to import (.yaml, .yml or .xlsx).")
        parser.add_argument(
            "--region",
            metavar="CODE",
            help="The region a new framework belongs to (required for a new framework).",
        )
        parser.add_argument("--publish", action="store_true", help="Publish the imported version.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(_('Unknown region "%(code)s".') % {"code": options["region"]})
        data = read_input(path)
        result = framework_import(
            data=data, filename=path.name, actor=None, region=region, publish=options["publish"]
        )
        refuse_on_issues(self, result.issues, path)
        self.stdout.write(
            self.style.SUCCESS(_("Imported: %(summary)s") % {"summary": result.summary()})
        )
