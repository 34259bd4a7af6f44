"""One table of items read from an uploaded .xlsx or .csv file: the shape the records and
the problem ledger imports share (row 1 names the columns in any order, one item a row,
a sheet chosen by its name, a bound on the number of rows). The values are converted by
each import's own checker afterwards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from qingfeng.lib.errors_workbook import error_headers
from qingfeng.lib.headers import code_of, column_words
from qingfeng.lib.tabular import (
    Issues,
    RawItem,
    read_csv_cells,
    read_header,
    read_items,
    read_xlsx,
    within_size,
)


def read_table_file(
    *,
    data: bytes,
    filename: str,
    issues: Issues,
    sheet: str,
    columns: Sequence[str],
    required: Sequence[str],
    limit: int,
    too_many: Callable[[int], str],
) -> list[RawItem]:
    """The items of a .xlsx or .csv file (by the extension of ``filename``; a CSV in
    UTF-8 with or without BOM, else GB18030): in a workbook, the sheet named ``sheet`` (by
    its code or Chinese name) if there is one, else the first. Row 1 names the columns;
    unknown, duplicate or missing ``required`` columns stop the reading there (per-row
    messages would only mislead). Blank rows are skipped but keep their numbers. More
    than ``limit`` items: nothing, and the message ``too_many(limit)``. Every problem is
    added to ``issues``; with any, the list returned may be partial or empty."""
    if not within_size(data, issues, sheet=""):
        return []
    name = filename.lower()
    table: Sequence[Sequence[Any]] | None
    if name.endswith(".csv"):
        table = read_csv_cells(data, issues, sheet="")
    elif name.endswith(".xlsx"):

        def chosen(titles: list[str]) -> str:
            named = [title for title in titles if code_of(title, (sheet,)) == sheet]
            return (named or titles)[0]

        sheets = read_xlsx(data, issues, sheet="", only=chosen)
        table = None if sheets is None else next(iter(sheets.values()), [])
    else:
        issues.at(None, None, _("unsupported file type; use .xlsx or .csv"))
        return []
    if not table:
        return []
    # The error column our own error workbook adds is ignored, so a user can correct the
    # rows in that file and upload it again as it is.
    names = read_header(table[0], sheet="", columns=columns, issues=issues, ignored=error_headers())
    has_data = any(v is not None for cells in table[1:] for v in cells)
    if all(name is None for name in names) and not has_data:
        return []
    for column in required:
        if column not in names:
            issues.at(1, None, _("%(column)s is missing") % {"column": column_words(column)})
    if issues:
        return []
    rows: list[RawItem] = []
    for item in read_items(table, names, sheet="", issues=issues):
        if len(rows) == limit:
            issues.at(None, None, too_many(limit))
            return []
        rows.append(item)
    return rows
