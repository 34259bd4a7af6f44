"""The default templates of the unit report kinds (see ``gongwen`` for the layout): the
diagnosis (诊断书) and the two feedback letters (双反馈). Their contexts are made by
``qingfeng.reports.diagnosis`` and ``qingfeng.reports.feedback``; the samples in
``documents.samples_unit`` name the same keys.

Each is a 公文: the letterhead with the number, the title, the recipient line, the
headings 一、二、三、 in 黑体, tables of the figures, the charts in paragraphs of their
own, the analyst's paragraphs, the issuer and the date.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qingfeng.documents.default_templates.gongwen import (
    CENTER,
    SIZE_TABLE,
    heading,
    image,
    letterhead,
    new_document,
    paragraph,
    saved,
    signature,
    subheading,
    table,
)
from qingfeng.lib.documents import FONT_TEXT, FONT_TITLE, SIZE_TITLE


def text(document: Any, words: str, *, keep: bool = False) -> None:
    """A paragraph of the text, indented two characters; ``keep`` keeps it on the page
    of the next paragraph."""
    paragraph(document, words, indent=True).paragraph_format.keep_with_next = keep


def tag(document: Any, words: str) -> None:
    """A paragraph holding only a docxtpl tag (``{%p … %}``): it disappears."""
    paragraph(document, words)


def picture(document: Any, name: str, caption: str) -> None:
    """An image (``{{ name }}``, a ``Picture`` of the context) centred in a paragraph of
    its own with single spacing (an exact line height would crop it), its caption
    under it."""
    image(document, name)
    paragraph(document, caption, align=CENTER, size=12, font=FONT_TEXT)


def grid(
    document: Any,
    headers: list[str],
    cells: list[str],
    widths_cm: list[float],
    *,
    rows: str,
    item: str = "row",
) -> None:
    """A table (``gongwen.table``) of the text's width, each column as wide as
    ``widths_cm`` says (in the grid too: LibreOffice reads the grid's widths), with a
    little space after it."""
    table(document, headers, cells, rows=rows, item=item, size=SIZE_TABLE, widths_cm=widths_cm)


def opening(document: Any, title: str) -> None:
    """The letterhead, the title and an empty line."""
    letterhead(document)
    paragraph(document, title, font=FONT_TITLE, size=SIZE_TITLE, align=CENTER)
    paragraph(document)


def facts(document: Any) -> None:
    """The result's sentences, one paragraph each."""
    tag(document, "{%p for fact in facts %}")
    text(document, "{{ fact }}")
    tag(document, "{%p endfor %}")


def warnings(document: Any) -> None:
    """The period's warnings: a sentence, and the table when there are any."""
    text(document, "{{ warnings_text }}")
    tag(document, "{%p if warnings %}")
    grid(
        document,
        ["指标", "得分", "满分", "预警等级"],
        ["{{ w.indicator }}", "{{ w.score }}", "{{ w.max }}", "{{ w.band }}"],
        [6.6, 3.0, 3.0, 3.0],
        rows="warnings",
        item="w",
    )
    tag(document, "{%p endif %}")


def lost(document: Any) -> None:
    """The leaves that lost points: a sentence, the table of them, then each leaf with
    the records that counted on it."""
    text(document, "{{ lost_text }}")
    tag(document, "{%p if lost %}")
    grid(
        document,
        ["失分指标", "所属方面", "满分", "得分", "失分"],
        [
            "{{ leaf.name }}",
            "{{ leaf.group }}",
            "{{ leaf.max }}",
            "{{ leaf.score }}",
            "{{ leaf.lost }}",
        ],
        [5.6, 3.4, 2.2, 2.2, 2.2],
        rows="lost",
        item="leaf",
    )
    tag(document, "{%p for leaf in lost %}")
    subheading(
        document,
        "{{ loop.index }}．{{ leaf.name }}{% if leaf.vetoed %}：本期据此一票否决{% else %}"
        "（满分{{ leaf.max }}分，得{{ leaf.score }}分）{% endif %}",
    )
    tag(document, "{%p if leaf.records %}")
    grid(
        document,
        ["日期", "来源", "问题类型", "情况", "计分"],
        [
            "{{ r.date }}",
            "{{ r.source }}",
            "{{ r.problem_type }}",
            "{{ r.note }}",
            "{{ r.effect }}",
        ],
        [3.4, 2.8, 2.6, 5.2, 1.6],
        rows="leaf.records",
        item="r",
    )
    tag(document, "{%p else %}")
    text(document, "该指标本期没有计分记录。")
    tag(document, "{%p endif %}")
    tag(document, "{%p endfor %}")
    tag(document, "{%p endif %}")


def analyst(document: Any, heading_words: str, *, keep: bool = False) -> None:
    """The analyst's own paragraphs under their heading, when there are any (``keep``:
    on the page of what follows them, the signature)."""
    tag(document, "{%p if analyst_paragraphs %}")
    heading(document, heading_words)
    tag(document, "{%p for paragraph in analyst_paragraphs %}")
    text(document, "{{ paragraph }}", keep=keep)
    tag(document, "{%p endfor %}")
    tag(document, "{%p endif %}")


def diagnosis() -> bytes:
    """The unit diagnosis (诊断书)."""
    document = new_document()
    opening(document, "{{ title }}")
    paragraph(document, "{{ unit }}：")
    text(
        document,
        "根据《{{ framework }}》，{{ issuer }}对你单位{{ period }}政治生态状况进行了分析评估，"
        "现将诊断情况反馈如下。",
    )
    heading(document, "一、总体情况")
    facts(document)
    picture(document, "radar", "图1　一级指标得分率")
    picture(document, "trend", "图2　总分和排名走势")
    heading(document, "二、主要症状")
    subheading(document, "（一）预警情况")
    warnings(document)
    subheading(document, "（二）失分指标")
    lost(document)
    heading(document, "三、病因分析")
    text(document, "{{ causes_text }}")
    tag(document, "{%p if causes %}")
    grid(
        document,
        ["问题类型", "扣分记录", "扣分", "涉及指标"],
        ["{{ c.type }}", "{{ c.records }}", "{{ c.points }}", "{{ c.leaves }}"],
        [3.6, 2.4, 2.0, 7.6],
        rows="causes",
        item="c",
    )
    tag(document, "{%p endif %}")
    heading(document, "四、变化情况")
    text(document, "{{ changes_text }}")
    tag(document, "{%p if changes %}")
    grid(
        document,
        ["一级指标", "上期得分率", "本期得分率", "变化"],
        ["{{ c.name }}", "{{ c.previous }}", "{{ c.current }}", "{{ c.change }}"],
        [4.8, 3.4, 3.4, 4.0],
        rows="changes",
        item="c",
    )
    tag(document, "{%p endif %}")
    tag(document, "{%p if problems %}")
    heading(document, "五、问题整改情况")
    text(document, "{{ problems_text }}")
    grid(
        document,
        ["编号", "问题类型", "问题描述", "整改期限", "状态"],
        [
            "{{ p.number }}",
            "{{ p.type }}",
            "{{ p.description }}",
            "{{ p.due }}",
            "{{ p.state }}",
        ],
        [2.8, 2.6, 5.4, 2.8, 2.0],
        rows="problems",
        item="p",
    )
    tag(document, "{%p endif %}")
    analyst(document, "{% if problems %}六{% else %}五{% endif %}、分析意见", keep=True)
    signature(document)
    return saved(document)


def feedback(*, leader: bool) -> bytes:
    """A feedback letter (双反馈): to the unit, or to its leader in charge."""
    document = new_document()
    opening(document, "{{ title }}")
    if leader:
        paragraph(document, "{{ leader }}同志：")
        text(
            document,
            "根据《{{ framework }}》，现将你{{ relation }}的{{ unit }}{{ period }}政治生态"
            "评估结果和减分的主要原因反馈给你。你作为该单位的{{ relation }}领导，"
            "请督促指导该单位认真抓好整改。",
        )
    else:
        paragraph(document, "{{ unit }}：")
        text(
            document,
            "根据《{{ framework }}》，现将你单位{{ period }}政治生态评估结果和减分的主要原因"
            "反馈如下。",
        )
    heading(document, "一、评估结果")
    facts(document)
    heading(document, "二、减分的主要原因")
    lost(document)
    heading(document, "三、预警情况")
    warnings(document)
    analyst(document, "四、意见建议")
    if leader:
        text(document, "特此反馈。", keep=True)
    else:
        text(document, "请你单位对照上述问题，认真查找原因，抓好整改落实。", keep=True)
    signature(document)
    return saved(document)


TEMPLATES: dict[str, Callable[[], bytes]] = {
    "diagnosis": diagnosis,
    "feedback_unit": lambda: feedback(leader=False),
    "feedback_leader": lambda: feedback(leader=True),
}
