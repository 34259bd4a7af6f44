"""The overview's warnings table (and its exports) as read from the warning register.

The register (``monitoring``) holds only ended periods of the kind the version's policy
names. For any other period (still open, or a half-year when warnings are raised per
quarter) the table is read off the snapshots by the same rule
(``overview_tables.warning_rows``) and says that it is not (yet) in the register; see
docs/warnings.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from qingfeng.dashboard.access import PeriodResults
from qingfeng.dashboard.overview import OverviewQuery, filtered_snapshots, level_one_columns
from qingfeng.dashboard.overview_tables import Matrix, WarningRow, warning_rows
from qingfeng.lib.periods import Period
from qingfeng.monitoring import selectors as register
from qingfeng.monitoring.models import Response, Warning, WarningKind
from qingfeng.monitoring.selectors_sync import coverage


@dataclass
class OverviewWarnings:
    """The warnings shown (the most severe ``limit``, or all), how many there are, and
    whether they come from the register (else ``reason`` says why not)."""

    rows: list[WarningRow]
    count: int
    registered: bool
    reason: str = ""


def overview_warnings(
    *,
    results: PeriodResults,
    query: OverviewQuery,
    limit: int | None = None,
    matrix: Matrix | None = None,
) -> OverviewWarnings:
    """The active band and veto warnings of the period in the user's scope under the
    page's filters, most severe first (vetoed, then by band, then by ratio score / max, as
    ``warning_rows`` orders them), from the register when it holds the period."""
    covered = coverage(framework=results.framework, period=results.period)
    if not covered.registered:
        rows, count = warning_rows(results=results, query=query, limit=limit, matrix=matrix)
        return OverviewWarnings(rows, count, registered=False, reason=covered.reason)
    units = filtered_snapshots(results=results, query=query).values("unit_id")
    stored = register.period_warnings(
        framework=results.framework, period=str(results.period), units=units
    )
    position = {column.code: i for i, column in enumerate(level_one_columns(results))}
    # Ordered and cut by the database: reading every warning's key to sort it here cost a
    # province's overview 200 ms (128,000 warnings for 50 shown).
    ordered = stored.order_by(*register.severity_order(position)).values_list(*_ROW_FIELDS)
    if limit is None:
        rows = [_row(values) for values in ordered]
        return OverviewWarnings(rows, len(rows), registered=True)
    rows = [_row(values) for values in ordered[:limit]]
    return OverviewWarnings(rows, stored.count(), registered=True)


# What a row shows: plain values, no model instances (three a row with the unit and its
# category took 4 s of a province's 128,000 warnings).
_ROW_FIELDS = (
    *("pk", "severity", "score", "max", "unit_id", "node_code"),
    *("unit__code", "unit__name", "unit__category__name", "node_name", "band", "kind"),
)


def _row(values: tuple[Any, ...]) -> WarningRow:
    """A row from the values of ``_ROW_FIELDS``."""
    pk, severity, score, top, unit_pk, code, unit_code, unit_name, category, name, band, kind = (
        values
    )
    return WarningRow(
        unit_pk=unit_pk,
        unit_code=unit_code,
        unit_name=unit_name,
        category=category or "",
        code=code,
        name=name,
        score=score,
        max=top,
        band=band or "none",
        vetoed=kind == WarningKind.VETO,
        severity=severity,
        warning_pk=pk,
    )


@dataclass
class RegisteredWithin:
    """The register's warnings of the periods inside a longer one (the quarters of a
    half-year …) over the units under the page's filters, whatever their state now: how
    many, of how many units, how many have no response yet, and the responses given as
    (kind, state, count)."""

    periods: list[str]
    warnings: int = 0
    units: int = 0
    without_response: int = 0
    responses: list[tuple[str, str, int]] = field(default_factory=list)


def periods_within(period: Period) -> list[Period]:
    """The quarters, half-years and year lying inside ``period`` (itself included),
    oldest first, the shorter first among periods ending together."""
    found = [
        Period(period.year, kind, index)
        for kind, count in (("Q", 4), ("H", 2), ("Y", 1))
        for index in range(1, count + 1)
    ]
    inside = [p for p in found if period.start <= p.start and p.end <= period.end]
    return sorted(inside, key=lambda p: (p.end, -p.start.toordinal()))


def registered_within(*, results: PeriodResults, query: OverviewQuery) -> RegisteredWithin:
    """The band and veto warnings the register holds for the periods inside
    ``results.period`` (its quarters when the policy raises warnings per quarter) and
    the responses to them: a few grouped counts."""
    codes = [str(p) for p in periods_within(results.period)]
    units = filtered_snapshots(results=results, query=query).values("unit_id")
    stored = Warning.objects.filter(
        framework=results.framework,
        period__in=codes,
        kind__in=register.BAND_KINDS,
        unit__in=units,
    ).order_by()
    counts = stored.aggregate(warnings=Count("pk"), units=Count("unit_id", distinct=True))
    answered = Response.objects.filter(warning__in=stored.values("pk")).order_by()
    without = stored.exclude(pk__in=answered.values("warning_id")).count()
    grouped = answered.values_list("kind", "state").annotate(n=Count("pk")).order_by("kind")
    present = set(stored.values_list("period", flat=True).distinct())
    return RegisteredWithin(
        periods=[code for code in codes if code in present],
        warnings=counts["warnings"],
        units=counts["units"],
        without_response=without,
        responses=[(kind, state, n) for kind, state, n in grouped],
    )
