"""The default template of the problem booklet (问题清单, see ``reports.booklet`` for the
context and ``gongwen`` for the layout): the letterhead, the title, what the booklet
holds, the counts per state, then each unit's problems grouped by how they were found.
"""

from __future__ import annotations

from collections.abc import Callable

from qingfeng.documents.default_templates.gongwen import (
    CENTER,
    letterhead,
    new_document,
    paragraph,
    saved,
    signature,
    table,
)
from qingfeng.lib.documents import FONT_HEADING, FONT_TITLE, SIZE_TITLE


def booklet() -> bytes:
    """The booklet's template."""
    document = new_document()
    letterhead(document)
    paragraph(document, "{{ title }}", font=FONT_TITLE, size=SIZE_TITLE, align=CENTER)
    paragraph(document, "（{{ period }}）", align=CENTER)
    paragraph(document)
    paragraph(
        document,
        "本清单收录{{ subject_name }}{{ period }}内发现或仍在整改的问题，"
        "依据《{{ framework }}》及问题台账整理。"
        "共{{ total }}个问题，涉及{{ unit_count }}个单位；"
        "其中逾期未整改{{ overdue }}个，逾期销号{{ closed_late }}个。",
        indent=True,
    )
    paragraph(document, "一、整改情况统计", font=FONT_HEADING)
    table(
        document,
        ["整改状态", "问题数", "其中逾期"],
        ["{{ s.label }}", "{{ s.count }}", "{{ s.overdue }}"],
        rows="states",
        item="s",
        widths_cm=[6, 4, 4],
    )
    paragraph(document, "二、问题清单", font=FONT_HEADING)
    paragraph(document, "{%p if not unit_sections %}")
    paragraph(document, "本期无问题。", indent=True)
    paragraph(document, "{%p endif %}")
    paragraph(document, "{%p for u in unit_sections %}")
    paragraph(document, "（{{ loop.index }}）{{ u.name }}（{{ u.total }}个）", bold=True)
    paragraph(document, "{%p for g in u.groups %}")
    paragraph(document, "{{ g.source }}发现的问题", bold=True, indent=True)
    paragraph(document, "{%p for p in g.problems %}")
    paragraph(document, "{{ p.index }}．{{ p.description }}", indent=True)
    paragraph(
        document,
        "问题编号：{{ p.number }}；问题类型：{{ p.type }}；整改时限：{{ p.due }}；"
        "整改状态：{{ p.state }}{{ p.overdue }}。",
        indent=True,
        size=14,
    )
    paragraph(document, "整改措施：{{ p.measures }}", indent=True, size=14)
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p for text in analyst_paragraphs %}")
    paragraph(document, "{{ text }}", indent=True)
    paragraph(document, "{%p endfor %}")
    signature(document)
    return saved(document)


TEMPLATES: dict[str, Callable[[], bytes]] = {"booklet": booklet}
