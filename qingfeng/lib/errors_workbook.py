"""The uploaded file given back with its errors: the sheet the import read, a last column
holding each row's messages and the wrong cells filled light red, so the user corrects the
file itself and uploads it again (``errors_workbook``)."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from qingfeng.lib import sheet_limits
from qingfeng.lib.cells import safe_cell
from qingfeng.lib.headers import CHINESE_NAMES, code_of, column_words
from qingfeng.lib.tabular import Issue, Issues, read_csv

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

_RED = "FFC7CE"  # Excel's own "light red fill"


def error_headers() -> set[str]:
    """The header names of the error column ``errors_workbook`` adds (English and the
    active language), which readers ignore so a corrected file can be uploaded as it is."""
    return {"error", str(_("error")).strip().lower()}


def errors_workbook(
    *, data: bytes, filename: str, issues: Iterable[Issue], sheet: str
) -> bytes | None:
    """The uploaded one-sheet file (.xlsx, or a .csv made .xlsx) with a last column holding
    each row's messages and the wrong cells filled light red; None if it can't be rebuilt
    (not a readable file) or no issue names a data row. ``sheet`` is the title of the
    sheet the import reads (else the first one is)."""
    by_row: dict[int, list[Issue]] = {}
    for issue in issues:
        if issue.row is not None and issue.row >= 2:
            by_row.setdefault(issue.row, []).append(issue)
    if not by_row:
        return None
    worksheet = _uploaded_sheet(data, filename, sheet)
    if worksheet is None:
        return None
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import column_index_from_string, get_column_letter

    last = worksheet.max_column
    if last >= sheet_limits.EXCEL_COLUMNS:
        return None  # no room for the error column
    positions: dict[str, int] = {}
    for index in range(1, last + 1):
        name = worksheet.cell(row=1, column=index).value
        if name is not None:
            # A Chinese header names its code's column (lib.headers).
            positions.setdefault(code_of(str(name), CHINESE_NAMES), index)
    error_column = last + 1
    header = worksheet.cell(row=1, column=error_column, value=_("error"))
    header.font = Font(bold=True)
    worksheet.column_dimensions[get_column_letter(error_column)].width = 60
    fill = PatternFill(fill_type="solid", start_color=_RED, end_color=_RED)
    for row, row_issues in sorted(by_row.items()):
        written = "; ".join(
            _("%(where)s: %(message)s")
            % {"where": column_words(issue.column), "message": issue.message}
            if issue.column
            else issue.message
            for issue in row_issues
        )
        # Messages quote the user's values: through the one sanitiser like every export.
        worksheet.cell(row=row, column=error_column, value=safe_cell(written)).fill = fill
        for issue in row_issues:
            column = positions.get(str(issue.column or "").lower())
            if column is None and issue.column and issue.column.isalpha():
                column = column_index_from_string(issue.column.upper())
            if column is not None:
                worksheet.cell(row=row, column=column).fill = fill
    assert worksheet.parent is not None
    buffer = io.BytesIO()
    worksheet.parent.save(buffer)
    return buffer.getvalue()


def _uploaded_sheet(data: bytes, filename: str, sheet: str) -> Worksheet | None:
    """The sheet the import read, editable: the .xlsx's sheet named ``sheet`` (else its
    first), or a new workbook holding the .csv's cells."""
    from openpyxl import Workbook, load_workbook

    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data))
        except Exception:
            return None
        named = [ws for ws in workbook.worksheets if code_of(ws.title, (sheet,)) == sheet]
        sheets = named or workbook.worksheets
        return sheets[0] if sheets else None
    if name.endswith(".csv"):
        rows = read_csv(data, Issues())
        if rows is None:
            return None
        workbook = Workbook()
        worksheet = workbook.active
        assert worksheet is not None
        worksheet.title = sheet
        for cells in rows:
            # A .csv cell such as =HYPERLINK(…) must not become a live formula here.
            worksheet.append([safe_cell(value) for value in cells])
        return worksheet
    return None


def display_width(value: Any) -> int:
    """Display width of a cell's text: East Asian wide characters count double."""
    written = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in written)
