"""Reading an uploaded .xlsx as openpyxl reads it read-only (``load_workbook(read_only=
True, data_only=True)`` and its sheet parser), with a faster reading of text cells.

openpyxl builds a ``Text`` object (through its generic XML-to-object machinery) for every
shared string and every inline string to take its content: for a 100,000-row records
file, about a sixth of the whole parse. A text stored plainly (``<si><t>text</t></si>``
in the shared strings, as Excel and WPS write it, or ``<is><t>text</t></is>`` in the
cell, as openpyxl and other libraries do) is taken here straight from the element, to
the same value; anything else (rich text runs, phonetic hints, unexpected attributes)
still goes through openpyxl's ``Text``, so every workbook reads exactly as it did.
"""

from __future__ import annotations

from typing import IO, Any

from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import coordinate_to_tuple
from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_SI = f"{{{SHEET_MAIN_NS}}}si"
_T = f"{{{SHEET_MAIN_NS}}}t"


def _plain_text(node: Any) -> str | None:
    """The content of a text element (``si`` or ``is``) holding one plain ``t`` and
    nothing else, as ``Text.from_tree(node).content`` gives it; None for any other."""
    if node.attrib or len(node) != 1:
        return None
    child = node[0]
    if child.tag != _T or len(child):
        return None
    return child.text or ""


def shared_strings(source: IO[bytes]) -> list[str]:
    """The shared string table as openpyxl's ``read_string_table`` reads it."""
    strings = []
    for _event, node in iterparse(source):
        if node.tag != _SI:
            continue
        text = _plain_text(node)
        if text is None:
            parsed = Text.from_tree(node)
            text = parsed.content if parsed is not None else ""
        strings.append(text.replace("x005F_", ""))
        node.clear()
    return strings


class _Reader(ExcelReader):
    """openpyxl's reader with ``shared_strings`` for the string table."""

    def read_strings(self) -> None:
        found = self.package.find(SHARED_STRINGS)
        if found is not None:
            with self.archive.open(found.PartName[1:]) as source:
                self.shared_strings = shared_strings(source)


class SheetParser(WorkSheetParser):
    """openpyxl's sheet parser (``WorkSheetParser``, same arguments and results), taking a
    plain inline string straight from its element."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        """What ``WorkSheetParser.parse_cell`` returns for the cell ``element``."""
        if element.get("t") != "inlineStr" or self.rich_text:
            return super().parse_cell(element)
        if not self.data_only and element.find(FORMULA_TAG) is not None:
            return super().parse_cell(element)
        child = element.find(INLINE_STRING)
        text = None if child is None else _plain_text(child)
        if text is None:
            return super().parse_cell(element)
        # As the parent does for any cell: its style, and its place (from its reference,
        # else the column after the previous cell's).
        style_id: Any = element.get("s", 0)
        if style_id:
            style_id = int(style_id)
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        return {"row": row, "column": column, "value": text, "data_type": "s", "style_id": style_id}


def open_workbook(source: IO[bytes]) -> Any:
    """The workbook in ``source``, read-only and with cached formula values, as
    ``load_workbook(source, read_only=True, data_only=True)`` opens it."""
    reader = _Reader(source, read_only=True, data_only=True)
    reader.read()
    return reader.wb
