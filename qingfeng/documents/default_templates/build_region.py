"""The default templates of the region report kinds (see ``gongwen`` for the layout):
the half-year analysis, the annual report and the circular of a ranking.

Each is a 公文: letterhead, title, recipient line, headings 一、二、三、 in 黑体, the
facts as the builder states them (``reports.analysis``, ``reports.circular``), tables
(``gongwen.table``), images in paragraphs of their own, the analyst's paragraphs, the
issuer and the date. The keys they use are those of ``documents.samples_region``.
"""

from __future__ import annotations

import functools
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
from qingfeng.lib.documents import FONT_TITLE, SIZE_TITLE


def text(document: Any, expression: str) -> None:
    """A paragraph of the builder's words."""
    paragraph(document, expression, indent=True)


def when(document: Any, condition: str, body: Callable[[], None]) -> None:
    """``body`` only when the context's ``condition`` holds (docxtpl paragraph tags)."""
    paragraph(document, f"{{%p if {condition} %}}")
    body()
    paragraph(document, "{%p endif %}")


def opening(document: Any) -> None:
    """Letterhead, title, recipient line."""
    letterhead(document)
    paragraph(document, "{{ title }}", font=FONT_TITLE, size=SIZE_TITLE, align=CENTER)
    paragraph(document)
    paragraph(document, "{{ recipient }}：")


def analyst(document: Any, number: str) -> None:
    """The analyst's own paragraphs under their heading, when there are any."""

    def body() -> None:
        heading(document, f"{number}、分析与建议")
        paragraph(document, "{%p for text in analyst_paragraphs %}")
        text(document, "{{ text }}")
        paragraph(document, "{%p endfor %}")

    when(document, "analyst_paragraphs", body)


def ranking_table(document: Any) -> None:
    """The ranking: rank, change, unit, category, total, band (15.6 cm of text width)."""
    table(
        document,
        ["名次", "升降", "单位", "类别", "总分", "档次"],
        [
            "{{ row.rank }}",
            "{{ row.change }}",
            "{{ row.name }}",
            "{{ row.category }}",
            "{{ row.total }}",
            "{{ row.band }}",
        ],
        rows="ranking",
        size=SIZE_TABLE,
        widths_cm=[1.3, 1.3, 6.2, 2.6, 1.8, 2.4],
    )


def analysis(trend_heading: str) -> bytes:
    """The half-year analysis or the annual report (they differ in a heading)."""
    document = new_document()
    opening(document)
    text(document, "{{ opening }}")
    when(document, "period_note", lambda: text(document, "{{ period_note }}"))

    heading(document, "一、总体情况")
    text(document, "{{ summary }}")
    table(
        document,
        ["档次", "单位数", "占比"],
        ["{{ row.band }}", "{{ row.count }}", "{{ row.share }}"],
        rows="bands",
        size=SIZE_TABLE,
        widths_cm=[5.2, 5.2, 5.2],
    )
    text(document, "{{ distribution_text }}")
    image(document, "histogram")

    heading(document, "二、各单位一级指标情况")
    paragraph(document, "{{ heatmap_note }}", indent=True).paragraph_format.keep_with_next = True
    image(document, "heatmap")

    heading(document, "三、综合排名")
    text(document, "{{ ranking_note }}")
    ranking_table(document)

    heading(document, "四、排名和档次变化")
    text(document, "{{ movers_text }}")

    def movers(name: str, title: str) -> Callable[[], None]:
        def body() -> None:
            subheading(document, title)
            table(
                document,
                ["单位", "上期名次", "本期名次", "变化", "档次"],
                [
                    "{{ row.name }}",
                    "{{ row.before }}",
                    "{{ row.rank }}",
                    "{{ row.change }}",
                    "{{ row.band }}",
                ],
                rows=name,
                size=SIZE_TABLE,
                widths_cm=[6.0, 2.2, 2.2, 2.8, 2.4],
            )

        return body

    when(document, "risers", movers("risers", "（一）排名上升较多的单位"))
    when(document, "fallers", movers("fallers", "（二）排名下降较多的单位"))

    def band_changes() -> None:
        subheading(document, "（三）档次发生变化的单位")
        table(
            document,
            ["单位", "上期档次", "本期档次", "变化"],
            ["{{ row.name }}", "{{ row.before }}", "{{ row.now }}", "{{ row.direction }}"],
            rows="band_changes",
            size=SIZE_TABLE,
            widths_cm=[6.6, 3.0, 3.0, 3.0],
        )

    when(document, "band_changes", band_changes)

    heading(document, "五、问题分析")
    text(document, "{{ problems_text }}")

    def problem_tables() -> None:
        subheading(document, "（一）按问题类型")
        table(
            document,
            ["问题类型", "问题数", "占比", "扣分"],
            ["{{ row.label }}", "{{ row.count }}", "{{ row.share }}", "{{ row.points }}"],
            rows="problem_types",
            size=SIZE_TABLE,
            widths_cm=[6.6, 3.0, 3.0, 3.0],
        )
        subheading(document, "（二）问题较多的单位")
        table(
            document,
            ["单位", "类别", "问题数", "占比", "扣分"],
            [
                "{{ row.name }}",
                "{{ row.category }}",
                "{{ row.count }}",
                "{{ row.share }}",
                "{{ row.points }}",
            ],
            rows="problem_units",
            size=SIZE_TABLE,
            widths_cm=[5.6, 3.0, 2.2, 2.4, 2.4],
        )
        subheading(document, "（三）按单位类别")
        table(
            document,
            ["单位类别", "问题数", "占比"],
            ["{{ row.name }}", "{{ row.count }}", "{{ row.share }}"],
            rows="problem_categories",
            size=SIZE_TABLE,
            widths_cm=[7.6, 4.0, 4.0],
        )

    when(document, "problem_types", problem_tables)

    heading(document, "六、指标短板")
    text(document, "{{ indicators_text }}")
    table(
        document,
        ["一级指标", "平均得分率", "档次", "评价单位数", "预警单位数"],
        [
            "{{ row.name }}",
            "{{ row.rate }}",
            "{{ row.band }}",
            "{{ row.units }}",
            "{{ row.warned }}",
        ],
        rows="indicators",
        size=SIZE_TABLE,
        widths_cm=[5.2, 2.8, 2.2, 2.7, 2.7],
    )

    text(document, "{{ leaves_text }}")

    def leaf_table() -> None:
        table(
            document,
            ["末级指标", "所属一级指标", "平均得分率", "评价单位数"],
            ["{{ row.name }}", "{{ row.branch }}", "{{ row.rate }}", "{{ row.units }}"],
            rows="leaves",
            size=SIZE_TABLE,
            widths_cm=[7.0, 3.4, 2.6, 2.6],
        )

    when(document, "leaves", leaf_table)

    heading(document, "七、预警及处置情况")
    text(document, "{{ warnings_text }}")

    def warning_table() -> None:
        table(
            document,
            ["单位", "类别", "总分", "档次"],
            ["{{ row.name }}", "{{ row.category }}", "{{ row.total }}", "{{ row.band }}"],
            rows="warning_units",
            size=SIZE_TABLE,
            widths_cm=[6.6, 3.4, 2.6, 3.0],
        )

    when(document, "warning_units", warning_table)
    text(document, "{{ responses_text }}")

    def response_table() -> None:
        table(
            document,
            ["处置措施", "合计", "已下发", "已答复", "已办结"],
            [
                "{{ row.kind }}",
                "{{ row.count }}",
                "{{ row.issued }}",
                "{{ row.answered }}",
                "{{ row.closed }}",
            ],
            rows="responses",
            size=SIZE_TABLE,
            widths_cm=[5.2, 2.6, 2.6, 2.6, 2.6],
        )

    when(document, "responses", response_table)

    heading(document, f"八、{trend_heading}")
    text(document, "{{ trend_text }}")

    def trend_body() -> None:
        image(document, "trend_chart")
        table(
            document,
            ["期间", "评价单位数", "平均得分", "各档次单位数"],
            ["{{ row.period }}", "{{ row.units }}", "{{ row.mean }}", "{{ row.bands }}"],
            rows="trend_rows",
            size=SIZE_TABLE,
            widths_cm=[3.8, 2.4, 2.4, 7.0],
        )

    when(document, "trend_chart", trend_body)

    analyst(document, "九")
    signature(document)
    return saved(document)


def circular() -> bytes:
    """The circular of a period's ranking."""
    document = new_document()
    opening(document)
    text(document, "{{ opening }}")
    heading(document, "一、总体情况")
    text(document, "{{ summary }}")
    heading(document, "二、综合排名")
    ranking_table(document)
    heading(document, "三、重点关注和进步较大的单位")
    text(document, "{{ warned_text }}")
    when(document, "improved_text", lambda: text(document, "{{ improved_text }}"))
    analyst(document, "四")
    signature(document)
    return saved(document)


TEMPLATES: dict[str, Callable[[], bytes]] = {
    "analysis_half_year": functools.partial(analysis, "期内走势"),
    "analysis_annual": functools.partial(analysis, "年度走势"),
    "circular": circular,
}
