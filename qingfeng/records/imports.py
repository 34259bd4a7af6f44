"""Reading and checking records files (.xlsx and .csv).

The first half of a records import (``qingfeng.records.services.records_import``): the
file is read into raw rows (``read_records_file``), every cell is converted on its own, and
every row is checked against the organisation and the framework (``validate_records``, with
the rules of ``RecordChecker``, which ``record_create`` shares). Every problem is collected
as an ``Issue`` located by row and column; only a file without any is stored. The
format is described in ``docs/interchange-records.md``.

Rows are numbered as a spreadsheet shows them: the header is row 1 and the first record is
row 2. Reading, cell handling (trimming, numbers, dates, text lengths) and issues are
every import's (``qingfeng.lib.tabular``), so all imports read and report alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.accounts.selectors import visible_units
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.framework.selectors import ordered_indicators, version_in_force
from qingfeng.lib.numbers import (
    POINTS_LIMIT,
    QUANTITY_LIMIT,
    VALUE_LIMIT,
    record_number_problems,
)
from qingfeng.lib.periods import MAX_YEAR, MIN_YEAR, Period
from qingfeng.lib.table_file import read_table_file
from qingfeng.lib.tabular import (
    BadValue,
    Issue,
    Issues,
    RawItem,
    bounded,
    loose_date,
    number_within,
    text,
    text_of,
)
from qingfeng.org.models import Station, Unit
from qingfeng.records.models import ProblemType, Record, RecordSource, RecordStatus
from qingfeng.records.nil_cover import NilCover
from qingfeng.records.nil_imports import NilRows, yes_no
from qingfeng.records.periods import OpenDates
from qingfeng.records.selectors import leaves_with_applies
from qingfeng.records.storage import RecordValues

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

SHEET = "records"
COLUMNS: tuple[str, ...] = (
    "unit",
    "indicator",
    "date",
    "points",
    "quantity",
    "grade",
    "value",
    "problem_type",
    "note",
    "nil",
)
REQUIRED: tuple[str, ...] = ("unit", "indicator", "date")
# At most this many records per file (``settings.RECORDS_IMPORT_MAX_ROWS`` overrides it).
DEFAULT_MAX_ROWS = 200_000

_CHUNK = 500  # codes per ``IN (...)`` query, well under SQLite's variable limit


def max_rows() -> int:
    """The most records one file may hold."""
    return int(getattr(settings, "RECORDS_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


@dataclass
class RecordsFile:
    """A file as read: its non-blank data rows (raw cells by column) or why it can't be."""

    rows: list[RawItem] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class RecordsImportResult:
    """What an import stored, or, with issues, why it stored nothing."""

    created: int = 0
    issues: list[Issue] = field(default_factory=list)
    record_ids: list[int] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    nil_returns: list[int] = field(default_factory=list)  # ids of the nil returns filed

    @property
    def ok(self) -> bool:
        return not self.issues


# ---------------------------------------------------------------------------------------
# Reading


def read_records_file(*, data: bytes, filename: str) -> RecordsFile:
    """Read a .xlsx or .csv records file (by the extension of ``filename``).

    .xlsx: the sheet named ``records`` if there is one, else the first sheet. .csv: UTF-8
    (with or without BOM), else GB18030 (what Chinese Excel writes). Row 1 names the
    columns, in any order; unknown, duplicate or missing required columns stop the reading
    there. Blank rows are skipped but keep their numbers.
    """
    issues = Issues()
    result = RecordsFile(issues=issues.items)
    result.rows = read_table_file(
        data=data,
        filename=filename,
        issues=issues,
        sheet=SHEET,
        columns=COLUMNS,
        required=REQUIRED,
        limit=max_rows(),
        too_many=lambda limit: _("the file has more than %(max)s records") % {"max": limit},
    )
    return result


# ---------------------------------------------------------------------------------------
# Cells


CONVERTERS = {
    "unit": text,
    "indicator": text,
    "date": loose_date,
    "points": number_within(POINTS_LIMIT),
    "quantity": number_within(QUANTITY_LIMIT),
    "value": number_within(VALUE_LIMIT),
    "grade": bounded(32),
    "problem_type": text_of(Record, "problem_type"),
    "note": text,
    "nil": yes_no,
}


# ---------------------------------------------------------------------------------------
# Rules


@dataclass
class _Leaf:
    indicator: Indicator
    # The non-empty ``applies_to`` of the leaf and of each ancestor: all must hold.
    applies: tuple[frozenset[str], ...]


@dataclass
class _Version:
    version: FrameworkVersion
    leaves: dict[str, _Leaf]
    groups: set[str]


Problem = tuple[str, str]  # (column, message)
# The form field of a problem's column, where the two names differ.
_FIELD_OF_COLUMN = {"indicator": "indicator_code"}


class RecordChecker:
    """The rules a record must meet, for the import and for ``record_create``.

    Units and framework versions are loaded once and cached, so checking many rows costs
    a few queries. ``station`` (if given) must be each indicator's data station; ``actor``
    (if given) must see each unit, or the unit is reported unknown, exactly like a unit
    that does not exist.
    """

    def __init__(
        self,
        *,
        framework: Framework,
        station: Station | None = None,
        actor: User | None = None,
        open_periods_only: bool = False,
        self_assessment: bool = False,
    ) -> None:
        """``open_periods_only``: the date must lie in an open collection period (entry
        pages, Excel upload, API). ``self_assessment``: the indicator must be marked
        self-assessed (a unit's own entry)."""
        self.framework = framework
        self.station = station
        self.actor = actor
        self.open_dates = OpenDates(framework) if open_periods_only else None
        self.self_assessment = self_assessment
        self._units: dict[str, Unit] = {}
        self._looked_up: set[str] = set()
        self._visible: set[int] = set()
        self._versions: dict[int, _Version | None] = {}
        # Answers that depend on one thing only, kept for the many rows that repeat it.
        self._unit_problems: dict[int, list[Problem]] = {}
        self._open_days: dict[datetime.date, bool] = {}
        self._applies_to: dict[tuple[int, int], bool] = {}

    # Units

    @cached_property
    def unit_scope(self) -> QuerySet[Unit] | None:
        """The units this checker sees (the actor's); None: every unit."""
        return None if self.actor is None else visible_units(self.actor)

    def load_units(self, codes: Iterable[str]) -> None:
        """Fetch the units of these codes (and the scope's view of them) in a few queries."""
        wanted = sorted(set(codes) - self._looked_up)
        self._looked_up.update(wanted)
        scope = self.unit_scope
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = Unit.objects.filter(code__in=chunk).select_related("category", "region")
            self._units.update((unit.code, unit) for unit in query)
            if scope is not None:
                seen = scope.filter(code__in=chunk)
                self._visible.update(seen.values_list("pk", flat=True))

    def _hidden(self, unit: Unit) -> bool:
        return self.unit_scope is not None and unit.pk not in self._visible

    def unit(self, code: str) -> Unit | None:
        """The unit of ``code`` if it exists and is in the checker's scope."""
        if code not in self._looked_up:
            self.load_units([code])
        unit = self._units.get(code)
        if unit is None or self._hidden(unit):
            return None
        return unit

    def unit_problems(self, unit: Unit) -> list[Problem]:
        """A unit the actor doesn't see is unknown; an inactive one is no longer assessed
        (scores leave it out, so its records would count nowhere); one outside the
        framework's region is not assessed by it."""
        if self.unit_scope is not None and unit.code not in self._looked_up:
            self.load_units([unit.code])
        if unit.pk not in self._unit_problems:
            self._unit_problems[unit.pk] = self._unit_problems_of(unit)
        return list(self._unit_problems[unit.pk])

    def _unit_problems_of(self, unit: Unit) -> list[Problem]:
        if self._hidden(unit):
            return [("unit", _('unknown unit "%(code)s"') % {"code": unit.code})]
        if not unit.active:
            return [
                (
                    "unit",
                    _('unit "%(code)s" is inactive: it is no longer assessed')
                    % {"code": unit.code},
                )
            ]
        if not unit.is_within(self.framework.region):
            return [
                (
                    "unit",
                    _('unit "%(code)s" is not assessed with the framework "%(framework)s"')
                    % {"code": unit.code, "framework": self.framework.code},
                )
            ]
        return []

    # Problem types

    @cached_property
    def problem_types(self) -> list[str]:
        """The names of the active problem types (the managed list), in list order."""
        return list(ProblemType.objects.filter(active=True).values_list("name", flat=True))

    def problem_type_problems(self, name: str | None) -> list[Problem]:
        """A problem type must be one of the managed list (or empty: the record names
        none); a name typed freely would fall outside every problem analysis."""
        if not name or name in self.problem_types:
            return []
        message = _('unknown problem type "%(name)s"; choose one of: %(names)s')
        return [("problem_type", message % {"name": name, "names": "、".join(self.problem_types)})]

    @cached_property
    def nil_cover(self) -> NilCover:
        """The framework's active nil returns (one query, on the first row that needs
        them): a record they cover is refused."""
        return NilCover(self.framework)

    def _applies(self, leaf: _Leaf, unit: Unit) -> bool:
        key = (leaf.indicator.pk, unit.category_id)
        if key not in self._applies_to:
            self._applies_to[key] = all(unit.category.code in ok for ok in leaf.applies)
        return self._applies_to[key]

    def _is_open(self, day: datetime.date) -> bool:
        if day not in self._open_days:
            assert self.open_dates is not None
            self._open_days[day] = self.open_dates.is_open(day)
        return self._open_days[day]

    # Indicators

    def _version(self, year: int) -> _Version | None:
        if year not in self._versions:
            version = version_in_force(framework=self.framework, period=Period(year, "Y", 1))
            self._versions[year] = None if version is None else self._load(version)
        return self._versions[year]

    @staticmethod
    def _load(version: FrameworkVersion) -> _Version:
        nodes = ordered_indicators(version)
        leaves = {node.code: _Leaf(node, applies) for node, applies in leaves_with_applies(nodes)}
        return _Version(version, leaves, {node.code for node in nodes} - leaves.keys())

    def validate(
        self, *, unit: Unit, indicator_code: str, date: datetime.date, values: dict[str, Any]
    ) -> None:
        """Check one record typed in (``values``: its points, quantity, grade and value);
        every problem in a ``ValidationError`` by form field."""
        problems = self.unit_problems(unit)
        problems += self.check(
            unit=None if problems else unit,
            indicator_code=indicator_code,
            date=date,
            points=values.get("points"),
            quantity=values.get("quantity"),
            grade=values.get("grade") or None,
            value=values.get("value"),
            problem_type=values.get("problem_type") or None,
        )
        if problems:
            errors: dict[str, list[str]] = {}
            for column, message in problems:
                errors.setdefault(_FIELD_OF_COLUMN.get(column, column), []).append(message)
            raise ValidationError(errors)

    def check(
        self,
        *,
        unit: Unit | None,
        indicator_code: str,
        date: datetime.date,
        points: float | None = None,
        quantity: float | None = None,
        grade: str | None = None,
        value: float | None = None,
        problem_type: str | None = None,
    ) -> list[Problem]:
        """Every problem of one record, as (column, message). ``unit`` None skips the
        category check (the unit was already reported)."""
        numbers = {"points": points, "quantity": quantity, "value": value}
        problems: list[Problem] = record_number_problems(numbers)
        if problems:  # the converters refuse these first; a service caller may not have
            return problems
        problems.extend(self.problem_type_problems(problem_type))
        if not MIN_YEAR <= date.year <= MAX_YEAR:
            message = _("the date must lie between %(min)s and %(max)s")
            return [*problems, ("date", message % {"min": MIN_YEAR, "max": MAX_YEAR})]
        if quantity is not None and quantity <= 0:
            problems.append(("quantity", _("the quantity must be more than 0")))
        if self.open_dates is not None and not self._is_open(date):
            problems.append(
                (
                    "date",
                    _("%(date)s is not in an open collection period of %(framework)s")
                    % {"date": date.isoformat(), "framework": self.framework.code},
                )
            )
        version = self._version(date.year)
        if version is None:
            problems.append(
                (
                    "date",
                    _('the framework "%(framework)s" has no published version for %(year)s')
                    % {"framework": self.framework.code, "year": date.year},
                )
            )
            return problems
        leaf = version.leaves.get(indicator_code)
        if leaf is None:
            values = {"code": indicator_code, "version": str(version.version), "year": date.year}
            if indicator_code in version.groups:
                message = _('indicator "%(code)s" is a group; records go on its leaf indicators')
            else:
                message = _('unknown indicator "%(code)s" in %(version)s (in force for %(year)s)')
            problems.append(("indicator", message % values))
            return problems
        indicator = leaf.indicator
        if self.self_assessment and not indicator.self_assessed:
            problems.append(
                (
                    "indicator",
                    _('indicator "%(code)s" is not one units assess themselves')
                    % {"code": indicator_code},
                )
            )
        if self.station is not None and indicator.station_id != self.station.pk:
            problems.append(
                (
                    "indicator",
                    _('indicator "%(code)s" belongs to another data station')
                    % {"code": indicator_code},
                )
            )
        if unit is not None and leaf.applies and not self._applies(leaf, unit):
            problems.append(
                (
                    "indicator",
                    _('indicator "%(code)s" does not apply to units of the category "%(category)s"')
                    % {"code": indicator_code, "category": unit.category.code},
                )
            )
        problems.extend(_rule_problems(indicator, points, grade, value))
        if unit is not None and self.nil_cover:
            covered = self.nil_cover.problem(
                unit_id=unit.pk, unit_name=unit.name, indicator_code=indicator_code, day=date
            )
            if covered is not None:
                problems.append(("indicator", covered))
        return problems


def _negative() -> Problem:
    # Worded only when it is needed: a translation lookup for every row is measurable.
    return ("points", _("points must be 0 or more"))


def _rule_problems(
    indicator: Indicator, points: float | None, grade: str | None, value: float | None
) -> list[Problem]:
    """What the numbers of a record must be for the indicator's rule (docs/design.md)."""
    rule = indicator.rule or {}
    kind = rule.get("type")
    has_per = rule.get("per") is not None
    if kind == "deduct":
        if points is not None and points < 0:
            return [_negative()]
        if points is None and not has_per:
            return [("points", _("points are required (the rule gives no points per item)"))]
    elif kind == "bonus":
        problems: list[Problem] = []
        grades = [str(key) for key in (rule.get("grades") or {})]
        if grade is not None and grade not in grades:
            message = (
                _('unknown grade "%(grade)s"; expected one of: %(grades)s')
                if grades
                else _('unknown grade "%(grade)s"; the rule has no grades')
            )
            problems.append(("grade", message % {"grade": grade, "grades": ", ".join(grades)}))
        if points is not None and points < 0:
            problems.append(_negative())
        elif points is None and grade is None and not has_per:
            problems.append(("points", _("points or a grade are required")))
        return problems
    elif kind == "direct":
        if points is None:
            return [("points", _("points are required"))]
        if not 0 <= points <= indicator.max:
            limit = {"max": f"{indicator.max:g}"}
            return [("points", _("points must be between 0 and %(max)s") % limit)]
    elif kind in ("rate", "survey"):
        if value is None:
            return [("value", _("a value is required"))]
        if kind == "survey" and not 0 <= value <= 100:
            return [("value", _("the value must be between 0 and 100"))]
    elif kind != "veto":
        return [
            (
                "indicator",
                _('indicator "%(code)s" has no valid rule') % {"code": indicator.code},
            )
        ]
    return []


# ---------------------------------------------------------------------------------------
# Validation


def validate_records(
    *,
    rows: list[RawItem],
    checker: RecordChecker,
    issues: Issues,
    status: str = RecordStatus.APPROVED,
    source: str = RecordSource.IMPORTED,
    nil_rows: NilRows | None = None,
) -> list[RecordValues]:
    """Convert and check every row; the records to store (``records.storage``' rows by
    field), or [] if any issue was added.

    Every problem of every row is added to ``issues``, in row order and, within a row, in
    column order. The records carry the checker's framework, station and actor. With
    ``nil_rows``, the rows marked nil (零报告) are set aside there with every record row's
    fields, for ``records.nil_imports`` to check; without it a nil row is refused.
    """
    converted: list[tuple[int, dict[str, Any], list[Problem]]] = []
    for item in rows:
        fields: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, raw in item.values.items():
            if raw is None:  # every converter gives None for an empty cell
                fields[name] = None
                continue
            try:
                fields[name] = CONVERTERS[name](raw)
            except BadValue as exc:
                problems.append((name, str(exc)))
        converted.append((item.row, fields, problems))
    checker.load_units(
        fields["unit"] for _row, fields, _problems in converted if fields.get("unit")
    )
    records: list[RecordValues] = []
    # What every record of the file shares: framework, status, source, station, author.
    common: RecordValues = {
        "framework_id": checker.framework.pk,
        "status": status,
        "source": source,
        "station_id": None if checker.station is None else checker.station.pk,
        "created_by_id": None if checker.actor is None else checker.actor.pk,
        "submitted_at": timezone.now() if status == RecordStatus.SUBMITTED else None,
    }
    order = {name: index for index, name in enumerate(COLUMNS)}
    for row, fields, problems in converted:
        if fields.get("nil"):
            if nil_rows is not None:
                nil_rows.rows.append((row, fields, problems))
                continue
            problems.append(("nil", _("nil returns are not accepted here")))
        bad = {column for column, _message in problems}
        problems.extend(_row_problems(fields, bad, checker))
        if problems:
            problems.sort(key=lambda problem: order.get(problem[0], len(order)))
            for column, message in problems:
                issues.at(row, column, message)
        elif not issues:
            records.append(_record(fields, common))
    if nil_rows is not None and nil_rows.rows:
        # Only a file with nil rows needs its record rows again (after the checks, which
        # put each row's unit in its fields).
        nil_rows.records = [
            (row, fields) for row, fields, _problems in converted if not fields.get("nil")
        ]
    return [] if issues else records


def _row_problems(fields: dict[str, Any], bad: set[str], checker: RecordChecker) -> list[Problem]:
    problems: list[Problem] = [
        (name, _("this field is required"))
        for name in REQUIRED
        if fields.get(name) is None and name not in bad
    ]
    unit: Unit | None = None
    code = fields.get("unit")
    if code is not None:
        unit = checker.unit(code)
        if unit is None:
            problems.append(("unit", _('unknown unit "%(code)s"') % {"code": code}))
        else:
            problems.extend(checker.unit_problems(unit))
            fields["unit"] = unit
            if problems and any(column == "unit" for column, _message in problems):
                unit = None
    if fields.get("indicator") is not None and fields.get("date") is not None:
        found = checker.check(
            unit=unit,
            indicator_code=fields["indicator"],
            date=fields["date"],
            points=fields.get("points"),
            quantity=fields.get("quantity"),
            grade=fields.get("grade"),
            value=fields.get("value"),
            problem_type=fields.get("problem_type"),
        )
        # A cell that did not convert was reported already; don't add "is required".
        problems.extend(problem for problem in found if problem[0] not in bad)
    return problems


def _record(fields: dict[str, Any], common: RecordValues) -> RecordValues:
    return {
        **common,
        "indicator_code": fields["indicator"],
        "unit_id": fields["unit"].pk,
        "date": fields["date"],
        "points": fields.get("points"),
        "quantity": fields.get("quantity"),
        "grade": fields.get("grade") or "",
        "value": fields.get("value"),
        "problem_type": fields.get("problem_type") or "",
        "note": fields.get("note") or "",
    }
