"""Build the default Word templates (run ``python -m qingfeng.documents.default_templates.build``
after changing this file, and commit the .docx files it writes next to it).

Each template is a 公文 in the layout of GB/T 9704 (simplified for a notice sent to one
unit): the issuer's name in red, the document number (文号) and a red rule; the title in
方正小标宋 二号; the recipient unit; the text in 仿宋_GB2312 三号 on 28-point lines with a
two-character indent; the deadline; the issuer and the date; the 抄送 line naming the
leaders in charge. Jinja tags (docxtpl) take the context ``documents.services``
describes. The font table names "Noto Serif CJK SC" as the alternative of the 公文 fonts
(see docs/documents.md).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from qingfeng.lib.documents import (
    FONT_TEXT,
    FONT_TITLE,
    SIZE_TEXT,
    SIZE_TITLE,
    set_font,
    with_font_table,
)

HERE = Path(__file__).resolve().parent
RED = RGBColor(0xC0, 0x00, 0x00)


@dataclass(frozen=True)
class Wording:
    """What one kind of document says around the analyst's own paragraphs."""

    kind: str
    title: str
    opening: str
    closing: str


OPENING = "经对{{ period }}政治生态评估结果分析，你单位{{ subject }}{{ finding }}。"
WORDINGS = (
    Wording(
        "warning_notice",
        "预警通知书",
        OPENING + "依据《{{ framework }}》预警处置有关规定，现向你单位发出预警。",
        "请你单位高度重视，对照查找问题根源，制定整改措施，明确责任人和整改时限，"
        "并于{{ deadline }}前将整改措施书面报送{{ issuer }}。",
    ),
    Wording(
        "recommendation",
        "纪检监察建议书",
        OPENING + "反映出你单位在落实全面从严治党责任、净化政治生态方面存在较为突出的问题。"
        "根据《中华人民共和国监察法》等有关规定，提出如下纪检监察建议：",
        "请你单位认真研究落实，于{{ deadline }}前将整改落实情况书面回复{{ issuer }}。",
    ),
    Wording(
        "accountability",
        "责任倒查通知",
        OPENING + "根据有关规定，决定对相关责任开展倒查。",
        "请你单位于{{ deadline }}前查明问题责任，将责任倒查情况及处理意见书面报送{{ issuer }}。",
    ),
)


def _border(paragraph: Paragraph, *sides: str, color: str = "000000", size: int = 8) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in sides:
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(size))
        line.set(qn("w:space"), "1")
        line.set(qn("w:color"), color)
        borders.append(line)
    p_pr.append(borders)


def _paragraph(
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
    paragraph: Paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    fmt = paragraph.paragraph_format
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
        run = paragraph.add_run(text)
        set_font(run, font, size, bold=bold)
        if color is not None:
            run.font.color.rgb = color
    return paragraph


def build(wording: Wording) -> bytes:
    """One template's bytes."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    set_font(document.styles["Normal"], FONT_TEXT, SIZE_TEXT)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT

    # 版头: the issuer in red, the number, the red rule.
    _paragraph(document, "{{ issuer }}", font=FONT_TITLE, size=30, align=center, color=RED)
    number = _paragraph(document, "{{ reference }}", align=center)
    number.paragraph_format.space_before = Pt(14)
    _border(number, "bottom", color="C00000", size=18)
    _paragraph(document)
    # 主体: title, recipient, text.
    _paragraph(document, wording.title, font=FONT_TITLE, size=SIZE_TITLE, align=center)
    _paragraph(document)
    _paragraph(document, "{{ recipient }}：")
    _paragraph(document, wording.opening, indent=True)
    _paragraph(document, "{%p for text in paragraphs %}")
    _paragraph(document, "{{ text }}", indent=True)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, wording.closing, indent=True)
    _paragraph(document)
    _paragraph(document, "{{ issuer }}", align=right, right_chars=2)
    _paragraph(document, "{{ date }}", align=right, right_chars=2)
    _paragraph(document)
    # 版记: the copy line between two rules.
    _paragraph(document, "{%p if copy_to %}")
    copy = _paragraph(document, "抄送：{{ copy_to }}。", size=14)
    _border(copy, "top", "bottom")
    _paragraph(document, "{%p endif %}")
    buffer = io.BytesIO()
    document.save(buffer)
    return with_font_table(buffer.getvalue())


def main() -> None:
    for wording in WORDINGS:
        path = HERE / f"{wording.kind}.docx"
        path.write_bytes(build(wording))
        print(path)


if __name__ == "__main__":
    main()
