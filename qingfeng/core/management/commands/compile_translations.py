"""Compile every ``locale/*/LC_MESSAGES/django.po`` into ``.mo`` with polib.

Django's own ``compilemessages`` needs GNU gettext's ``msgfmt``, which a fresh Debian
machine does not have; this needs nothing beyond our Python dependencies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the project's .po translation files to .mo (no gettext needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                try:
                    catalog = polib.pofile(str(po_path))
                except (OSError, ValueError) as error:
                    raise CommandError(f"{po_path}: {error}") from error
                catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{po_path}: {catalog.percent_translated()}% translated")
        self.stdout.write(f"Compiled {count} translation catalogue(s).")
