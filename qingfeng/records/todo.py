"""Reads of the home page's to-do lists about records (``qingfeng.core.selectors``
composes them per role): the user's own records by status and the returned ones to
correct, a clerk's open collection periods, the periods of a region, the review queue by
station, and a liaison's open self-assessments. Everything goes through the user's scope
(``accounts.selectors``) and the entry pages' own reads (``records.selectors``), so a
count equals what the page it links to lists; each read costs a fixed number of queries
whatever the number of units."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import ROLE_CAPABILITIES, Capability, ScopeKind
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.framework.selectors import ordered_indicators, version_in_force, visible_frameworks
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station, Unit
from qingfeng.records.completeness import (
    UnitIndex,
    is_tracked,
    leaf_applies,
    nil_pairs,
    record_pairs,
    station_regions,
)
from qingfeng.records.models import (
    NIL_RETURN_ACTIVE,
    CollectionPeriod,
    NilReturnStatus,
    NilReturnUnit,
    PeriodStatus,
    Record,
    RecordStatus,
)
from qingfeng.records.periods import OpenDates
from qingfeng.records.selectors import (
    applies_to_unit,
    clerk_stations,
    editable_records,
    entry_frameworks,
    leaves,
    self_assessed_leaves,
    visible_records,
)


def own_record_counts(user: Any) -> dict[str, int]:
    """The user's own records by status (every status present, 0 when none): what "my
    records" lists under each status filter, counted in one query."""
    found = dict(
        visible_records(user)
        .filter(created_by=user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return {status: found.get(status, 0) for status in RecordStatus.values}


def returned_records(user: Any, *, limit: int) -> list[Record]:
    """The user's returned records they may still correct, most recently returned first
    (the first ``limit``), with their unit and framework, and ``indicator_name`` set to
    the name the indicator has in the version in force for the record's year ("" when
    it has none there)."""
    found = list(
        editable_records(user)
        .filter(status=RecordStatus.RETURNED)
        .select_related("unit", "framework")
        .order_by(F("reviewed_at").desc(nulls_last=True), "-pk")[:limit]
    )
    names: dict[tuple[int, int], dict[str, str]] = {}
    for record in found:
        key = (record.framework_id, record.date.year)
        if key not in names:
            version = version_in_force(
                framework=record.framework, period=Period(record.date.year, "Y", 1)
            )
            nodes = ordered_indicators(version) if version is not None else []
            names[key] = {node.code: node.name for node in nodes}
        record.indicator_name = names[key].get(record.indicator_code, "")  # type: ignore[attr-defined]
    return found


def station_scopes(user: Any) -> list[Station]:
    """The stations the user enters records for through a station scope (a station clerk's
    own stations, not every station of an administrator's region), by code."""
    named = [
        a.station_id
        for a in scope.user_assignments(user)
        if a.scope_kind == ScopeKind.STATION
        and a.station_id
        and Capability.ENTER_RECORDS in ROLE_CAPABILITIES[a.role]
    ]
    if not named:
        return []
    return list(clerk_stations(user).filter(pk__in=named).order_by("code"))


@dataclass
class OpenPeriod:
    """An open collection period of a framework, as one station (or one region) sees it:
    the station's indicators in it and the records dated in it, by status; with its
    deadlines and, for a station, the cells (unit × tracked indicator) it still owes."""

    framework: Framework
    period: Period
    station: Station | None
    indicators: int
    counts: dict[str, int]
    entry_deadline: datetime.date | None = None
    review_deadline: datetime.date | None = None
    owed: StationOwed | None = None

    @property
    def ends(self) -> datetime.date:
        """The period's last day."""
        return self.period.end

    @property
    def days_left(self) -> int:
        """Days from today to the entry deadline (the period's last day when it has
        none); negative once it has passed."""
        return ((self.entry_deadline or self.period.end) - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        """Days since the entry deadline passed (0 while it has not)."""
        return max(-self.days_left, 0)


@dataclass
class StationOwed:
    """A station's cells (unit × tracked indicator it answers for) in one collection
    period: how many, and how many it still owes (neither a record, approved or awaiting
    review, dated in the period nor a nil return filed or approved)."""

    cells: int
    owed: int
    units: int  # the units with at least one owed cell
    leaves: int  # the tracked indicators with at least one owed cell


class OwedCells:
    """What stations still owe per collection period, on the completeness rules
    (``records.completeness``). Loads each framework's units and each collection period's
    entered cells once, so a page or a reminder run over many stations stays cheap."""

    def __init__(self) -> None:
        self._units: dict[int, tuple[UnitIndex, list[str]]] = {}
        self._done: dict[tuple[int, str], set[tuple[int, str]]] = {}
        self._versions: dict[tuple[int, str], FrameworkVersion | None] = {}
        self._leaves: dict[int, list[Indicator]] = {}
        self._regions: dict[int, str] = {}

    def _framework_units(self, framework: Framework) -> tuple[UnitIndex, list[str]]:
        """The framework's units (its region's active units; frameworks of one region
        share them) and their category codes."""
        if framework.region_id not in self._units:
            rows = sorted(
                Unit.objects.within(framework.region)
                .filter(active=True)
                .values_list("pk", "category__code")
            )
            ids = np.array([pk for pk, _category in rows], dtype=np.int64)
            self._units[framework.region_id] = (UnitIndex.of(ids), [c for _pk, c in rows])
        return self._units[framework.region_id]

    def _entered(self, framework: Framework, period: Period) -> set[tuple[int, str]]:
        key = (framework.pk, str(period))
        if key not in self._done:
            records = record_pairs(
                framework=framework,
                start=period.start,
                end=period.end,
                statuses=(RecordStatus.APPROVED, RecordStatus.SUBMITTED),
            )
            nils = nil_pairs(framework=framework, period=period, statuses=NIL_RETURN_ACTIVE)
            self._done[key] = set(records) | set(nils)
        return self._done[key]

    def station_leaves(
        self, *, framework: Framework, station: Station, period: Period
    ) -> list[Indicator]:
        """``records.selectors.station_leaves``, each version's leaves read once."""
        key = (framework.pk, str(period))
        if key not in self._versions:
            self._versions[key] = version_in_force(framework=framework, period=period)
        version = self._versions[key]
        if version is None:
            return []
        if version.pk not in self._leaves:
            self._leaves[version.pk] = leaves(version)
        return [leaf for leaf in self._leaves[version.pk] if leaf.station_id == station.pk]

    def of(self, *, framework: Framework, station: Station, period: Period) -> StationOwed:
        """The station's cells in the collection period ``period`` and those it owes."""
        tracked = [
            leaf
            for leaf in self.station_leaves(framework=framework, station=station, period=period)
            if is_tracked(leaf)
        ]
        if not tracked:
            return StationOwed(0, 0, 0, 0)
        index, categories = self._framework_units(framework)
        if station.pk not in self._regions:
            self._regions.update(station_regions([station.pk]))
        inside = index.within(self._regions[station.pk])
        entered = self._entered(framework, period)
        cells = 0
        owed_units: set[int] = set()
        owed_leaves: set[str] = set()
        owed = 0
        for leaf in tracked:
            for row in np.flatnonzero(inside).tolist():
                if not leaf_applies(leaf, categories[row]):
                    continue
                cells += 1
                unit = int(index.ids[row])
                if (unit, leaf.code) not in entered:
                    owed += 1
                    owed_units.add(unit)
                    owed_leaves.add(leaf.code)
        return StationOwed(cells, owed, len(owed_units), len(owed_leaves))


def _status_counts(records: QuerySet[Record]) -> dict[str, int]:
    found = dict(records.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: found.get(status, 0) for status in RecordStatus.values}


def _dated_in(period: Period) -> Q:
    return Q(date__gte=period.start, date__lte=period.end)


def _open_collections(framework: Framework) -> list[CollectionPeriod]:
    """The framework's open collection periods, by period."""
    found = CollectionPeriod.objects.filter(framework=framework, status=PeriodStatus.OPEN)
    return sorted(found, key=lambda c: Period.parse(c.period))


def station_open_periods(user: Any, *, owed: OwedCells | None = None) -> list[OpenPeriod]:
    """For each of the user's own stations (``station_scopes``), each framework it enters
    for with an open period in which the station owns indicators: the period, its
    deadlines, the number of those indicators, the station's records dated in it (units
    in the user's scope) and the cells it still owes (``OwedCells``); the earliest entry
    deadline first (what is due first). A period past its entry deadline is left out
    once the station owes nothing in it."""
    units = scope.visible_units(user, Capability.ENTER_RECORDS).values("pk")
    owed = owed or OwedCells()
    today = timezone.localdate()
    collections: dict[int, list[CollectionPeriod]] = {}
    found = []
    for station in station_scopes(user):
        for framework in entry_frameworks(user, station):
            if framework.pk not in collections:
                collections[framework.pk] = _open_collections(framework)
            for collection in collections[framework.pk]:
                period = Period.parse(collection.period)
                own = owed.station_leaves(framework=framework, station=station, period=period)
                if not own:
                    continue
                records = Record.objects.filter(
                    _dated_in(period), framework=framework, station=station, unit__in=units
                )
                station_owed = owed.of(framework=framework, station=station, period=period)
                if collection.entry_deadline < today and not station_owed.owed:
                    continue  # past its deadline with nothing owed: no longer to do
                found.append(
                    OpenPeriod(
                        framework,
                        period,
                        station,
                        len(own),
                        _status_counts(records),
                        entry_deadline=collection.entry_deadline,
                        review_deadline=collection.review_deadline,
                        owed=station_owed,
                    )
                )
    found.sort(key=lambda p: (p.entry_deadline or p.period.end, p.framework.code, p.period))
    return found


def region_open_periods(user: Any) -> list[OpenPeriod]:
    """The open periods of the frameworks assessing the units over which the user manages
    collection periods (their region's frameworks, and a city's or province's that assess
    it), each with the records dated in it over those units, by status."""
    units = scope.visible_units(user, Capability.MANAGE_PERIODS).values("pk")
    frameworks = visible_frameworks(user, Capability.MANAGE_PERIODS).order_by("code")
    found = []
    for framework in frameworks:
        for period in OpenDates(framework).open_periods():
            records = Record.objects.filter(_dated_in(period), framework=framework, unit__in=units)
            found.append(OpenPeriod(framework, period, None, 0, _status_counts(records)))
    return found


@dataclass
class QueueStation:
    """The review queue's submitted records of one station (None: self-assessments)."""

    station: Station | None
    count: int
    oldest: datetime.datetime | None  # when the longest-waiting one was submitted


def review_queue_by_station(user: Any) -> list[QueueStation]:
    """The review queue (submitted records of the units the user reviews, from any station)
    counted per station, the largest first; empty without the review capability."""
    if not scope.has_capability(user, Capability.REVIEW_RECORDS):
        return []
    units = scope.visible_units(user, Capability.REVIEW_RECORDS)
    rows = list(
        Record.objects.filter(status=RecordStatus.SUBMITTED, unit__in=units.values("pk"))
        .order_by()
        .values_list("station_id")
        .annotate(n=Count("pk"), oldest=Min("submitted_at"))
    )
    stations = Station.objects.in_bulk([pk for pk, _n, _oldest in rows if pk is not None])
    found = [QueueStation(stations.get(pk) if pk else None, n, oldest) for pk, n, oldest in rows]
    found.sort(key=lambda row: (-row.count, row.station.code if row.station else ""))
    return found


@dataclass
class ReviewDue:
    """An open collection period with submitted records or nil returns waiting for the
    user's review, and its review deadline."""

    framework: Framework
    period: Period
    review_deadline: datetime.date
    records: int
    nil_returns: int

    @property
    def days_left(self) -> int:
        """Days from today to the review deadline (negative once it has passed)."""
        return (self.review_deadline - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        """Days since the review deadline passed (0 while it has not)."""
        return max(-self.days_left, 0)


def review_due(user: Any) -> list[ReviewDue]:
    """The open collection periods in which submitted records (dated in the period) or
    nil returns (of the period) of the units the user reviews wait, the earliest review
    deadline first; empty without the review capability."""
    if not scope.has_capability(user, Capability.REVIEW_RECORDS):
        return []
    units = scope.visible_units(user, Capability.REVIEW_RECORDS).values("pk")
    waiting = Record.objects.filter(status=RecordStatus.SUBMITTED, unit__in=units)
    nils: dict[tuple[int, str], int] = {
        (framework, period): n
        for framework, period, n in NilReturnUnit.objects.filter(
            nil_return__status=NilReturnStatus.SUBMITTED, unit__in=units
        )
        .order_by()
        .values("framework_id", "period")
        .annotate(n=Count("nil_return", distinct=True))
        .values_list("framework_id", "period", "n")
    }
    frameworks = set(waiting.order_by().values_list("framework_id", flat=True).distinct())
    frameworks |= {framework for framework, _period in nils}
    found = []
    collections = CollectionPeriod.objects.filter(
        framework__in=frameworks, status=PeriodStatus.OPEN
    ).select_related("framework")
    for collection in collections:
        period = Period.parse(collection.period)
        records = waiting.filter(_dated_in(period), framework=collection.framework).count()
        nil_returns = nils.get((collection.framework_id, collection.period), 0)
        if records or nil_returns:
            found.append(
                ReviewDue(
                    collection.framework,
                    period,
                    collection.review_deadline,
                    records,
                    nil_returns,
                )
            )
    found.sort(key=lambda due: (due.review_deadline, due.framework.code, due.period))
    return found


@dataclass
class SelfAssessment:
    """A self-assessed indicator open for the user's units in a framework's open period,
    and the units that have already entered it (any status) for that period."""

    framework: Framework
    period: Period
    leaf: Indicator
    units: list[Unit]
    done: list[Unit]


def self_assessed_items(
    *, user: Any, units: list[Unit]
) -> list[tuple[Framework, Period, list[tuple[Indicator, list[Unit]]]]]:
    """For each visible framework's open periods, the self-assessed leaves with those of
    ``units`` they apply to (leaves applying to none left out; periods without any too):
    what the self-assessment page lists and the home page counts."""
    found = []
    for framework in visible_frameworks(user).select_related("region").order_by("code"):
        for period in OpenDates(framework).open_periods():
            items = []
            for leaf in self_assessed_leaves(framework=framework, period=period):
                applies = [
                    unit
                    for unit in units
                    if unit.is_within(framework.region) and applies_to_unit(leaf, unit)
                ]
                if applies:
                    items.append((leaf, applies))
            if items:
                found.append((framework, period, items))
    return found


def open_self_assessments(user: Any) -> list[SelfAssessment]:
    """The self-assessed indicators of each visible framework's open periods that apply to
    the user's own units (``accounts.selectors.own_units`` with the self-assessment
    capability: a liaison's unit, not every unit of an administrator's region), as the
    self-assessment page lists them, each with the units that already have a
    self-assessment record of it dated in the period."""
    units = list(
        scope.own_units(user, Capability.SELF_ASSESS)
        .filter(active=True)
        .select_related("category", "region")
        .order_by("code")
    )
    found = []
    for framework, period, items in self_assessed_items(user=user, units=units):
        entered = set(
            Record.objects.filter(
                _dated_in(period),
                framework=framework,
                self_assessment=True,
                unit__in=[unit.pk for unit in units],
            ).values_list("indicator_code", "unit_id")
        )
        for leaf, applies in items:
            done = [unit for unit in applies if (leaf.code, unit.pk) in entered]
            found.append(SelfAssessment(framework, period, leaf, applies, done))
    return found
