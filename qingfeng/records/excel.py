"""The Excel side of a station's records: its template, and an uploaded file with its errors.

The template (``build_template``) is what a station fills in: the sheet ``填报记录``
(``records``) with the import's columns (``qingfeng.records.imports.COLUMNS``) by their
Chinese names (``qingfeng.lib.headers``) and drop-downs for the unit, the indicator and the
problem type; a sheet ``指标说明`` saying what to fill for each of the station's indicators;
and a sheet ``说明`` with the instructions. The drop-downs refer to
ranges of other sheets, because a literal list in a data validation is limited to 255
characters, far fewer than a county's units.

When an upload fails, ``qingfeng.lib.errors_workbook.errors_workbook`` returns the same workbook
(a .csv becomes an .xlsx) with a last column holding each row's messages and the wrong
cells filled light red. It is kept on disk between the failed POST and its download
(``store_errors`` / ``take_errors``), under MEDIA_ROOT/tmp with a random name, for one
user and one hour.
"""

from __future__ import annotations

import datetime
import io
import secrets
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import visible_units
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.framework.selectors import ordered_indicators, version_in_force
from qingfeng.lib.cells import safe_row
from qingfeng.lib.headers import CHINESE_NAMES, columns_words
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station, Unit
from qingfeng.records.imports import COLUMNS, SHEET
from qingfeng.records.models import ProblemType
from qingfeng.records.periods import OpenDates

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from qingfeng.accounts.models import User

# The template's other sheets, which no import reads (their names are free).
INDICATORS_SHEET = "指标说明"
UNITS_SHEET = "单位列表"
PROBLEM_TYPES_SHEET = "问题类型列表"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_MAX_AGE = 3600  # seconds an errors workbook waits for its download
_ERRORS_DIR = "tmp"
_TEMPLATE_ROWS = 2000  # the drop-downs cover this many rows of the records sheet


# ---------------------------------------------------------------------------------------
# What a station's template holds


def version_for_today(framework: Framework, today: datetime.date) -> FrameworkVersion | None:
    """The framework's version in force for today's year (what the checker uses)."""
    return version_in_force(framework=framework, period=Period(today.year, "Y", 1))


def station_leaves(version: FrameworkVersion, station: Station) -> list[Indicator]:
    """The version's leaf indicators whose data station is ``station``, in tree order."""
    nodes = ordered_indicators(version)
    parents = {node.parent_id for node in nodes}
    return [node for node in nodes if node.pk not in parents and node.station_id == station.pk]


def template_units(user: User, framework: Framework) -> QuerySet[Unit]:
    """The active units the user may enter records for that the framework assesses."""
    return (
        visible_units(user, Capability.ENTER_RECORDS)
        .within(framework.region)
        .filter(active=True)
        .order_by("path", "code")
    )


def rule_in_words(indicator: Indicator) -> str:
    """What to fill in for the indicator's rule, e.g. "Deduction: 2 points per item, …"."""
    rule = indicator.rule or {}
    kind = rule.get("type")
    per = rule.get("per")
    values = {
        "per": _number(per),
        "cap": _number(rule.get("cap")),
        "max": _number(indicator.max),
        "zero_at": _number(rule.get("zero_at")),
        "full_at": _number(rule.get("full_at")),
    }
    if kind == "deduct":
        text = (
            _("Deduction: %(per)s points per item, fill in quantity; or fill in points directly")
            if per is not None
            else _("Deduction: fill in the points deducted")
        )
        if rule.get("cap") is not None:
            text += _(" (at most %(cap)s in all)")
        return text % values
    if kind == "bonus":
        grades = "; ".join(
            f"{grade} = {_number(points)}" for grade, points in (rule.get("grades") or {}).items()
        )
        if grades:
            text = _("Bonus: fill in grade (%(grades)s); or fill in points directly")
        elif per is not None:
            text = _("Bonus: %(per)s points per item, fill in quantity; or fill in points")
        else:
            text = _("Bonus: fill in points")
        return text % {**values, "grades": grades}
    if kind == "direct":
        return _("Direct score: fill in points, from 0 to %(max)s") % values
    if kind == "rate":
        return (
            _("Rate: fill in value as a ratio (zero points at %(zero_at)s, full at %(full_at)s)")
            % values
        )
    if kind == "survey":
        return _("Survey: fill in value, from 0 to 100")
    if kind == "veto":
        return _("Veto: one record is enough; no number needed")
    return _("No valid rule: ask the commission")


def _number(value: Any) -> str:
    return "" if value is None else f"{float(value):g}"


# ---------------------------------------------------------------------------------------
# The template


def build_template(
    *, framework: Framework, station: Station, user: User, today: datetime.date
) -> bytes:
    """The .xlsx template of ``station`` for ``framework``, as ``user`` may fill it."""
    from openpyxl import Workbook

    version = version_for_today(framework, today)
    leaves = station_leaves(version, station) if version is not None else []
    units = list(template_units(user, framework).values_list("code", "name"))
    problem_types = list(
        ProblemType.objects.filter(active=True)
        .order_by("position", "name")
        .values_list("name", flat=True)
    )

    workbook = Workbook()
    records = workbook.active
    assert records is not None
    # Chinese sheet and column names (lib.headers): the import reads them as the codes.
    records.title = CHINESE_NAMES[SHEET]
    _header(records, [CHINESE_NAMES[c] for c in COLUMNS], [16, 14, 13, 9, 10, 10, 10, 18, 40, 9])
    # A column style, not 2,000 empty cells: appended rows must land on row 2.
    records.column_dimensions[_letter(COLUMNS.index("date") + 1)].number_format = "yyyy-mm-dd"

    indicators = workbook.create_sheet(INDICATORS_SHEET)
    _header(
        indicators,
        (
            _("code"),
            _("name"),
            _("what to fill"),
            _("max points"),
            _("evaluation standard"),
            _("evaluation method"),
        ),
        [12, 36, 50, 10, 60, 40],
    )
    for leaf in leaves:
        indicators.append(
            safe_row(
                [leaf.code, leaf.name, rule_in_words(leaf), leaf.max, leaf.standard, leaf.method]
            )
        )

    instructions = workbook.create_sheet("说明")
    instructions.column_dimensions["A"].width = 100
    for line in _instructions(framework, station, version, today):
        instructions.append(safe_row([line]))
    instructions["A1"].font = _bold()

    unit_sheet = workbook.create_sheet(UNITS_SHEET)
    _header(unit_sheet, (_("code"), _("name")), [16, 40])
    for code, name in units:
        unit_sheet.append(safe_row([code, name]))
    unit_sheet.sheet_state = "hidden"

    type_sheet = workbook.create_sheet(PROBLEM_TYPES_SHEET)
    _header(type_sheet, (_("problem type"),), [30])
    for name in problem_types:
        type_sheet.append(safe_row([name]))
    type_sheet.sheet_state = "hidden"

    _drop_down(records, "unit", f"'{UNITS_SHEET}'!$A$2:$A${len(units) + 1}", len(units))
    _drop_down(records, "indicator", f"'{INDICATORS_SHEET}'!$A$2:$A${len(leaves) + 1}", len(leaves))
    _drop_down(
        records,
        "problem_type",
        f"'{PROBLEM_TYPES_SHEET}'!$A$2:$A${len(problem_types) + 1}",
        len(problem_types),
        strict=False,
    )
    _nil_drop_down(records)
    workbook.active = 0
    return _saved(workbook)


def _nil_drop_down(sheet: Worksheet) -> None:
    """The 零报告 column takes 是 or nothing (a short literal list is fine here)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = _letter(COLUMNS.index("nil") + 1)
    validation = DataValidation(type="list", formula1='"是"', allow_blank=True)
    validation.error = _("Choose a value from the list.")
    validation.add(f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def _instructions(
    framework: Framework, station: Station, version: FrameworkVersion | None, today: datetime.date
) -> list[str]:
    periods = ", ".join(str(period) for period in OpenDates(framework).open_periods())
    values = {
        "framework": f"{framework.code} {framework.name}",
        "station": f"{station.code} {station.name}",
        "version": str(version) if version is not None else "—",
        "today": today.isoformat(),
        "periods": periods or _("none"),
        "columns": columns_words(COLUMNS),
    }
    lines = [
        _("Records template of %(station)s for %(framework)s (%(version)s), made on %(today)s"),
        "",
        _(
            '1. Fill in the sheet "records", one record per row, from row 2. Keep row 1 (the '
            "column names: %(columns)s) as it is."
        ),
        _(
            "2. unit: choose the unit's code from the drop-down (only the units you may enter "
            "records for)."
        ),
        _(
            "3. indicator: choose the indicator's code from the drop-down; the sheet "
            '"indicators" says what to fill in for each one (points, quantity, grade or value).'
        ),
        _(
            "4. date: the day the fact happened, written YYYY-MM-DD (for example 2026-03-15) "
            "or as an Excel date."
        ),
        _("5. The date must lie in an open collection period. Open now: %(periods)s."),
        _(
            "6. problem_type: choose from the drop-down if the record names a problem; note: "
            "free text."
        ),
        _(
            "7. All or nothing: if any row has an error, nothing is imported. The page lists "
            "every error by row and column, and offers this file back with an error column; "
            "correct the rows and upload the file again (the error column is ignored)."
        ),
        _(
            "8. Uploaded records are submitted for review; they count in the scores once a "
            "reviewer approves them."
        ),
        _(
            "9. Nothing to report (nil return, 零报告): write 是 in the column 零报告 (nil) "
            "and fill only unit, indicator and date (and a note if you like); leave the "
            "other columns empty. The row says the unit has nothing to report on that "
            "indicator for the open collection period containing the date. A unit cannot "
            "have both records and a nil return on an indicator for a period; withdraw a "
            "nil return on the nil returns page before entering records. Only deduction and "
            "bonus indicators take a nil return."
        ),
    ]
    return [line % values if "%(" in line else line for line in lines]


def _bold() -> Any:
    from openpyxl.styles import Font

    return Font(bold=True)


def _header(sheet: Worksheet, names: Sequence[str], widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    sheet.append(safe_row(names))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.cell(row=1, column=index).font = _bold()
    sheet.freeze_panes = "A2"


def _drop_down(sheet: Worksheet, column: str, source: str, count: int, strict: bool = True) -> None:
    """A list validation on ``column`` of the records sheet, from a range elsewhere."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if count == 0:
        return
    letter = get_column_letter(COLUMNS.index(column) + 1)
    validation = DataValidation(
        type="list", formula1=f"={source}", allow_blank=True, showErrorMessage=strict
    )
    validation.error = _("Choose a value from the list.")
    validation.add(f"{letter}2:{letter}{_TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def _saved(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------
# The uploaded file with its errors


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _errors_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / _ERRORS_DIR


def store_errors(*, user: User, data: bytes) -> str:
    """Keep an errors workbook for ``user``; its token (the download checks both)."""
    directory = _errors_dir()
    directory.mkdir(parents=True, exist_ok=True)
    sweep_errors()
    token = secrets.token_urlsafe(24)
    (directory / f"records-errors-{user.pk}-{token}.xlsx").write_bytes(data)
    return token


def take_errors(*, user: User, token: str) -> bytes | None:
    """The user's errors workbook of ``token``, deleted as it is read; None if it is not
    theirs, was taken already or has expired."""
    if not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = _errors_dir() / f"records-errors-{user.pk}-{token}.xlsx"
    try:
        expired = time.time() - path.stat().st_mtime > ERRORS_MAX_AGE
        data = None if expired else path.read_bytes()
        path.unlink()
    except FileNotFoundError:
        return None
    return data


def sweep_errors() -> None:
    """Delete the errors workbooks nobody downloaded within the hour."""
    limit = time.time() - ERRORS_MAX_AGE
    for path in _errors_dir().glob("records-errors-*.xlsx"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass
