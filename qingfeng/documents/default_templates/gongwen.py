"""The 公文 building blocks of the default templates (GB/T 9704): an A4 page with its
margins, paragraphs in 仿宋_GB2312 三号 on 28-point lines, the letterhead (the issuer in
red, the number, the red rule), bordered lines, tables. ``build.py`` and the report
templates' builders (``build_unit``, ``build_region``, ``build_filing``) use them; only
the template builders do (a dev tool: run ``python -m
qingfeng.documents.default_templates.build`` and commit the .docx files).
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from qingfeng.lib.documents import (
    FONT_HEADING,
    FONT_TEXT,
    FONT_TITLE,
    SIZE_TEXT,
    set_font,
    with_font_table,
)

RED = RGBColor(0xC0, 0x00, 0x00)
# Table text, in points: 五号 (a table of a county's 112 units stays a few pages).
SIZE_TABLE = 10.5
CENTER, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT


def new_document() -> Any:
    """An empty A4 document with the 公文 margins and 仿宋 三号 as its normal text."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    set_font(document.styles["Normal"], FONT_TEXT, SIZE_TEXT)
    return document


def letterhead(document: Any) -> None:
    """版头: the issuer in red, the number (文号), the red rule, a blank line."""
    paragraph(document, "{{ issuer }}", font=FONT_TITLE, size=30, align=CENTER, color=RED)
    number = paragraph(document, "{{ reference }}", align=CENTER)
    number.paragraph_format.space_before = Pt(14)
    border(number, "bottom", color="C00000", size=18)
    paragraph(document)


def saved(document: Any) -> bytes:
    """The document's bytes, its font table naming the free alternatives."""
    buffer = io.BytesIO()
    document.save(buffer)
    return with_font_table(buffer.getvalue())


def border(line_of: Paragraph, *sides: str, color: str = "000000", size: int = 8) -> None:
    """A rule on ``sides`` ("top", "bottom") of a paragraph."""
    p_pr = line_of._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in sides:
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(size))
        line.set(qn("w:space"), "1")
        line.set(qn("w:color"), color)
        borders.append(line)
    p_pr.append(borders)


def paragraph(
    document: object,
    text: str = "",
    *,
    font: str = FONT_TEXT,
    size: float = SIZE_TEXT,
    align: int | None = None,
    indent: bool = False,
    color: RGBColor | None = None,
    bold: bool = False,
    right_chars: int = 0,
) -> Paragraph:
    """A paragraph of ``text`` (may hold docxtpl tags) in the 公文 layout: exact line
    spacing, optional two-character first-line indent, font, size, colour."""
    added: Paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    fmt = added.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28 if size <= SIZE_TEXT else size + 8)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if align is not None:
        fmt.alignment = align
    if indent:
        fmt.first_line_indent = Pt(2 * SIZE_TEXT)
    if right_chars:
        fmt.right_indent = Pt(right_chars * SIZE_TEXT)
    if text:
        run = added.add_run(text)
        set_font(run, font, size, bold=bold)
        if color is not None:
            run.font.color.rgb = color
    return added


def table(
    document: Any,
    headers: list[str],
    cells: list[str],
    *,
    rows: str = "rows",
    item: str = "row",
    size: float = 12,
    widths_cm: list[float] | None = None,
) -> Any:
    """A bordered table: a header row of ``headers`` (bold), then one row per item of
    the context's list ``rows`` (docxtpl ``{%tr for %}``), each cell the expression in
    ``cells`` (e.g. ``"{{ row.name }}"``), in 仿宋 at ``size`` points."""
    grid = document.add_table(rows=4, cols=len(headers))
    grid.style = "Table Grid"
    texts = [
        [(h, True) for h in headers],
        [(f"{{%tr for {item} in {rows} %}}", False)] + [("", False)] * (len(headers) - 1),
        [(c, False) for c in cells],
        [("{%tr endfor %}", False)] + [("", False)] * (len(headers) - 1),
    ]
    for row, values in zip(grid.rows, texts, strict=True):
        for cell, (text, bold) in zip(row.cells, values, strict=True):
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
            if text:
                set_font(cell.paragraphs[0].add_run(text), FONT_TEXT, size, bold=bold)
    if widths_cm:
        # Fixed widths, in the cells and in the grid: LibreOffice and WPS size the
        # columns by the grid unless the table is fixed.
        grid.autofit = False
        for column, width in zip(grid.columns, widths_cm, strict=True):
            column.width = Cm(width)
        for row in grid.rows:
            for cell, width in zip(row.cells, widths_cm, strict=True):
                cell.width = Cm(width)
    for row in grid.rows:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.line_spacing = 1.0
    # The header row repeats on every page a long table spans, and the row repeated for
    # each item never splits across a page (a long name would leave its tail behind).
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    grid.rows[0]._tr.get_or_add_trPr().append(repeat)
    whole = OxmlElement("w:cantSplit")
    whole.set(qn("w:val"), "true")
    grid.rows[2]._tr.get_or_add_trPr().append(whole)
    return grid


def heading(document: Any, text: str) -> None:
    """A first-level heading (一、…): 黑体 三号, indented two characters, kept on the
    page of what follows it."""
    paragraph(document, text, font=FONT_HEADING, indent=True).paragraph_format.keep_with_next = True


def subheading(document: Any, text: str) -> None:
    """A second-level heading (（一）…): 仿宋 bold, indented two characters, kept with
    what follows it."""
    paragraph(document, text, indent=True, bold=True).paragraph_format.keep_with_next = True


def image(document: Any, name: str) -> Paragraph:
    """An image (``{{ name }}``, a ``Picture`` of the context) centred in a paragraph of
    its own, single spaced (the text's exact 28-point lines would crop it to one line),
    kept with what follows (its caption)."""
    holder = paragraph(document, f"{{{{ {name} }}}}", align=CENTER)
    holder.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    holder.paragraph_format.space_before = Pt(6)
    holder.paragraph_format.keep_with_next = True
    return holder


def signature(document: Any) -> None:
    """The issuer and the date, right-aligned two characters in from the margin, on the
    page of the text's last lines (never alone on a page)."""
    paragraph(document).paragraph_format.keep_with_next = True
    paragraph(
        document, "{{ issuer }}", align=RIGHT, right_chars=2
    ).paragraph_format.keep_with_next = True
    paragraph(document, "{{ date }}", align=RIGHT, right_chars=2)
