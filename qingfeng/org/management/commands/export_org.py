"""``manage.py export_org FILE``: write the whole organisation as YAML or .xlsx.

The format follows the file's extension (.yaml, .yml or .xlsx); ``import_org`` reads it
back. The command line exports everything (no user, no scope).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingfeng.org.interchange import export_org
from qingfeng.org.interchange_write import Format

FORMATS: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".xlsx": "xlsx"}


class Command(BaseCommand):
    help = "Export the organisation to a YAML or .xlsx file (format by the file's extension)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The file to write (.yaml, .yml or .xlsx).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise CommandError(_("Unsupported file type; use .yaml, .yml or .xlsx."))
        data = export_org(scope=None, fmt=fmt)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(file)s (%(size)s bytes).") % {"file": path, "size": len(data)}
            )
        )
