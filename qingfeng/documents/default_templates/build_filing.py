"""The default templates of the filing report kinds (see ``gongwen`` for the layout)."""

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


def filing() -> bytes:
    """政治生态预警单位和领导干部备案名单: to the organisation department, the units with
    a warning in the period (table) and the leaders concerned (table)."""
    document = new_document()
    letterhead(document)
    paragraph(document, "{{ title }}", font=FONT_TITLE, size=SIZE_TITLE, align=CENTER)
    paragraph(document)
    paragraph(document, "{{ recipient }}：")
    paragraph(
        document,
        "根据《{{ framework }}》，{{ period }}{{ region }}共有{{ unit_count }}个单位列入政治生态"
        "预警，涉及领导干部{{ leader_count }}名。现将名单报送你部备案，请在干部考察、"
        "选拔任用和日常管理监督中参考使用。",
        indent=True,
    )
    paragraph(document, "{%p for text in analyst_paragraphs %}")
    paragraph(document, "{{ text }}", indent=True)
    paragraph(document, "{%p endfor %}")
    paragraph(document, "一、预警单位", font=FONT_HEADING, indent=True)
    table(
        document,
        ["单位", "预警等级", "预警情况", "处置情况"],
        ["{{ row.name }}", "{{ row.band }}", "{{ row.warning }}", "{{ row.response }}"],
        rows="units",
        widths_cm=[3.6, 2.2, 5.6, 4.2],
    )
    paragraph(document, "{%p if not units %}")
    paragraph(document, "本期无预警单位。", indent=True)
    paragraph(document, "{%p endif %}")
    paragraph(document)
    paragraph(document, "二、相关领导干部", font=FONT_HEADING, indent=True)
    table(
        document,
        ["姓名", "职务", "单位", "列入原因"],
        ["{{ row.name }}", "{{ row.post }}", "{{ row.unit }}", "{{ row.why }}"],
        rows="leaders",
        widths_cm=[2.2, 3.6, 3.6, 6.2],
    )
    paragraph(document, "{%p if not leaders %}")
    paragraph(document, "本期无相关领导干部。", indent=True)
    paragraph(document, "{%p endif %}")
    signature(document)
    return saved(document)


TEMPLATES: dict[str, Callable[[], bytes]] = {"filing": filing}
