"""How much of a spreadsheet an import reads: only the cells actually stored, and at most
``settings.IMPORT_MAX_ROWS`` rows below the header and ``settings.IMPORT_MAX_COLUMNS``
columns (docs/interchange-*.md).

A .xlsx of 1.5 KB may declare the dimension ``A1:XFD1048576``, or hold one cell in row
2,000,000,000: openpyxl's row iterator then yields every row in between, one at a time,
which ties a worker up for hours. ``stored_rows`` reads the rows the sheet's XML holds and
nothing else, so the limits are checked on the row numbers before any gap is walked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# Says a limit was passed: (the column's letter or None, the message). Issues are located
# by sheet and column but not by row (the row is in the message): the errors workbook adds
# its column to the rows of row issues, and a sheet this large gets none.
Report = Callable[[str | None, str], None]
# The defaults of the settings: a province's organisation file has ~46,000 rows in its
# largest sheet, the records benchmark 100,000 rows of 9 columns.
DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_COLUMNS = 200
# XFD, the last column a spreadsheet has.
EXCEL_COLUMNS = 16384


def max_rows() -> int:
    """The most rows a sheet may have below its header row."""
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def max_columns() -> int:
    """The most columns a sheet may have."""
    return int(getattr(settings, "IMPORT_MAX_COLUMNS", DEFAULT_MAX_COLUMNS))


def too_many_rows(row: int) -> str:
    """The message for a sheet whose row ``row`` (numbered as the sheet shows it) holds a
    value beyond the row limit."""
    return _(
        "the sheet has more than %(max)s rows below the header (row %(row)s holds a value); "
        "split it into several files"
    ) % {"max": f"{max_rows():,}", "row": f"{row:,}"}


def too_many_columns(column: int, row: int) -> str:
    """The message for a sheet with a value in column number ``column`` of row ``row``,
    beyond the column limit."""
    return _(
        "the sheet has more than %(max)s columns (column %(column)s of row %(row)s holds a value)"
    ) % {"max": max_columns(), "column": f"{column:,}", "row": f"{row:,}"}


def stored_rows(worksheet: Any) -> Iterator[tuple[int, dict[int, Any]]]:
    """(row number, {column number: value}) for each row the sheet stores with a value,
    in order, without the rows between them and without empty cells.

    ``worksheet`` is a read-only openpyxl worksheet (``load_workbook(read_only=True)``).
    This is what its ``iter_rows`` does (openpyxl's parser, ``xlsx_read.SheetParser``,
    same cell conversion), minus the filling of missing rows and cells up to the
    declared dimension.
    """
    return _stored_rows(worksheet, None)


def _stored_rows(
    worksheet: Any, normalise: Callable[[Any], Any] | None
) -> Iterator[tuple[int, dict[int, Any]]]:
    """``stored_rows``, each value ``normalise``d (when given) and left out if that makes
    it None: one pass over the cells rather than two."""
    from qingfeng.lib.xlsx_read import SheetParser

    workbook = worksheet.parent
    with worksheet._get_source() as source:
        parser = SheetParser(
            source,
            worksheet._shared_strings,
            data_only=workbook.data_only,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            values = {}
            for stored in cells:
                value = stored["value"]
                if value is not None and normalise is not None:
                    value = normalise(value)
                if value is not None:
                    values[stored["column"]] = value
            if values:
                yield number, values


def bounded_rows(
    worksheet: Any, normalise: Callable[[Any], Any], report: Report
) -> list[list[Any]] | None:
    """The rows of a read-only sheet, each to its last value (``normalise``d, None for an
    empty cell) and the sheet to its last non-blank row; None, reported, when a value
    lies past the row or column limit (reading stops there)."""
    last_row, last_column = max_rows() + 1, max_columns()
    rows: list[list[Any]] = []
    for number, values in _stored_rows(worksheet, normalise):
        if number > last_row:
            report(None, too_many_rows(number))
            return None
        width = max(values)
        if width > last_column:
            report(_letter(width), too_many_columns(width, number))
            return None
        rows.extend([] for _ in range(number - 1 - len(rows)))
        rows.append([values.get(column) for column in range(1, width + 1)])
    return rows


def csv_within_limits(rows: list[list[str]], report: Report) -> bool:
    """False, reported, when a .csv has a value past the row or column limit."""
    last_row, last_column = max_rows() + 1, max_columns()
    for number, cells in enumerate(rows, start=1):
        width = next((i for i in range(len(cells), 0, -1) if cells[i - 1].strip()), 0)
        if width and number > last_row:
            report(None, too_many_rows(number))
            return False
        if width > last_column:
            report(_letter(width), too_many_columns(width, number))
            return False
    return True


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column) if column <= EXCEL_COLUMNS else f"#{column}"
