"""Real .xlsx files built in memory, for the import tests (one sheet or several)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook


def sheets_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    """An .xlsx holding ``sheets`` (title → rows, the first row usually the header)."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet every new workbook has
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_bytes(rows: list[list[Any]], title: str = "Sheet") -> bytes:
    """An .xlsx with one sheet of ``rows``."""
    return sheets_bytes({title: rows})
