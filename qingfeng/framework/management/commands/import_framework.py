"""``manage.py import_framework FILE [--region CODE] [--publish]``: import a framework file.

All or nothing, without a scope limit (the command line acts as the installation). A new
framework goes to ``--region``, or without it to the installation's only top-level region
(with several, the problem lists them). On any problem every issue is printed, one per line, nothing
is stored, and the exit status is 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from qingfeng.framework.interchange import FrameworkImportResult, framework_import
from qingfeng.lib.commands import ImportCommand, by_code, read_input
from qingfeng.org.models import Region


class Command(ImportCommand):
    help = (
        "Import an indicator framework from a YAML or .xlsx file "
        "(docs/interchange-framework.md) as a draft version. All or nothing."
    )

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region",
            metavar="CODE",
            help=(
                "The region a new framework belongs to (default: the installation's only "
                "top-level region)."
            ),
        )
        parser.add_argument("--publish", action="store_true", help="Publish the imported version.")

    def run(self, path: Path, options: dict[str, Any]) -> FrameworkImportResult:
        region = None
        if options["region"]:
            region = by_code(
                Region.objects.all(), options["region"], _('Unknown region "%(code)s".')
            )
        return framework_import(
            data=read_input(path),
            filename=path.name,
            actor=None,
            region=region,
            publish=options["publish"],
        )
