"""The ledger import's .xlsx template: the sheet 问题台账 (``problems``) with the import's
columns by their Chinese names and a drop-down of the sources, and a sheet 填写说明
explaining each column with an example. The example stays on the explanation sheet so
that a template uploaded as downloaded imports nothing by mistake."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from qingfeng.lib.cells import safe_row
from qingfeng.lib.headers import CHINESE_NAMES
from qingfeng.rectification.imports import COLUMNS, REQUIRED, SHEET, SOURCE_WORDS

EXPLANATION_SHEET = "填写说明"
_TEMPLATE_ROWS = 2000
_WIDTHS = {
    "unit": 18,
    "source": 12,
    "problem_type": 18,
    "description": 50,
    "responsible_person": 12,
    "due": 14,
    "external_id": 14,
    "campaign": 24,
}


def _explanations(example_unit: str) -> dict[str, tuple[str, str]]:
    """What to write in each column, and an example."""
    return {
        "unit": (
            _("The unit's code, or its exact name; only units you may enter problems for."),
            example_unit,
        ),
        "source": (
            _("Who found the problem, in words: %(words)s.") % {"words": "、".join(SOURCE_WORDS)},
            "巡察",
        ),
        "problem_type": (
            _("One of the managed problem types (as in the records template); may be empty."),
            "违规发放津补贴",
        ),
        "description": (
            _("What the problem is, as the feedback report says it."),
            "2026年向职工发放节日慰问品超标准",
        ),
        "responsible_person": (_("Who answers for the rectification; may be empty."), "王建国"),
        "due": (
            _(
                "The rectification deadline: 2026-12-31, 2026/12/31, 2026年12月31日 or an "
                "Excel date."
            ),
            "2026年12月31日",
        ),
        "external_id": (
            _(
                "The problem's number in your own ledger; may be empty. A problem whose number "
                "was imported before is skipped, so a file can be imported again safely."
            ),
            "XC-2026-017",
        ),
        "campaign": (
            _("The name of a special campaign (专项整治) of the unit's region; may be empty."),
            "",
        ),
    }


def build_template(*, example_unit: str = "A1") -> bytes:
    """The ledger template (.xlsx bytes); ``example_unit`` is the unit code its example
    shows (one the user may enter problems for)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = CHINESE_NAMES[SHEET]
    sheet.append(safe_row(CHINESE_NAMES[code] for code in COLUMNS))
    for index, code in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS[code]
        sheet.cell(row=1, column=index).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    due_letter = get_column_letter(COLUMNS.index("due") + 1)
    sheet.column_dimensions[due_letter].number_format = "yyyy-mm-dd"
    source_letter = get_column_letter(COLUMNS.index("source") + 1)
    validation = DataValidation(
        type="list", formula1=f'"{",".join(SOURCE_WORDS)}"', allow_blank=True
    )
    validation.error = _("Choose a value from the list.")
    validation.add(f"{source_letter}2:{source_letter}{_TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)

    explained = workbook.create_sheet(EXPLANATION_SHEET)
    explained.append(safe_row([_("column"), _("required"), _("what to write"), _("example")]))
    for index, width in enumerate((16, 8, 80, 30), start=1):
        explained.column_dimensions[get_column_letter(index)].width = width
        explained.cell(row=1, column=index).font = Font(bold=True)
    texts = _explanations(example_unit)
    for code in COLUMNS:
        what, example = texts[code]
        required = _("yes") if code in REQUIRED else _("no")
        explained.append(safe_row([CHINESE_NAMES[code], required, what, example]))
    explained.append([])
    for line in _rules():
        explained.append(safe_row([line]))
    workbook.active = 0
    return _saved(workbook)


def _rules() -> list[str]:
    return [
        _("Fill in the sheet 问题台账 from row 2, one problem per row; keep row 1 as it is."),
        _(
            "All or nothing: if any row has an error nothing is imported; the page lists every "
            "error by row and column and offers this file back with an error column."
        ),
        _("Each problem imported starts open, with a step in its history naming who imported it."),
    ]


def _saved(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
