"""Reads of the problem analysis: problem records by type and period, by unit with their
concentration, and by type x unit category; and the records behind every figure.

A "problem record" is an approved record of the framework, of a unit the user may
analyse, dated inside the period (or the ``from``/``to`` range), that names a problem type
or sits on a ``deduct`` or ``veto`` leaf of the version in force for its year (awards,
survey results and rates are not problems; a deduction without a type is counted as
"unclassified"). Everything is counted in SQL (grouped queries over the scope subquery);
no query depends on the number of units or records.

When the window is whole months and the problem tallies cover them
(``records.tallies.tallies_cover``), the counts are summed from the tallies (a few rows
per unit and month) instead of the records; the numbers are the same (a test holds the
two to it), only the points may differ in the last bits of a float sum.

Points deducted are the records' own: ``points``, else ``per x quantity`` of the leaf's
rule (quantity 1 when empty), before any cap; veto records deduct nothing.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.dashboard.access import analysis_units
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import version_in_force
from qingfeng.lib.errors import NotFound, OutOfScope
from qingfeng.lib.periods import MAX_YEAR, MIN_YEAR, Period
from qingfeng.org.models import Station, Unit, UnitCategory
from qingfeng.records.models import Evidence, ProblemTally, Record, RecordStatus
from qingfeng.records.tallies import ProblemRules, months_between, tallies_cover

UNCLASSIFIED = "__none__"  # the drill-down's ``type`` for records without a problem type
TREND_PERIODS = 8
TOP_UNITS = 10


@dataclass(frozen=True)
class ProblemWindow:
    """What the problem pages look at: the framework, the period of the URL, the date
    range (the period's own unless ``from``/``to`` override it) and an optional station."""

    framework: Framework
    period: Period
    start: datetime.date
    end: datetime.date
    station: int | None = None

    @property
    def custom(self) -> bool:
        return (self.start, self.end) != (self.period.start, self.period.end)


def _date(text: str, default: datetime.date) -> datetime.date:
    if not text:
        return default
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise NotFound from error


def problem_window(
    *, framework: Framework, period: Period, date_from: str, date_to: str, station: str
) -> ProblemWindow:
    """The window from the URL and its GET parameters; 404 for a malformed date or
    station, or a range that ends before it starts. A range reaching past the years a
    period may have (``MIN_YEAR`` to ``MAX_YEAR``) is cut to them: no record lies
    outside, and the page says the range it shows."""
    start = max(_date(date_from, period.start), datetime.date(MIN_YEAR, 1, 1))
    end = min(_date(date_to, period.end), datetime.date(MAX_YEAR, 12, 31))
    if end < start:
        raise NotFound
    try:
        station_id = int(station) if station else None
    except ValueError as error:
        raise NotFound from error
    return ProblemWindow(framework, period, start, end, station_id)


def problem_records(
    *,
    user: Any,
    window: ProblemWindow,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[Record]:
    """The window's problem records (or those between ``start`` and ``end``) of the units
    the user may analyse, annotated with ``deducted``."""
    start, end = start or window.start, end or window.end
    rules = ProblemRules(window.framework, start, end)
    records = Record.objects.filter(
        rules.condition(),
        framework=window.framework,
        status=RecordStatus.APPROVED,
        date__gte=start,
        date__lte=end,
        unit__in=analysis_units(user).values("pk"),
    )
    if window.station is not None:
        records = records.filter(station_id=window.station)
    return records.annotate(deducted=rules.deducted())


def _tallies(
    *, user: Any, window: ProblemWindow, start: datetime.date, end: datetime.date
) -> QuerySet[ProblemTally] | None:
    """The tally rows of whole months ``start``..``end`` in the user's scope (and the
    window's station), or None when the range is not whole months or the tallies do not
    cover it (then the records are counted directly)."""
    if start.day != 1 or end.day != calendar.monthrange(end.year, end.month)[1]:
        return None
    months = months_between(start, end)
    rules = ProblemRules(window.framework, start, end)
    if not tallies_cover(framework=window.framework, rules=rules, months=months):
        return None
    tallies = ProblemTally.objects.filter(
        framework=window.framework,
        month__gte=start,
        month__lte=end,
        unit__in=analysis_units(user).values("pk"),
    )
    if window.station is not None:
        tallies = tallies.filter(station_id=window.station)
    return tallies.order_by()


def type_label(key: str) -> str:
    return _("Unclassified") if key in ("", UNCLASSIFIED) else key


def type_key(problem_type: str) -> str:
    return problem_type or UNCLASSIFIED


@dataclass
class TypeCount:
    key: str
    label: str
    count: int
    points: float


@dataclass
class TypeTrend:
    """Problem records per type over the last periods of the window's length."""

    periods: list[Period]
    series: list[tuple[str, str, list[int]]]  # key, label, count per period


def trend_periods(period: Period, n: int = TREND_PERIODS) -> list[Period]:
    """The ``n`` periods of the same length ending with ``period``, oldest first."""
    periods = [period]
    while len(periods) < n:
        periods.insert(0, periods[0].previous())
    return periods


def _type_order(totals: dict[str, int]) -> list[str]:
    """Most frequent first, unclassified last."""
    return sorted(totals, key=lambda k: (k == UNCLASSIFIED, -totals[k], k))


def by_type_over_periods(*, user: Any, window: ProblemWindow) -> TypeTrend:
    """Counts per type in each of the last eight periods of the URL period's length (the
    ``from``/``to`` override does not move this chart; the station filter does). One
    query grouped by type and day (a few thousand rows), placed into periods here."""
    periods = trend_periods(window.period)
    start, end = periods[0].start, periods[-1].end
    tallies = _tallies(user=user, window=window, start=start, end=end)
    grouped: Any
    if tallies is not None:
        grouped = tallies.values_list("problem_type", "month").annotate(n=Sum("records"))
    else:
        records = problem_records(user=user, window=window, start=start, end=end)
        grouped = records.order_by().values_list("problem_type", "date").annotate(n=Count("pk"))
    counts: dict[str, list[int]] = {}
    for problem_type, day, n in grouped:
        index = next(i for i, p in enumerate(periods) if p.contains(day))
        counts.setdefault(type_key(problem_type), [0] * len(periods))[index] += n
    keys = _type_order({k: sum(v) for k, v in counts.items()})
    return TypeTrend(periods, [(k, type_label(k), counts[k]) for k in keys])


@dataclass
class UnitCount:
    unit_id: int
    count: int
    points: float
    share: float
    code: str = ""
    name: str = ""
    category: str = ""

    @property
    def percent(self) -> float:
        return 100 * self.share


@dataclass
class Concentration:
    """Problem records by unit: every unit with a problem, most first, and how concentrated
    they are (share of the top 10 units; Herfindahl-Hirschman index Σ sᵢ² over the units'
    shares, 1/N when N units share evenly, 1 when one unit has them all)."""

    total: int
    units: list[UnitCount] = field(default_factory=list)

    @property
    def units_with_problems(self) -> int:
        return len(self.units)

    @property
    def hhi(self) -> float | None:
        return sum(u.share**2 for u in self.units) if self.total else None

    @property
    def hhi_10000(self) -> float | None:
        hhi = self.hhi
        return None if hhi is None else hhi * 10000

    @property
    def even_hhi(self) -> float | None:
        """1/N: the index if the N units with problems shared them evenly."""
        return 1 / len(self.units) if self.units else None

    @property
    def top_share(self) -> float | None:
        if not self.total:
            return None
        return sum(u.count for u in self.units[:TOP_UNITS]) / self.total

    @property
    def top_percent(self) -> float | None:
        share = self.top_share
        return None if share is None else 100 * share


def name_units(rows: list[UnitCount]) -> list[UnitCount]:
    """Fill in code, name and category of the given rows (one query; for many rows every
    unit is read rather than a long IN list)."""
    units = Unit.objects.all()
    if len(rows) <= 500:
        units = units.filter(pk__in=[r.unit_id for r in rows])
    found = {
        pk: (code, name, category)
        for pk, code, name, category in units.values_list("pk", "code", "name", "category__name")
    }
    for row in rows:
        row.code, row.name, row.category = found.get(row.unit_id, ("", "", ""))
    return rows


@dataclass
class Matrix:
    """Problem records per type (rows) and unit category (columns)."""

    types: list[tuple[str, str]]
    categories: list[tuple[str, str]]  # code, name
    counts: dict[tuple[str, str], int]

    @property
    def rows(self) -> list[tuple[str, str, list[tuple[str, int]], int]]:
        """(type key, label, [(category code, count)], row total) for the table."""
        result = []
        for key, label in self.types:
            cells = [(code, self.counts.get((key, code), 0)) for code, _name in self.categories]
            result.append((key, label, cells, sum(n for _c, n in cells)))
        return result

    @property
    def columns(self) -> list[tuple[str, str, int]]:
        """(category code, name, column total)."""
        return [
            (code, name, sum(self.counts.get((key, code), 0) for key, _label in self.types))
            for code, name in self.categories
        ]


@dataclass
class ProblemSummary:
    """The window's problem records counted three ways."""

    types: list[TypeCount]
    concentration: Concentration
    matrix: Matrix


def problem_summary(*, user: Any, window: ProblemWindow) -> ProblemSummary:
    """By type, by unit (with the concentration figures) and by type x unit category, all
    from one query grouped by (problem type, unit): at province scale a single pass over
    the period's records (or its tallies), the rest (at most types x units rows) summed
    up here."""
    tallies = _tallies(user=user, window=window, start=window.start, end=window.end)
    cube: Any
    if tallies is not None:
        cube = tallies.values_list("problem_type", "unit_id").annotate(
            n=Sum("records"), p=Sum("deducted")
        )
    else:
        cube = (
            problem_records(user=user, window=window)
            .order_by()
            .values_list("problem_type", "unit_id")
            .annotate(n=Count("pk"), p=Sum("deducted"))
        )
    type_counts: dict[str, int] = defaultdict(int)
    type_points: dict[str, float] = defaultdict(float)
    unit_counts: dict[int, int] = defaultdict(int)
    unit_points: dict[int, float] = defaultdict(float)
    by_type_unit: list[tuple[str, int, int]] = []
    for problem_type, unit_id, n, points in cube:
        key = type_key(problem_type)
        type_counts[key] += n
        type_points[key] += points or 0.0
        unit_counts[unit_id] += n
        unit_points[unit_id] += points or 0.0
        by_type_unit.append((key, unit_id, n))
    total = sum(unit_counts.values())
    units = [
        UnitCount(u, n, unit_points[u], n / total)
        for u, n in sorted(unit_counts.items(), key=lambda i: (-i[1], -unit_points[i[0]], i[0]))
    ]
    keys = _type_order(type_counts)
    category_of = _categories_of(user, list(unit_counts))
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for key, unit_id, n in by_type_unit:
        counts[(key, category_of[unit_id][0])] += n
    categories = sorted(set(category_of.values()), key=lambda c: (c[1], c[0]))
    return ProblemSummary(
        types=[TypeCount(k, type_label(k), type_counts[k], type_points[k]) for k in keys],
        concentration=Concentration(total, units),
        matrix=Matrix([(k, type_label(k)) for k in keys], categories, dict(counts)),
    )


def _categories_of(user: Any, unit_ids: list[int]) -> dict[int, tuple[str, str]]:
    """{unit id: (category code, name)} of the given units (one query; for many units the
    whole scope is read instead of a long IN list)."""
    if not unit_ids:
        return {}
    units = analysis_units(user) if len(unit_ids) > 500 else Unit.objects.filter(pk__in=unit_ids)
    return {
        pk: (code, name)
        for pk, code, name in units.values_list("pk", "category__code", "category__name")
    }


def problem_stations(*, user: Any, window: ProblemWindow) -> list[Station]:
    """The stations collecting for the framework (responsible for an indicator of the
    version in force), for the station filter; and the one filtered on, if another.
    Only stations the user may see under the analysis capability (docs/scopes.md): a
    discipline group member sees none, a county analyst the county's."""
    version = version_in_force(framework=window.framework, period=window.period)
    condition = Q(indicators__version=version) if version else Q(pk__in=[])
    if window.station is not None:
        condition |= Q(pk=window.station)
    visible = scope.visible_stations(user, Capability.VIEW_ANALYSIS)
    return list(visible.filter(condition).distinct().order_by("name"))


def record_list(
    *, user: Any, window: ProblemWindow, problem_type: str, unit: str, category: str
) -> QuerySet[Record]:
    """The records behind a figure: the window's problem records of one type
    (``__none__``: unclassified), unit (a unit outside the scope: 404) and unit category,
    newest first (count their evidence with ``evidence_counts`` for the rows shown: a
    grouped annotation would group every matching record before the page is cut)."""
    records = problem_records(user=user, window=window)
    if problem_type:
        records = records.filter(problem_type="" if problem_type == UNCLASSIFIED else problem_type)
    if unit:
        try:
            unit_id = int(unit)
        except ValueError as error:
            raise NotFound from error
        if not analysis_units(user).filter(pk=unit_id).exists():
            raise OutOfScope
        records = records.filter(unit_id=unit_id)
    if category:
        records = records.filter(unit__category__code=category)
    return records.select_related("unit__category", "station").order_by("-date", "-pk")


def evidence_counts(record_ids: list[int]) -> dict[int, int]:
    """{record id: number of evidence files} for the given records (one query)."""
    return dict(
        Evidence.objects.filter(record_id__in=record_ids)
        .order_by()
        .values_list("record_id")
        .annotate(n=Count("pk"))
    )


def unit_name(*, user: Any, unit: str) -> str:
    """The name of a unit the user may analyse, by id ("" for anything else)."""
    if not unit.isdigit():
        return ""
    return analysis_units(user).filter(pk=int(unit)).values_list("name", flat=True).first() or ""


def category_name(code: str) -> str:
    """A unit category's name by code (the code itself when unknown)."""
    return UnitCategory.objects.filter(code=code).values_list("name", flat=True).first() or code
