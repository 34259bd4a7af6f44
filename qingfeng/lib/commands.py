"""What the import commands share: reading the file and refusing it with every issue."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def read_input(path: Path) -> bytes:
    """The file's bytes, or a CommandError saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
        ) from exc


def refuse_on_issues(command: BaseCommand, issues: Sequence[object], path: Path) -> None:
    """Print every issue, one per line, and exit non-zero: nothing was imported."""
    if not issues:
        return
    for issue in issues:
        command.stderr.write(str(issue))
    raise CommandError(
        ngettext(
            "%(count)d problem found in %(file)s; nothing was imported.",
            "%(count)d problems found in %(file)s; nothing was imported.",
            len(issues),
        )
        % {"count": len(issues), "file": path}
    )
