"""``manage.py restore ARCHIVE [--force]``: the database and the uploaded files from a
backup, into an empty database; migrations newer in the code are applied afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingfeng.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore the database and the media files from a backup archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="a qingfeng-backup-*.tar.gz file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite a database that already holds data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_backup(archive=options["archive"], force=options["force"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if result.needs_migrate:
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
        self.stdout.write(
            _("Restored the backup of %(created)s (%(files)d media files).")
            % {"created": result.manifest.get("created_at"), "files": result.media_files}
        )
