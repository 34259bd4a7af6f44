"""The files of a democratic evaluation: the printed slips (.docx, two to an A4 page,
each with its code in large print and a QR code of its phone page), and the result table
(.docx in the 公文 layout and .xlsx). Pure: the views read and scope what goes in.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from qingfeng.documents.default_templates import gongwen
from qingfeng.lib.documents import (
    FONT_HEADING,
    FONT_TEXT,
    FONT_TITLE,
    SIZE_TITLE,
    clean_text,
    render_docx,
    set_font,
)
from qingfeng.lib.periods import period_label
from qingfeng.lib.xlsx import Sheet, workbook_bytes
from qingfeng.surveys.models import Appraisal, AppraisalSlip, AppraisalSubject, Grade
from qingfeng.surveys.qr import qr_png
from qingfeng.surveys.rules import slip_code_shown
from qingfeng.surveys.selectors_appraisals import GRADE_ORDER, TeamResult

# Two slips share an A4 page while a team has at most this many leaders; a larger team's
# slip takes a page of its own (its rows would run into the next slip).
LEADERS_PER_HALF_PAGE = 7
# The slip table's columns: name, post, then the four grades (17 cm between the margins).
SLIP_WIDTHS_CM = (2.6, 4.4, 2.5, 2.5, 2.5, 2.5)
QR_WIDTH_CM = 3.2


def _line(container: Any, text: str = "", *, size: float = 12, **style: Any) -> Any:
    """A single-spaced paragraph of ``text`` (cleaned of what XML cannot hold)."""
    added = container.add_paragraph()
    fmt = added.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(style.pop("after", 0))
    if style.pop("center", False):
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        font = style.pop("font", FONT_TEXT)
        set_font(added.add_run(clean_text(text)), font, size, bold=style.pop("bold", False))
    return added


def _cell_text(cell: Any, text: str, *, size: float = 12, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    set_font(paragraph.add_run(clean_text(text)), FONT_TEXT, size, bold=bold)


def slips_docx(
    appraisal: Appraisal,
    slips: Sequence[AppraisalSlip],
    subjects_of: dict[int, list[AppraisalSubject]],
    url_of: Callable[[str], str],
) -> bytes:
    """The printed slips: for each slip the meeting's title, the team, each leader's
    name and post with □优秀 □称职 □基本称职 □不称职, the slip's code in large print and
    a QR code of ``url_of(code)`` (its phone page). ``subjects_of`` maps a unit's pk to
    its leaders in order."""
    document = gongwen.new_document()
    section = document.sections[0]
    section.top_margin = section.bottom_margin = Cm(1.5)
    section.left_margin = section.right_margin = Cm(2)
    grades = [str(label) for label in Grade.labels]
    on_page = 0
    for index, slip in enumerate(slips):
        leaders = subjects_of.get(slip.unit_id, [])
        whole_page = len(leaders) > LEADERS_PER_HALF_PAGE
        if index:
            if whole_page or on_page >= 2:
                _line(document).add_run().add_break(WD_BREAK.PAGE)
                on_page = 0
            else:  # the cut line between the two slips of a page
                _line(document, "✂ " + "- " * 40, size=9, center=True, after=10)
        _slip(document, appraisal, slip, leaders, grades, url_of)
        on_page += 2 if whole_page else 1
    if not slips:
        _line(document, _("No slip left to print."))
    return gongwen.saved(document)


def _slip(
    document: Any,
    appraisal: Appraisal,
    slip: AppraisalSlip,
    leaders: list[AppraisalSubject],
    grades: list[str],
    url_of: Callable[[str], str],
) -> None:
    _line(document, appraisal.name, size=18, font=FONT_TITLE, center=True)
    _line(document, _("Evaluation slip"), size=14, font=FONT_HEADING, center=True, after=4)
    _line(
        document,
        _("Team evaluated: %(unit)s") % {"unit": slip.unit.name},
        size=12,
        after=4,
    )
    grid = document.add_table(rows=1, cols=len(SLIP_WIDTHS_CM))
    grid.style = "Table Grid"
    header = grid.rows[0].cells
    _cell_text(header[0], _("Leader name"), bold=True)
    _cell_text(header[1], _("Post"), bold=True)
    merged = header[2].merge(header[-1])
    _cell_text(merged, _("Tick one grade for each leader"), size=10.5, bold=True)
    for subject in leaders:
        cells = grid.add_row().cells
        _cell_text(cells[0], subject.person.name)
        _cell_text(cells[1], subject.title, size=10.5)
        for cell, grade in zip(cells[2:], grades, strict=True):
            _cell_text(cell, f"□{grade}", size=11)
    grid.autofit = False
    for row in grid.rows:
        for cell, width in zip(row.cells, SLIP_WIDTHS_CM, strict=True):
            cell.width = Cm(width)
    _line(document, size=6)
    bottom = document.add_table(rows=1, cols=2)
    left, right = bottom.rows[0].cells
    left.width, right.width = Cm(17 - QR_WIDTH_CM - 0.5), Cm(QR_WIDTH_CM + 0.5)
    _cell_text(left, _("Slip code"), size=10.5)
    code_line = left.add_paragraph()
    set_font(code_line.add_run(slip_code_shown(slip.code)), "Consolas", 22, bold=True)
    note = left.add_paragraph()
    set_font(
        note.add_run(
            _(
                "Or scan the QR code with your phone and grade there. Each slip counts "
                "once: on paper or on the phone."
            )
        ),
        FONT_TEXT,
        9,
    )
    picture = right.paragraphs[0]
    picture.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    picture.add_run().add_picture(
        io.BytesIO(qr_png(url_of(slip.code), scale=8)), width=Cm(QR_WIDTH_CM)
    )


def _meta(appraisal: Appraisal) -> str:
    parts = [appraisal.region.name, period_label(appraisal.period)]
    if appraisal.meeting_date:
        parts.append(_("meeting of %(date)s") % {"date": f"{appraisal.meeting_date:%Y-%m-%d}"})
    return " · ".join(parts)


def _result_template() -> bytes:
    document = gongwen.new_document()
    gongwen.paragraph(
        document, "{{ title }}", font=FONT_TITLE, size=SIZE_TITLE, align=gongwen.CENTER
    )
    gongwen.paragraph(document, "{{ meta }}", align=gongwen.CENTER, size=14)
    gongwen.heading(document, "{{ teams_heading }}")
    gongwen.table(
        document,
        ["{{ h.unit }}", "{{ h.valid }}", "{{ h.share }}"],
        ["{{ row.unit }}", "{{ row.valid }}", "{{ row.share }}"],
        rows="teams",
        size=gongwen.SIZE_TABLE,
        widths_cm=[8.6, 3.5, 3.5],
    )
    gongwen.heading(document, "{{ leaders_heading }}")
    gongwen.table(
        document,
        [
            "{{ h.unit }}",
            "{{ h.name }}",
            "{{ h.post }}",
            *(f"{{{{ h.g{i} }}}}" for i in range(len(GRADE_ORDER))),
            "{{ h.share }}",
        ],
        [
            "{{ row.unit }}",
            "{{ row.name }}",
            "{{ row.post }}",
            *(f"{{{{ row.g{i} }}}}" for i in range(len(GRADE_ORDER))),
            "{{ row.share }}",
        ],
        rows="leaders",
        size=gongwen.SIZE_TABLE,
        widths_cm=[3.0, 1.8, 3.0, 1.3, 1.3, 1.5, 1.5, 2.2],
    )
    return gongwen.saved(document)


def results_docx(appraisal: Appraisal, teams: Sequence[TeamResult]) -> bytes:
    """The result table in the 公文 layout: per team the valid slips and the share of
    优秀 + 称职, then per leader the count of each grade and the share."""
    grade_labels = {f"g{i}": str(Grade(g).label) for i, g in enumerate(GRADE_ORDER)}
    context = {
        "title": _("%(name)s: results") % {"name": appraisal.name},
        "meta": _meta(appraisal),
        "teams_heading": _("1. Teams"),
        "leaders_heading": _("2. Leaders"),
        "h": {
            "unit": _("Leadership team"),
            "valid": _("Valid slips"),
            "share": _("Excellent and competent"),
            "name": _("Leader name"),
            "post": _("Post"),
            **grade_labels,
        },
        "teams": [
            {"unit": team.unit.name, "valid": team.valid_slips, "share": team.percent}
            for team in teams
        ],
        "leaders": [
            {
                "unit": team.unit.name,
                "name": leader.subject.person.name,
                "post": leader.subject.title,
                **{f"g{i}": count for i, count in enumerate(leader.counts)},
                "share": leader.percent,
            }
            for team in teams
            for leader in team.leaders
        ],
    }
    return render_docx(_result_template(), context)


def _share_number(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def results_xlsx(appraisal: Appraisal, teams: Sequence[TeamResult]) -> bytes:
    """The result table as a workbook: a sheet of teams, a sheet of leaders."""
    share_header = _("Excellent and competent (%)")
    team_sheet = Sheet(
        name=_("Teams evaluated"),
        title=f"{appraisal.name} · {_meta(appraisal)}",
        headers=[_("Leadership team"), _("Valid slips"), _("Slips printed"), share_header],
        rows=[
            [team.unit.name, team.valid_slips, team.slips_total, _share_number(team.share)]
            for team in teams
        ],
        number_format="0.0",
    )
    leader_sheet = Sheet(
        name=_("Leaders evaluated"),
        title=appraisal.name,
        headers=[
            _("Leadership team"),
            _("Leader name"),
            _("Post"),
            *(str(Grade(g).label) for g in GRADE_ORDER),
            _("Grades given"),
            share_header,
        ],
        rows=[
            [
                team.unit.name,
                leader.subject.person.name,
                leader.subject.title,
                *leader.counts,
                leader.total,
                _share_number(leader.share),
            ]
            for team in teams
            for leader in team.leaders
        ],
        number_format="0.0",
    )
    return workbook_bytes([team_sheet, leader_sheet])
