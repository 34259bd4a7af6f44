"""Nil rows of a records file (docs/interchange-records.md, "Nil returns"): a row whose
``nil`` column (零报告) says 是 declares that the station has nothing to report for that
unit and indicator in the open collection period containing the row's date (the shortest
one when several do). Its value columns stay empty.

The records import (``records.services.records_import``) hands the nil rows here after
converting their cells (``NilRows``); ``nil_row_plans`` checks them with the nil return
rules (``records.nil_returns.NilChecker``) and against the file's own record rows, adding
every problem to the import's issues, located by row and column. The nil returns (one per
indicator and collection period, submitted) are stored in the import's transaction, so the
file is still all or nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from qingfeng.lib.periods import Period, period_label
from qingfeng.lib.tabular import BadValue, Issues, text
from qingfeng.org.models import Station, Unit
from qingfeng.records.models import (
    NIL_RETURN_ACTIVE,
    CollectionPeriod,
    NilReturnUnit,
    PeriodStatus,
)
from qingfeng.records.nil_returns import NOTE_MAX, NilChecker, NilPlan
from qingfeng.records.periods import OpenDates

YES = frozenset({"是", "y", "yes", "true", "1", "nil", "零报告"})
NO = frozenset({"否", "n", "no", "false", "0"})
VALUE_COLUMNS = ("points", "quantity", "grade", "value", "problem_type")


def yes_no(value: Any) -> bool | None:
    """The ``nil`` cell: 是 (or yes, true, 1) marks a nil row; 否, no or empty does not
    (the API sends a JSON true or false)."""
    if isinstance(value, bool):
        return value
    words = text(value)
    if words is None:
        return None
    if words.lower() in YES:
        return True
    if words.lower() in NO:
        return False
    raise BadValue(
        _('write 是 for a nil return, or leave it empty (not "%(value)s")') % {"value": words}
    )


@dataclass
class NilRows:
    """What the records validation sets aside for the nil check: the nil rows (row,
    converted fields, conversion problems) and every record row's fields (to find a record
    and a nil return of the same unit, indicator and period in one file)."""

    rows: list[tuple[int, dict[str, Any], list[tuple[str, str]]]] = field(default_factory=list)
    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    # With ``skip_filed`` (the API: a batch sent twice), the nil rows the station's active
    # nil returns already cover, by row, with the id of the covering nil return.
    filed: dict[int, int] = field(default_factory=dict)


@dataclass
class NilRowPlan:
    """A nil return to store, with the note and the numbers of its rows."""

    plan: NilPlan
    note: str
    rows: list[int] = field(default_factory=list)


def _open_collection(periods: list[Period], day: datetime.date) -> Period | None:
    containing = [period for period in periods if period.contains(day)]
    return min(containing, key=lambda p: (p.end - p.start, str(p))) if containing else None


def nil_row_plans(
    *,
    collected: NilRows,
    checker: Any,
    station: Station | None,
    issues: Issues,
    skip_filed: bool = False,
    row_name: Callable[[int], str] | None = None,
) -> list[NilRowPlan]:
    """Check the nil rows of a file (``checker``: the import's ``RecordChecker``); the nil
    returns to store, grouped by indicator and collection period, or [] with every
    problem added to ``issues``. ``skip_filed``: a nil row that an active nil return of
    the station already covers is skipped (noted in ``collected.filed``), not refused.
    ``row_name`` names another row in a message ("row 3 of this file" by default; the API
    says "record 3 of this batch")."""
    if not collected.rows:
        return []
    framework = checker.framework
    open_dates = OpenDates(framework)
    open_periods = sorted(
        Period.parse(p)
        for p in CollectionPeriod.objects.filter(
            framework=framework, status=PeriodStatus.OPEN
        ).values_list("period", flat=True)
    )
    groups: dict[tuple[str, Period], dict[int, tuple[int, Unit]]] = defaultdict(dict)
    notes: dict[tuple[str, Period], str] = {}
    found = False
    for row, fields, problems in collected.rows:
        bad = {column for column, _message in problems}
        for column, message in problems:
            issues.at(row, column, message)
        found = found or bool(problems)
        row_problems = _row_problems(row, fields, bad, checker, station, open_periods, open_dates)
        if row_problems:
            found = True
            for column, message in row_problems:
                issues.at(row, column, message)
            continue
        collection = _open_collection(open_periods, fields["date"])
        assert collection is not None  # _row_problems refused a date outside them
        key = (str(fields["indicator"]), collection)
        unit: Unit = fields["unit"]
        if unit.pk in groups[key]:
            first = groups[key][unit.pk][0]
            message = _("the same nil return as row %(row)s (unit, indicator and period)")
            issues.at(row, "unit", message % {"row": first})
            found = True
            continue
        groups[key][unit.pk] = (row, unit)
        if fields.get("note") and key not in notes:
            notes[key] = fields["note"]
    found = _against_records(groups, collected, issues, row_name or _file_row) or found
    if station is None:
        return []
    if skip_filed:
        _skip_filed(groups, collected, station, framework)
    scope = checker.unit_scope if checker.unit_scope is not None else Unit.objects.all()
    nil_checker = NilChecker(framework=framework, station=station, unit_scope=scope)
    plans = []
    for (code, period), units in groups.items():
        if not units:
            continue  # every row of the group was filed before
        plan, refused = nil_checker.check(
            indicator_code=code, period=str(period), units=[unit for _row, unit in units.values()]
        )
        first_row = min(row for row, _unit in units.values())
        for about, message in refused:
            at = units[about.pk][0] if about is not None and about.pk in units else first_row
            issues.at(at, "unit" if about is not None else "indicator", message)
            found = True
        if plan is not None:
            rows = sorted(row for row, _unit in units.values())
            plans.append(NilRowPlan(plan, notes.get((code, period), ""), rows))
    return [] if found else plans


def _skip_filed(
    groups: dict[tuple[str, Period], dict[int, tuple[int, Unit]]],
    collected: NilRows,
    station: Station,
    framework: Any,
) -> None:
    """Take out of ``groups`` the rows the station's active nil returns already cover."""
    for (code, period), units in groups.items():
        covered = dict(
            NilReturnUnit.objects.filter(
                framework=framework,
                period=str(period),
                indicator_code=code,
                unit__in=list(units),
                nil_return__station=station,
                nil_return__status__in=list(NIL_RETURN_ACTIVE),
            ).values_list("unit_id", "nil_return_id")
        )
        for pk, nil_return_id in covered.items():
            row, _unit = units.pop(pk)
            collected.filed[row] = nil_return_id


def _row_problems(
    row: int,
    fields: dict[str, Any],
    bad: set[str],
    checker: Any,
    station: Station | None,
    open_periods: list[Period],
    open_dates: OpenDates,
) -> list[tuple[str, str]]:
    problems = [
        (name, _("this field is required"))
        for name in ("unit", "indicator", "date")
        if fields.get(name) is None and name not in bad
    ]
    problems += [
        (name, _("a nil row leaves this column empty: it declares there is nothing to report"))
        for name in VALUE_COLUMNS
        if fields.get(name) not in (None, "")
    ]
    if len(fields.get("note") or "") > NOTE_MAX:
        message = _("too long: at most %(max)s characters, this has %(length)s")
        problems.append(("note", message % {"max": NOTE_MAX, "length": len(fields["note"])}))
    if station is None:
        problems.append(("nil", _("nil rows are uploaded from a data station's Excel page")))
    code = fields.get("unit")
    if isinstance(code, str):
        unit = checker.unit(code)
        if unit is None:
            problems.append(("unit", _('unknown unit "%(code)s"') % {"code": code}))
        else:
            problems += checker.unit_problems(unit)
            fields["unit"] = unit
    day = fields.get("date")
    # As for a record: no open period contains the date, or a closed one does (2026 open
    # but its 2026Q1 closed: a date in 2026Q1 files nothing).
    if isinstance(day, datetime.date) and (
        _open_collection(open_periods, day) is None or not open_dates.is_open(day)
    ):
        problems.append(
            (
                "date",
                _("%(date)s is not in an open collection period of %(framework)s")
                % {"date": day.isoformat(), "framework": checker.framework.code},
            )
        )
    return problems


def _file_row(row: int) -> str:
    return _("row %(row)s of this file") % {"row": row}


def _against_records(
    groups: dict[tuple[str, Period], dict[int, tuple[int, Unit]]],
    collected: NilRows,
    issues: Issues,
    row_name: Callable[[int], str],
) -> bool:
    """Refuse a nil row whose unit, indicator and period a record row of the file has."""
    found = False
    # (indicator, unit id) -> the nil rows' periods: a dict lookup per record row.
    nil_cells: dict[tuple[str, int], list[tuple[Period, int]]] = defaultdict(list)
    for (code, period), units in groups.items():
        for pk, (row, _unit) in units.items():
            nil_cells[(code, pk)].append((period, row))
    for record_row, fields in collected.records:
        unit, day = fields.get("unit"), fields.get("date")
        if not isinstance(unit, Unit) or not isinstance(day, datetime.date):
            continue
        code = str(fields.get("indicator"))
        for period, nil_row in nil_cells.get((code, unit.pk), ()):
            if period.contains(day):
                message = _(
                    "%(row)s already gives this unit and indicator a record dated in "
                    "%(period)s: a unit has either records or a nil return for a period"
                )
                issues.at(
                    nil_row,
                    "nil",
                    message % {"row": row_name(record_row), "period": period_label(period)},
                )
                found = True
    return found
