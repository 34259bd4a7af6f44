"""Formatted .xlsx exports: every table and chart of the analysis pages downloads through
here, so all exports look alike (bold shaded header, frozen header row, filters, widths
fitted to the content, numbers as numbers)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qingfeng.lib.cells import ILLEGAL_CHARACTERS, safe_cell, safe_filename, safe_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F5F8B")
_TITLE_FONT = Font(bold=True, size=13)
# Excel forbids these in sheet names and caps names at 31 characters.
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Fill colours of the warning bands, as on screen.
BAND_FILLS = {
    "green": "C6EFCE",
    "blue": "BDD7EE",
    "yellow": "FFEB9C",
    "orange": "F8CBAD",
    "red": "FFC7CE",
}


@dataclass
class Sheet:
    """One worksheet: an optional title line, the column headers and the rows.

    ``band_of`` maps (row index, column index), both from 0 within ``rows``, to a band
    code: that cell is filled with the band's colour (a heat-map cell showing a score, or
    a band column showing 红色). ``band_rows`` says the same by row index, then column
    index: cheaper to build for a wide sheet with many fills (both may be given).
    """

    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    title: str = ""
    number_format: str = "0.00"
    band_of: dict[tuple[int, int], str] = field(default_factory=dict)
    band_rows: dict[int, dict[int, str]] = field(default_factory=dict)


def _sheet_name(name: str, taken: set[str]) -> str:
    """A valid sheet name unique in the workbook (Excel compares names case-blind, forbids
    a leading or trailing apostrophe and control characters)."""
    cleaned = _BAD_SHEET_CHARS.sub("_", ILLEGAL_CHARACTERS.sub("", name))
    base = cleaned[:31].strip().strip("'").strip() or "Sheet"
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    # CJK characters are about twice as wide as Latin ones in Excel's default font.
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


# Above this many cells a workbook is streamed (``xlsx_stream``): the same look, a fraction
# of the memory and time (a province's whole-period workbook has ~2,000,000 cells).
STREAM_CELLS = 200_000
# In streamed sheets the column widths are fitted to the header and this many first rows.
_WIDTH_SAMPLE = 500


def workbook_bytes(sheets: Sequence[Sheet], *, write_only: bool | None = None) -> bytes:
    """The sheets as one .xlsx file. ``write_only`` streams the rows (rows may then be a
    generator) through ``xlsx_stream``, ~20 times faster than openpyxl; by default a
    workbook is streamed when its rows are sized lists holding more than ``STREAM_CELLS``
    cells."""
    if write_only is None:
        write_only = _cells(sheets) > STREAM_CELLS
    if write_only:
        from qingfeng.lib.xlsx_stream import streamed_bytes

        return streamed_bytes(sheets)
    book = Workbook(write_only=False)
    book.remove(book.worksheets[0])
    taken: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(_sheet_name(sheet.name, taken))
        first = 1
        if sheet.title:
            ws.cell(row=1, column=1, value=safe_text(sheet.title)).font = _TITLE_FONT
            first = 3
        widths = [_width(h) for h in sheet.headers]
        for col, header in enumerate(sheet.headers, start=1):
            cell = ws.cell(row=first, column=col, value=safe_text(str(header)))
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                # Every value through the one sanitiser: stored text is never a formula
                # and never an illegal character.
                cell = ws.cell(row=first + 1 + r, column=c + 1, value=safe_cell(value))
                if isinstance(value, float):
                    cell.number_format = sheet.number_format
                band = sheet.band_of.get((r, c)) or sheet.band_rows.get(r, {}).get(c)
                if band in BAND_FILLS:
                    cell.fill = PatternFill("solid", fgColor=BAND_FILLS[band])
                if c < len(widths):
                    widths[c] = max(widths[c], _width(value))
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = ws.cell(row=first + 1, column=1)
        if sheet.headers:
            last = get_column_letter(len(sheet.headers))
            ws.auto_filter.ref = f"A{first}:{last}{max(first, ws.max_row)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cells(sheets: Sequence[Sheet]) -> int:
    total = 0
    for sheet in sheets:
        if isinstance(sheet.rows, Sized):
            total += len(sheet.rows) * max(len(sheet.headers), 1)
    return total


def xlsx_response(
    filename: str, sheets: Sequence[Sheet], *, write_only: bool | None = None
) -> HttpResponse:
    """A download of the sheets; ``filename`` may be Chinese (RFC 5987 encoded)."""
    response = HttpResponse(workbook_bytes(sheets, write_only=write_only), content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachment(filename)
    return response


def download_name(*parts: object, ext: str = "xlsx") -> str:
    """A download's file name in the words its user knows, the empty parts left out:
    ``龙口式政治生态监测评价体系-2026年第三季度-对比.xlsx`` (the codes stay in the URL).
    ``attachment`` sends it with an ASCII fallback."""
    return "-".join(str(part) for part in parts if part) + f".{ext}"


def attachment(filename: str) -> str:
    """The Content-Disposition of a download named ``filename`` (which may hold stored
    text, Chinese or not): an ASCII fallback and the RFC 5987 UTF-8 name."""
    filename = safe_filename(filename)
    # The fallback for old clients keeps the name's ASCII words (codes, the year) joined by
    # "-", not a row of underscores; "download" when it has none.
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    words = re.findall(r"[A-Za-z0-9_]+", stem)
    ascii_name = "-".join(words) or "download"
    if ext and re.fullmatch(r"[A-Za-z0-9]+", ext):
        ascii_name += f".{ext}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
