"""The plain .xlsx of the interchange formats (organisation, framework): written to be
read back by the imports, so without the styling of the analysis exports
(``qingfeng.lib.xlsx``). openpyxl is imported when a workbook is written, not with the
module."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qingfeng.lib.cells import safe_row
from qingfeng.lib.errors_workbook import display_width


def plain_workbook(sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One worksheet per entry, in order: a bold header row of the column names (frozen),
    then the rows; each column as wide as its widest cell (8 to 60 characters)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    bold = Font(bold=True)
    for title, (columns, rows) in sheets.items():
        worksheet = workbook.create_sheet(title)
        worksheet.append(safe_row(columns))
        for cell in worksheet[1]:
            cell.font = bold
        widths = [display_width(column) for column in columns]
        for row in rows:
            # Stored text through the one sanitiser (no formula, no illegal character);
            # the readers take the apostrophe off again (``cells.unquoted``).
            worksheet.append(safe_row(row))
            for index, value in enumerate(row):
                widths[index] = max(widths[index], display_width(value))
        worksheet.freeze_panes = "A2"
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), 60) + 2
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
