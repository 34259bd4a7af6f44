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

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qingfeng.documents.default_templates import (
    build_booklet,
    build_filing,
    build_region,
    build_unit,
)
from qingfeng.documents.default_templates.gongwen import (
    CENTER,
    RIGHT,
    border,
    letterhead,
    new_document,
    paragraph,
    saved,
)
from qingfeng.lib.documents import FONT_TITLE, SIZE_TITLE

HERE = Path(__file__).resolve().parent


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


def build(wording: Wording) -> bytes:
    """One notice template's bytes."""
    document = new_document()
    letterhead(document)
    # 主体: title, recipient, text.
    paragraph(document, wording.title, font=FONT_TITLE, size=SIZE_TITLE, align=CENTER)
    paragraph(document)
    paragraph(document, "{{ recipient }}：")
    paragraph(document, wording.opening, indent=True)
    paragraph(document, "{%p for text in paragraphs %}")
    paragraph(document, "{{ text }}", indent=True)
    paragraph(document, "{%p endfor %}")
    paragraph(document, wording.closing, indent=True)
    paragraph(document)
    paragraph(document, "{{ issuer }}", align=RIGHT, right_chars=2)
    paragraph(document, "{{ date }}", align=RIGHT, right_chars=2)
    paragraph(document)
    # 版记: the copy line between two rules.
    paragraph(document, "{%p if copy_to %}")
    copy = paragraph(document, "抄送：{{ copy_to }}。", size=14)
    border(copy, "top", "bottom")
    paragraph(document, "{%p endif %}")
    return saved(document)


# Every default template: the notices here, the reports' from their builders.
BUILDERS: dict[str, Callable[[], bytes]] = {
    **{w.kind: functools.partial(build, w) for w in WORDINGS},
    **build_unit.TEMPLATES,
    **build_region.TEMPLATES,
    **build_filing.TEMPLATES,
    **build_booklet.TEMPLATES,
}


def main() -> None:
    for kind, builder in BUILDERS.items():
        path = HERE / f"{kind}.docx"
        path.write_bytes(builder())
        print(path)


if __name__ == "__main__":
    main()
