"""What the import and export commands share: reading and writing the file, finding the
objects named on the command line, and refusing an import with every issue."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Format = Literal["yaml", "xlsx"]
# The interchange formats (organisation, frameworks) by the file's extension.
FORMATS: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".xlsx": "xlsx"}

M = TypeVar("M", bound=Model)


def read_input(path: Path) -> bytes:
    """The file's bytes, or a CommandError saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
        ) from exc


def output_format(path: Path) -> Format:
    """The interchange format the file's extension names, or a CommandError."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CommandError(_("Unsupported file type; use .yaml, .yml or .xlsx."))
    return fmt


def write_output(path: Path, data: bytes) -> None:
    """Write the file, or a CommandError saying why it cannot be written."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise CommandError(
            _("Cannot write %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
        ) from exc


def by_code(queryset: QuerySet[M], code: str, unknown: str) -> M:
    """The object with this code, or a CommandError: ``unknown`` with ``%(code)s``."""
    found = queryset.filter(code=code).first()
    if found is None:
        raise CommandError(unknown % {"code": code})
    return found


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


class ImportCommand(BaseCommand):
    """An import of one file, all or nothing: a subclass adds its options, imports the
    file in ``run`` and says what was stored in ``report``; on any issue every issue is
    printed, one per line, and the exit status is 1."""

    file_help = "The file to import (.yaml, .yml or .xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=self.file_help)
        self.add_options(parser)

    def add_options(self, parser: CommandParser) -> None:
        """The command's options beyond the file."""

    def run(self, path: Path, options: dict[str, Any]) -> Any:
        """Import the file (after checking the options) and return the importer's result."""
        raise NotImplementedError

    def report(self, result: Any, path: Path, options: dict[str, Any]) -> None:
        """Say what was imported (the default: the result's summary)."""
        self.success(_("Imported: %(summary)s") % {"summary": result.summary()})

    def success(self, message: str) -> None:
        self.stdout.write(self.style.SUCCESS(message))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        result = self.run(path, options)
        refuse_on_issues(self, result.issues, path)
        self.report(result, path, options)


def terminal_width(text: str) -> int:
    """Columns a text takes in a terminal: a CJK character takes two."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def text_table(rows: Sequence[Sequence[str]], *, right: Collection[int] = ()) -> str:
    """Rows (the header first) as columns two spaces apart, left-aligned except the
    column indexes in ``right``, CJK text counted two columns wide."""
    widths = [max(terminal_width(row[at]) for row in rows) for at in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = []
        for at, text in enumerate(row):
            pad = " " * (widths[at] - terminal_width(text))
            cells.append(pad + text if at in right else text + pad)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
