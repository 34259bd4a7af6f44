"""Reads of records for the entry pages: which stations a clerk enters for, which
indicators a station owns, which units an indicator is entered for, and which records a
user may see or change. Everything derives from ``qingfeng.accounts.selectors``. Also
what scoring reads of them (``records_for_scoring``)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, FloatField, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import ROLE_CAPABILITIES, Capability, ScopeKind
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.framework.selectors import ordered_indicators, version_in_force, visible_frameworks
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station, Unit
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.periods import OpenDates
from qingfeng.scoring.inputs import ABSENT, RecordRow


def clerk_stations(user: Any) -> QuerySet[Station]:
    """Stations the user enters records for: the stations of their station-scope
    assignments granting ENTER_RECORDS; an administrator holding ENTER_RECORDS over a
    region (or everything) may pick any station they see there."""
    return scope.visible_stations(user, Capability.ENTER_RECORDS).select_related("region")


def leaves(version: FrameworkVersion) -> list[Indicator]:
    """The version's leaf indicators in tree order, each with ``applies`` set to the
    non-empty ``applies_to`` lists of itself and its ancestors (all must hold)."""
    found = []
    for node, applies in leaves_with_applies(ordered_indicators(version)):
        node.applies = applies  # type: ignore[attr-defined]
        found.append(node)
    return found


def leaves_with_applies(
    nodes: Sequence[Indicator],
) -> list[tuple[Indicator, tuple[frozenset[str], ...]]]:
    """The leaves among ``nodes`` (a whole version's, in tree order), each with the
    non-empty ``applies_to`` lists of itself and its ancestors (all must hold)."""
    by_pk = {node.pk: node for node in nodes}
    parents = {node.parent_id for node in nodes}
    found = []
    for node in nodes:
        if node.pk in parents:
            continue
        applies: list[frozenset[str]] = []
        current: Indicator | None = node
        while current is not None:
            if current.applies_to:
                applies.append(frozenset(str(code) for code in current.applies_to))
            current = by_pk.get(current.parent_id) if current.parent_id else None
        found.append((node, tuple(applies)))
    return found


def station_leaves(*, framework: Framework, station: Station, period: Period) -> list[Indicator]:
    """The leaves of the version in force for ``period`` whose data station is ``station``."""
    version = version_in_force(framework=framework, period=period)
    if version is None:
        return []
    return [leaf for leaf in leaves(version) if leaf.station_id == station.pk]


def self_assessed_leaves(*, framework: Framework, period: Period) -> list[Indicator]:
    """The self-assessed leaves of the version in force for ``period``."""
    version = version_in_force(framework=framework, period=period)
    if version is None:
        return []
    return [leaf for leaf in leaves(version) if leaf.self_assessed]


def applies_to_unit(leaf: Indicator, unit: Unit) -> bool:
    """Whether the leaf (from ``leaves``) applies to the unit's category."""
    code = unit.category.code
    return all(code in allowed for allowed in getattr(leaf, "applies", ()))


def entry_units(
    *, user: Any, framework: Framework, leaf: Indicator, station: Station | None
) -> list[Unit]:
    """Units a record of ``leaf`` may be entered for: active units the user acts on
    (ENTER_RECORDS, or SELF_ASSESS without a station), inside the framework's region and
    the station's, of a category the indicator applies to."""
    if station is None:
        units = scope.visible_units(user, Capability.SELF_ASSESS)
    else:
        units = scope.visible_units(user, Capability.ENTER_RECORDS).within(station.region)
    units = units.filter(active=True).within(framework.region)
    return [
        unit
        for unit in units.select_related("category", "region").order_by("code")
        if applies_to_unit(leaf, unit)
    ]


def entry_frameworks(user: Any, station: Station) -> list[Framework]:
    """Frameworks the user sees whose region contains the station (their units are
    assessed by them), by code."""
    from qingfeng.framework.selectors import visible_frameworks

    return [
        framework
        for framework in visible_frameworks(user).select_related("region").order_by("code")
        if framework.region.contains(station.region)
    ]


def visible_records(user: Any, capability: Capability = Capability.VIEW_ORG) -> QuerySet[Record]:
    """Records of the units the user sees (or acts on, with another capability)."""
    return Record.objects.filter(unit__in=scope.visible_units(user, capability))


def editable_records(user: Any) -> QuerySet[Record]:
    """The user's own draft or returned records of units they may still enter for (a
    station's units, or their own unit's self-assessment)."""
    entered = Q(
        self_assessment=False,
        unit__in=scope.visible_units(user, Capability.ENTER_RECORDS),
    )
    assessed = Q(
        self_assessment=True,
        unit__in=scope.visible_units(user, Capability.SELF_ASSESS),
    )
    return Record.objects.filter(
        entered | assessed,
        created_by=user,
        status__in=[RecordStatus.DRAFT, RecordStatus.RETURNED],
    )


# ---------------------------------------------------------------------------------------
# The home page's to-do lists (``qingfeng.core.selectors`` composes them per role)


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
    the station's indicators in it and the records dated in it, by status."""

    framework: Framework
    period: Period
    station: Station | None
    indicators: int
    counts: dict[str, int]

    @property
    def ends(self) -> datetime.date:
        """The period's last day."""
        return self.period.end

    @property
    def days_left(self) -> int:
        """Days from today to the period's last day (negative once it has passed)."""
        return (self.period.end - timezone.localdate()).days


def _status_counts(records: QuerySet[Record]) -> dict[str, int]:
    found = dict(records.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: found.get(status, 0) for status in RecordStatus.values}


def _dated_in(period: Period) -> Q:
    return Q(date__gte=period.start, date__lte=period.end)


def station_open_periods(user: Any) -> list[OpenPeriod]:
    """For each of the user's own stations (``station_scopes``), each framework it enters
    for with an open period in which the station owns indicators: the period, the number
    of those indicators and the station's records dated in it (units in the user's scope)."""
    units = scope.visible_units(user, Capability.ENTER_RECORDS).values("pk")
    dates: dict[int, OpenDates] = {}
    found = []
    for station in station_scopes(user):
        for framework in entry_frameworks(user, station):
            if framework.pk not in dates:
                dates[framework.pk] = OpenDates(framework)
            for period in dates[framework.pk].open_periods():
                leaves = station_leaves(framework=framework, station=station, period=period)
                if not leaves:
                    continue
                records = Record.objects.filter(
                    _dated_in(period), framework=framework, station=station, unit__in=units
                )
                found.append(
                    OpenPeriod(framework, period, station, len(leaves), _status_counts(records))
                )
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
class SelfAssessment:
    """A self-assessed indicator open for the user's units in a framework's open period,
    and the units that have already entered it (any status) for that period."""

    framework: Framework
    period: Period
    leaf: Indicator
    units: list[Unit]
    done: list[Unit]


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
            if not items:
                continue
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


def records_for_scoring(*, framework: Framework, period: Period) -> list[RecordRow]:
    """The approved records of ``framework`` dated within ``period``, as the rows scoring
    reads (``scoring.inputs.RecordRow``, absent numbers as ``ABSENT``), in no set order."""
    absent = Value(ABSENT, output_field=FloatField())
    query = Record.objects.filter(
        framework=framework,
        status=RecordStatus.APPROVED,
        date__gte=period.start,
        date__lte=period.end,
    ).values_list(
        "id",
        "unit_id",
        "indicator_code",
        Coalesce("points", absent),
        Coalesce("quantity", absent),
        Coalesce("value", absent),
        "grade",
    )
    # A raw cursor: these columns need none of Django's per-row converters, and skipping
    # its row iterator saves a quarter of the read at province scale (bench/recompute.py).
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
