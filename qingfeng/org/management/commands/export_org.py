"""``manage.py export_org FILE``: write the whole organisation as YAML or .xlsx.

The format follows the file's extension (.yaml, .yml or .xlsx); ``import_org`` reads it
back. The command line exports everything (no user, no scope).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from qingfeng.lib.commands import output_format, write_output
from qingfeng.org.interchange import export_org


class Command(BaseCommand):
    help = "Export the organisation to a YAML or .xlsx file (format by the file's extension)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The file to write (.yaml, .yml or .xlsx).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = output_format(path)
        data = export_org(scope=None, fmt=fmt)
        write_output(path, data)
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(file)s (%(size)s bytes).") % {"file": path, "size": len(data)}
            )
        )
