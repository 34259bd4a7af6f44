"""The printable A4 sheets of a campaign (one page per surveyed unit, to pin up or hand
out): the campaign's title, the unit's name, a big QR code of its link, the link written
out (for a phone that cannot scan), how to answer, and the period.

Built with the 公文 blocks of the default templates (``documents.default_templates.
gongwen``: the A4 page and margins, 仿宋 text, the font table), as a Word document; the
PDF is the same document through ``lib.pdf.docx_to_pdf``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Cm, Pt

from qingfeng.documents.default_templates.gongwen import CENTER, new_document, paragraph, saved
from qingfeng.lib.documents import FONT_HEADING, FONT_TITLE
from qingfeng.lib.periods import period_label
from qingfeng.surveys.qr import qr_png

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
QR_WIDTH_CM = 11  # scanned from an arm's length off a notice board


@dataclass(frozen=True)
class Sheet:
    """One unit's sheet: its name and the absolute URL of its link."""

    unit_name: str
    url: str


def sheets_docx(*, title: str, period: str, sheets: Sequence[Sheet]) -> bytes:
    """The Word document of ``sheets``, one A4 page each (see the module's docstring)."""
    document = new_document()
    for index, sheet in enumerate(sheets):
        heading = paragraph(document, title, font=FONT_TITLE, size=22, align=CENTER)
        if index:
            # A page of its own for each unit: the break opens the title's paragraph.
            heading.paragraph_format.page_break_before = True
        paragraph(document)
        paragraph(document, sheet.unit_name, font=FONT_HEADING, size=20, align=CENTER)
        holder = paragraph(document, align=CENTER)
        holder.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        holder.paragraph_format.space_before = Pt(12)
        holder.paragraph_format.space_after = Pt(12)
        holder.add_run().add_picture(io.BytesIO(qr_png(sheet.url)), width=Cm(QR_WIDTH_CM))
        paragraph(
            document,
            _("Scan the QR code with your phone and fill in the questionnaire anonymously"),
            align=CENTER,
            bold=True,
        )
        paragraph(document, sheet.url, size=10.5, align=CENTER)
        paragraph(document)
        paragraph(
            document,
            _("Survey period: %(period)s") % {"period": period_label(period)},
            size=14,
            align=CENTER,
        )
    if not sheets:
        paragraph(document, title, font=FONT_TITLE, size=22, align=CENTER)
        paragraph(document, _("No unit to print."), align=CENTER)
    return saved(document)
