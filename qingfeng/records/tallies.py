"""Problem tallies: the approved problem records counted per framework, month, unit,
station and problem type, so that the problem analysis of a province reads a few tens of
thousands of tally rows instead of every record of the quarter (issue 17).

A "problem record" is an approved record that names a problem type or sits on a ``deduct``
or ``veto`` leaf of the version in force for its year (``ProblemRules``: the one
definition, which the problem analysis also uses when it counts records directly). Points
deducted are the record's own ``points``, else ``per x quantity`` of the leaf's rule
(quantity 1 when empty), before any cap; veto records deduct nothing.

Kept in step by the services that change approved records (``records_import``,
``record_create``, ``records_approve``, through ``rescore.recompute_after_change``), in the
transaction of the change; rebuilt by ``manage.py rebuild_problem_tallies``. Each month
carries the version in force whose leaves made it (``ProblemTallyMonth``): after another
version is published the month no longer matches and the analysis counts the records
directly (same numbers, slower) until the month is refreshed again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connections, transaction
from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from qingfeng.framework.models import Framework, FrameworkVersion
from qingfeng.framework.selectors import IN_FORCE_STATUSES, in_force_among
from qingfeng.records.models import ProblemTally, ProblemTallyMonth, Record, RecordStatus

__all__ = [
    "ProblemRules",
    "month_of",
    "months_between",
    "problem_tallies_rebuild",
    "problem_tallies_refresh",
    "tallies_cover",
]

# Refresh only the changed units' rows when at most this many units changed (one IN list);
# past it, whole months are recounted.
UNIT_LIST_LIMIT = 500


class ProblemRules:
    """The deduct and veto leaves of the versions in force over a date range, as SQL: the
    condition making a record a problem, and the points it deducts."""

    def __init__(self, framework: Framework, start: datetime.date, end: datetime.date) -> None:
        # One span per version in force (as ``version_in_force`` picks them: the greatest
        # year not after the date's, the highest number among equals), not one per year:
        # the SQL stays the same size however long the range.
        self.spans: list[tuple[datetime.date, datetime.date, FrameworkVersion]] = []
        latest: dict[int, FrameworkVersion] = {}
        for version in framework.versions.filter(
            status__in=IN_FORCE_STATUSES, year__lte=end.year
        ).order_by("year", "number"):
            latest[version.year] = version  # ordered: the highest number of a year wins
        years = list(latest)  # ascending
        for year, following in zip(years, [*years[1:], None], strict=True):
            # In force from its year to the year before the next version's; no span when
            # it was replaced before the range begins.
            first = max(start, datetime.date(year, 1, 1))
            last = end if following is None else min(end, datetime.date(following - 1, 12, 31))
            if first <= last:
                self.spans.append((first, last, latest[year]))
        self.leaves: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        for _first, _last, version in self.spans:
            if version.pk not in self.leaves:
                self.leaves[version.pk] = [
                    (code, rule)
                    for code, rule in version.indicators.filter(rule__isnull=False).values_list(
                        "code", "rule"
                    )
                    if isinstance(rule, dict) and rule.get("type") in ("deduct", "veto")
                ]

    def version_on(self, day: datetime.date) -> int | None:
        """The pk of the version in force on ``day`` (inside the range), or None."""
        for first, last, version in self.spans:
            if first <= day <= last:
                return version.pk
        return None

    def condition(self) -> Q:
        condition = ~Q(problem_type="")
        for first, last, version in self.spans:
            codes = [code for code, _rule in self.leaves[version.pk]]
            if codes:
                condition |= Q(date__gte=first, date__lte=last, indicator_code__in=codes)
        return condition

    def deducted(self) -> Any:
        whens = []
        for first, last, version in self.spans:
            by_per: dict[float, list[str]] = defaultdict(list)
            for code, rule in self.leaves[version.pk]:
                if rule.get("type") == "deduct":
                    by_per[float(rule.get("per") or 0.0)].append(code)
            for per, codes in by_per.items():
                amount = Coalesce(
                    F("points"), Value(per) * Coalesce(F("quantity"), Value(1.0)), Value(0.0)
                )
                whens.append(
                    When(Q(date__gte=first, date__lte=last, indicator_code__in=codes), then=amount)
                )
        return Case(*whens, default=Value(0.0), output_field=FloatField())


def month_of(day: datetime.date) -> datetime.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def _month_end(month: datetime.date) -> datetime.date:
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return following - datetime.timedelta(days=1)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``start``'s to ``end``'s, in order."""
    months, month = [], month_of(start)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _runs(months: list[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """Sorted months as date ranges of consecutive months."""
    runs: list[tuple[datetime.date, datetime.date]] = []
    for month in months:
        if runs and (runs[-1][1] + datetime.timedelta(days=1)) == month:
            runs[-1] = (runs[-1][0], _month_end(month))
        else:
            runs.append((month, _month_end(month)))
    return runs


def tallies_cover(
    *, framework: Framework, rules: ProblemRules, months: list[datetime.date]
) -> bool:
    """Whether the tallies hold every problem record of ``months`` (consecutive, in order;
    ``rules`` over a range holding them): each month is counted with the version in force
    today, or was never counted and has no approved record at all. Two queries at most."""
    if not months:
        return True
    stored = dict(
        ProblemTallyMonth.objects.filter(
            framework=framework, month__gte=months[0], month__lte=months[-1]
        ).values_list("month", "version_id")
    )
    if any(version != rules.version_on(month) for month, version in stored.items()):
        return False
    missing = [month for month in months if month not in stored]
    if not missing:
        return True
    dated = Q()
    for first, last in _runs(missing):
        dated |= Q(date__gte=first, date__lte=last)
    records = Record.objects.filter(dated, framework=framework, status=RecordStatus.APPROVED)
    return not records.exists()


def _insert_counted(
    framework: Framework,
    months: list[datetime.date],
    units: list[int] | None,
) -> None:
    """Count the problem records of ``months`` (of ``units`` only, when given) into new
    tally rows: one INSERT … SELECT grouped by month, unit, station and type."""
    runs = _runs(months)
    rules = ProblemRules(framework, runs[0][0], runs[-1][1])
    dated = Q()
    for first, last in runs:
        dated |= Q(date__gte=first, date__lte=last)
    records = Record.objects.filter(
        dated, rules.condition(), framework=framework, status=RecordStatus.APPROVED
    )
    if units is not None:
        records = records.filter(unit_id__in=units)
    grouped = (
        records.order_by()
        .annotate(tally_month=TruncMonth("date"), tally_points=rules.deducted())
        .values_list("tally_month", "unit_id", "station_id", "problem_type")
        .annotate(n=Count("pk"), p=Sum("tally_points"))
        .values_list("tally_month", "unit_id", "station_id", "problem_type", "n", "p")
    )
    select, params = grouped.query.sql_with_params()
    table = ProblemTally._meta.db_table
    columns = "framework_id, month, unit_id, station_id, problem_type, records, deducted"
    connection = connections[ProblemTally.objects.db]
    with connection.cursor() as cursor:
        # The framework as a literal (an int): a bare parameter in a SELECT list has no
        # type PostgreSQL could infer.
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {int(framework.pk)}, t.* FROM ({select}) t",
            params,
        )


@transaction.atomic
def problem_tallies_refresh(
    *,
    framework: Framework,
    dates: Iterable[datetime.date],
    units: Iterable[int] | None = None,
) -> None:
    """Recount the tallies of the months holding ``dates`` after their records changed.

    With ``units`` (the units whose records changed), a month already complete with the
    version in force keeps its other units' rows and only these units are recounted;
    a month never counted, counted with another version, or a change of more than
    ``UNIT_LIST_LIMIT`` units is recounted whole. Atomic; callers run it inside the
    transaction that changed the records, so records and tallies commit together."""
    months = sorted({month_of(day) for day in dates})
    if not months:
        return
    unit_ids = sorted(set(units)) if units is not None else None
    if unit_ids is not None and len(unit_ids) > UNIT_LIST_LIMIT:
        unit_ids = None
    versions = list(framework.versions.filter(status__in=IN_FORCE_STATUSES))
    wanted = {}
    for month in months:
        version = in_force_among(versions, month.year)
        wanted[month] = version.pk if version is not None else None
    stored = dict(
        ProblemTallyMonth.objects.filter(framework=framework, month__in=months).values_list(
            "month", "version_id"
        )
    )
    whole = [m for m in months if unit_ids is None or m not in stored or stored[m] != wanted[m]]
    partial = [m for m in months if m not in whole]
    if whole:
        ProblemTally.objects.filter(framework=framework, month__in=whole).delete()
        _insert_counted(framework, whole, None)
        ProblemTallyMonth.objects.filter(framework=framework, month__in=whole).delete()
        ProblemTallyMonth.objects.bulk_create(
            ProblemTallyMonth(framework=framework, month=m, version_id=wanted[m]) for m in whole
        )
    if partial and unit_ids:
        ProblemTally.objects.filter(
            framework=framework, month__in=partial, unit_id__in=unit_ids
        ).delete()
        _insert_counted(framework, partial, unit_ids)


@transaction.atomic
def problem_tallies_rebuild(*, framework: Framework) -> int:
    """Forget and recount every tally of ``framework``: every month from the first to the
    last holding an approved record (the months between too, so that a range over them
    is covered); the number of months counted."""
    ProblemTally.objects.filter(framework=framework).delete()
    ProblemTallyMonth.objects.filter(framework=framework).delete()
    dates = (
        Record.objects.filter(framework=framework, status=RecordStatus.APPROVED)
        .order_by()
        .annotate(m=TruncMonth("date"))
        .values_list("m", flat=True)
        .distinct()
    )
    held = sorted({month_of(day) for day in dates})
    months = months_between(held[0], held[-1]) if held else []
    if months:
        problem_tallies_refresh(framework=framework, dates=months)
    return len(months)
