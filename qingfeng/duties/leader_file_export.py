"""The leader's file as a Word document (.docx) and as a workbook (.xlsx).

The document is laid out as the site's other official documents (``qingfeng.lib.documents``:
GB/T 9704 sizes, 方正小标宋 title, 仿宋 text, 黑体 headings, the font table naming Noto Serif
CJK SC as the alternative of the 公文 fonts): the title, the person and posts, 一、履责画像
(a table per category and one per year), 二、廉政档案 (the timeline as a table), and the
date. It is written with python-docx directly (tables of any length, no template tags),
every stored string through ``lib.documents.clean_text`` (a control character cannot break
the XML; python-docx writes text as text, so ``<script>`` or ``{{`` stays visible words).

The workbook goes through ``lib.xlsx`` (every cell through the one sanitiser: a content
beginning with ``=`` stays text), Chinese sheet names and headers.
"""

from __future__ import annotations

import datetime
import io

from django.utils.translation import gettext as _

from qingfeng.duties.leader_file import LeaderFile
from qingfeng.duties.lights import Light
from qingfeng.lib.documents import (
    FONT_HEADING,
    FONT_TEXT,
    FONT_TITLE,
    SIZE_TEXT,
    SIZE_TITLE,
    chinese_date,
    clean_text,
    set_font,
    with_font_table,
)
from qingfeng.lib.xlsx import Sheet, workbook_bytes

# Table text: 四号 is too large for six columns on A4; 小四 (12 pt) as forms use.
SIZE_TABLE = 12


def file_name(*, person_name: str, today: datetime.date, ext: str) -> str:
    """The download's name: 王建国_廉政档案_2026.docx."""
    return f"{person_name}_{_('integrity file')}_{today.year}.{ext}"


def _headers_portrait() -> list[str]:
    return [
        _("Category"),
        _("Dues"),
        *[str(light.label) for light in Light],
        _("On time"),
    ]


def _portrait_rows(file: LeaderFile) -> list[list[object]]:
    rows: list[list[object]] = []
    for counts in [*file.portrait.categories, file.portrait.total]:
        rows.append(
            [
                counts.label,
                counts.dues,
                *[counts.lights[light.value] for light in Light],
                counts.on_time_percent,
            ]
        )
    return rows


def _headers_years() -> list[str]:
    return [_("Year"), _("Dues"), _("Done on time"), _("Done late"), _("Missing")]


def _year_rows(file: LeaderFile) -> list[list[object]]:
    return [[y.year, y.dues, y.on_time, y.late, y.missing] for y in file.portrait.years]


def _headers_events() -> list[str]:
    return [_("Date"), _("Event"), _("Subject"), _("Content"), _("Note")]


def _event_rows(file: LeaderFile) -> list[list[object]]:
    return [[e.date.isoformat(), e.kind_label, e.title, e.detail, e.flag] for e in file.events]


def _posts_line(file: LeaderFile) -> str:
    return "；".join(
        f"{post.unit.name}{post.title or post.get_role_display()}" for post in file.current_posts
    )


# ---- .xlsx ------------------------------------------------------------------------------


def file_xlsx(*, file: LeaderFile) -> bytes:
    """The file as a workbook: the portrait, the trend and the integrity file, one sheet
    each, with the person's name in each title line."""
    name = file.person.name
    title = f"{name} · {_('integrity file')} · {file.portrait.today.isoformat()}"
    sheets = [
        Sheet(_("Fulfilment portrait"), _headers_portrait(), _portrait_rows(file), title=title),
        Sheet(_("Trend by year"), _headers_years(), _year_rows(file), title=title),
        Sheet(_("Integrity file"), _headers_events(), _event_rows(file), title=title),
    ]
    return workbook_bytes(sheets)


# ---- .docx ------------------------------------------------------------------------------


def _paragraph(
    container: object,
    text: str = "",
    *,
    font: str = FONT_TEXT,
    size: float = SIZE_TEXT,
    align: int | None = None,
    indent: bool = False,
    bold: bool = False,
) -> object:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28 if size >= SIZE_TEXT else size + 6)
    if size > SIZE_TEXT:
        fmt.line_spacing = Pt(size + 12)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if align is not None:
        fmt.alignment = align
    if indent:
        fmt.first_line_indent = Pt(2 * SIZE_TEXT)
    if text:
        set_font(paragraph.add_run(clean_text(text)), font, size, bold=bold)
    return paragraph


def _table(
    document: object, headers: list[str], rows: list[list[object]], widths: list[float]
) -> None:
    """A ruled table: a bold centred header row, numbers centred, columns ``widths`` cm
    (together the 15.6 cm between the margins)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.autofit = False
    # The grid's widths (LibreOffice reads these, Word the cells'), the header row
    # repeated on every page, and rows kept whole across a page break.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    header_pr = table.rows[0]._tr.get_or_add_trPr()
    header_pr.append(OxmlElement("w:tblHeader"))
    for cell, header, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = Cm(width)
        _cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row in rows:
        added = table.add_row()
        added._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        cells = added.cells
        for cell, value, width in zip(cells, row, widths, strict=True):
            cell.width = Cm(width)
            number = isinstance(value, int | float)
            _cell_text(cell, str(value), align=WD_ALIGN_PARAGRAPH.CENTER if number else None)


def _cell_text(cell: object, text: str, *, bold: bool = False, align: int | None = None) -> None:
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.paragraph_format.alignment = align
    set_font(paragraph.add_run(clean_text(text)), FONT_TEXT, SIZE_TABLE, bold=bold)


def _heading(document: object, text: str) -> None:
    """A first-level heading (一、…): 黑体 三号, a line of space before it."""
    from docx.shared import Pt

    paragraph = _paragraph(document, text, font=FONT_HEADING, indent=True)
    paragraph.paragraph_format.space_before = Pt(14)  # type: ignore[attr-defined]
    paragraph.paragraph_format.space_after = Pt(6)  # type: ignore[attr-defined]


def file_docx(*, file: LeaderFile) -> bytes:
    """The file as an official-looking Word document (module docstring)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    set_font(document.styles["Normal"], FONT_TEXT, SIZE_TEXT)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    person = file.person
    today = file.portrait.today

    _paragraph(
        document,
        _("%(name)s's integrity file") % {"name": person.name},
        font=FONT_TITLE,
        size=SIZE_TITLE,
        align=center,
    )
    _paragraph(document)
    posts = _posts_line(file)
    intro = _("Name: %(name)s. Current posts: %(posts)s.") % {
        "name": person.name,
        "posts": posts or "—",
    }
    _paragraph(document, intro, indent=True)
    total = file.portrait.total
    summary = _(
        "Dues: %(dues)s; done on time: %(green)s; done late: %(orange)s; overdue: %(red)s; "
        "share on time: %(share)s (as of %(date)s)."
    ) % {
        "dues": total.dues,
        "green": total.lights["green"],
        "orange": total.lights["orange"],
        "red": total.lights["red"],
        "share": total.on_time_percent,
        "date": chinese_date(today),
    }
    _paragraph(document, summary, indent=True)

    _heading(document, _("1. Fulfilment portrait"))
    _table(document, _headers_portrait(), _portrait_rows(file), [2.8, *[1.6] * 6, 3.2])
    _paragraph(document)
    _table(document, _headers_years(), _year_rows(file), [3.2, 3.1, 3.1, 3.1, 3.1])

    _heading(document, _("2. Integrity file"))
    if file.events:
        _table(document, _headers_events(), _event_rows(file), [2.6, 2.6, 3.8, 4.6, 2.0])
    else:
        _paragraph(document, _("Nothing recorded."), indent=True)
    _paragraph(document)
    _paragraph(document, chinese_date(today), align=right)
    buffer = io.BytesIO()
    document.save(buffer)
    return with_font_table(buffer.getvalue())
