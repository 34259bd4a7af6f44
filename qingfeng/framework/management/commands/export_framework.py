"""``manage.py export_framework CODE FILE [--version N]``: write a framework version as
YAML or .xlsx (format by the file's extension); ``import_framework`` reads it back.
Without ``--version`` the latest version (the highest number, whatever its status) is
written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingfeng.framework.interchange import framework_export
from qingfeng.framework.models import FrameworkVersion
from qingfeng.lib.commands import output_format, write_output


class Command(BaseCommand):
    help = "Export a framework version to a YAML or .xlsx file (format by the extension)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # ``--version N`` names the framework version; it replaces Django's ``--version``.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The framework's code.")
        parser.add_argument("file", help="The file to write (.yaml, .yml or .xlsx).")
        parser.add_argument(
            "--version",
            dest="number",
            type=int,
            metavar="N",
            help="The version number (default: the latest version).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = output_format(path)
        versions = FrameworkVersion.objects.select_related("framework").filter(
            framework__code=options["code"]
        )
        if options["number"] is not None:
            versions = versions.filter(number=options["number"])
        version = versions.order_by("-number").first()
        if version is None:
            raise CommandError(
                _('No framework "%(code)s" with that version.') % {"code": options["code"]}
            )
        data = framework_export(version=version, fmt=fmt)
        write_output(path, data)
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(file)s: %(name)s, version %(number)s (%(size)s bytes).")
                % {"file": path, "name": version.name, "number": version.number, "size": len(data)}
            )
        )
