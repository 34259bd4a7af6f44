"""Reads of nil returns for the pages: which ones a user sees (a clerk: their stations'; a
reviewer: those with a unit they review), the reviewer's queue, and what the filing form
shows for a station and a collection period (the tracked leaves, the units the station
answers for, and which cells already have records or a nil return)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework, Indicator
from qingfeng.framework.selectors import version_in_force
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station, Unit
from qingfeng.records.completeness import tracked_leaves
from qingfeng.records.models import (
    NIL_RETURN_ACTIVE,
    CollectionPeriod,
    NilReturn,
    NilReturnStatus,
    NilReturnUnit,
    PeriodStatus,
    Record,
)
from qingfeng.records.nil_returns import RECORD_STANDS, NilChecker
from qingfeng.records.selectors import clerk_stations


def _with_counts(query: QuerySet[NilReturn]) -> QuerySet[NilReturn]:
    return query.select_related("framework", "station", "created_by", "reviewed_by").annotate(
        unit_count=Count("lines")
    )


def station_nil_returns(*, user: Any, station: Station) -> QuerySet[NilReturn]:
    """The nil returns of a station the user enters records for (none otherwise), newest
    first, each with ``unit_count``."""
    if not clerk_stations(user).filter(pk=station.pk).exists():
        return NilReturn.objects.none()
    return _with_counts(NilReturn.objects.filter(station=station)).order_by("-created_at", "-pk")


def reviewable_nil_returns(user: Any) -> QuerySet[NilReturn]:
    """Nil returns with a unit the user reviews (none without the review capability)."""
    if not scope.has_capability(user, Capability.REVIEW_RECORDS):
        return NilReturn.objects.none()
    units = scope.visible_units(user, Capability.REVIEW_RECORDS).values("pk")
    return NilReturn.objects.filter(
        pk__in=NilReturnUnit.objects.filter(unit__in=units).values("nil_return_id")
    )


def visible_nil_returns(user: Any) -> QuerySet[NilReturn]:
    """The nil returns a user may open: their stations' (as a clerk) and those they review."""
    stations = clerk_stations(user).values("pk")
    reviewed = reviewable_nil_returns(user).values("pk")
    return NilReturn.objects.filter(Q(station__in=stations) | Q(pk__in=reviewed))


def nil_review_queue(user: Any) -> QuerySet[NilReturn]:
    """Submitted nil returns awaiting the user's review, oldest first, with ``unit_count``."""
    query = reviewable_nil_returns(user).filter(status=NilReturnStatus.SUBMITTED)
    return _with_counts(query).order_by("created_at", "pk")


def nil_review_count(user: Any) -> int:
    """How many nil returns await the user's review (the review queue's link and the
    reviewer's home page count them)."""
    return reviewable_nil_returns(user).filter(status=NilReturnStatus.SUBMITTED).count()


def station_tracked_leaves(
    *, framework: Framework, station: Station, period: Period
) -> list[Indicator]:
    """The station's tracked leaves (those that take a nil return) in the version in force
    for ``period``, in tree order."""
    version = version_in_force(framework=framework, period=period)
    if version is None:
        return []
    return [leaf for leaf in tracked_leaves(version) if leaf.station_id == station.pk]


def with_indicator_names(rows: list[NilReturn]) -> list[NilReturn]:
    """Set ``indicator_name`` on each nil return: its indicator's name in the version in
    force for its period ("" when none); one version read per framework and period."""
    names: dict[tuple[int, str], dict[str, str]] = {}
    for row in rows:
        key = (row.framework_id, row.period)
        if key not in names:
            version = version_in_force(framework=row.framework, period=Period.parse(row.period))
            names[key] = (
                {leaf.code: leaf.name for leaf in tracked_leaves(version)} if version else {}
            )
        row.indicator_name = names[key].get(row.indicator_code, "")  # type: ignore[attr-defined]
    return rows


@dataclass
class FormUnit:
    """A unit on the filing form: which of the station's leaves it answers to, and which
    of those already have a standing record or an active nil return for the period."""

    unit: Unit
    codes: list[str]
    recorded: list[str] = field(default_factory=list)
    nil: list[str] = field(default_factory=list)

    @property
    def free(self) -> bool:
        """Neither records nor a nil return on any of its leaves: checked by default."""
        return not self.recorded and not self.nil


def nil_form_units(
    *,
    user: Any,
    framework: Framework,
    station: Station,
    period: Period,
    leaves: list[Indicator],
) -> list[FormUnit]:
    """The units the station answers for on any of ``leaves`` (and the user enters records
    for), by code, each with its cells' state for ``period`` (two queries)."""
    checker = NilChecker(
        framework=framework,
        station=station,
        unit_scope=scope.visible_units(user, Capability.ENTER_RECORDS),
    )
    by_unit: dict[int, FormUnit] = {}
    for leaf in leaves:
        for unit in checker.answered(leaf):
            by_unit.setdefault(unit.pk, FormUnit(unit, [])).codes.append(leaf.code)
    codes = [leaf.code for leaf in leaves]
    recorded: dict[int, set[str]] = defaultdict(set)
    for unit_id, code in Record.objects.filter(
        framework=framework,
        indicator_code__in=codes,
        unit__in=list(by_unit),
        status__in=list(RECORD_STANDS),
        date__gte=period.start,
        date__lte=period.end,
    ).values_list("unit_id", "indicator_code"):
        recorded[unit_id].add(code)
    nil: dict[int, set[str]] = defaultdict(set)
    for unit_id, code in NilReturnUnit.objects.filter(
        framework=framework,
        period=str(period),
        indicator_code__in=codes,
        unit__in=list(by_unit),
        nil_return__status__in=list(NIL_RETURN_ACTIVE),
    ).values_list("unit_id", "indicator_code"):
        nil[unit_id].add(code)
    rows = sorted(by_unit.values(), key=lambda row: row.unit.code)
    for row in rows:
        row.recorded = [code for code in row.codes if code in recorded[row.unit.pk]]
        row.nil = [code for code in row.codes if code in nil[row.unit.pk]]
    return rows


def default_period(*, framework: Framework, periods: list[Period]) -> Period:
    """The nil return form's period when none is chosen (``periods``: the framework's open
    collection periods, in order): the earliest one past its entry deadline, since a late
    station most likely comes for that one; else the latest."""
    overdue = set(
        CollectionPeriod.objects.filter(
            framework=framework,
            status=PeriodStatus.OPEN,
            entry_deadline__lt=timezone.localdate(),
        ).values_list("period", flat=True)
    )
    return next((p for p in periods if str(p) in overdue), periods[-1])
