"""``manage.py backup DIR``: one dated archive of the database and the uploaded files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingfeng.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write one dated archive of the database and the media files into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="where to write the archive")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = create_backup(directory=options["directory"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Backup written to %s") % archive)
