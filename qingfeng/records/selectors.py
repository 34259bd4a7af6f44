"""Reads of records for the entry pages: which stations a clerk enters for, which
indicators a station owns, which units an indicator is entered for, and which records a
user may see or change. Everything derives from ``qingfeng.accounts.selectors``. Also
what scoring reads of them (``records_for_scoring``), and the one rule of whether a
period's results are complete and may be compared with another's (``PeriodStates``)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import FloatField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.framework.selectors import ordered_indicators, version_in_force
from qingfeng.lib.periods import Period, period_label
from qingfeng.org.models import Station, Unit
from qingfeng.records.models import CollectionPeriod, PeriodStatus, Record, RecordStatus
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


# ---------------------------------------------------------------- complete and comparable


@dataclass(frozen=True)
class PeriodState:
    """Whether a period's results are final and whole.

    ``open``: the period has not ended, or some of its dates are still open for entry (an
    open collection period overlaps it and no closed one covers those dates): its results
    may still change ("采集中，数据不完整"). ``covered``: the framework's data (its
    earliest approved record, or its earliest collection period) begins before the
    period's midpoint, so most of the period was collected; the demo's 2024 and 2024H2,
    whose records begin in October, are not. ``reasons`` says why in words."""

    period: Period
    open: bool
    covered: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Closed and covered from start to end: its totals may be compared."""
        return not self.open and self.covered


@dataclass(frozen=True)
class Comparison:
    """Whether a change from ``previous`` to ``period`` may be computed, and if not why."""

    period: Period
    previous: Period
    reason: str = ""  # the whole reason, in words; "" when the change may be computed
    short: str = ""  # the same in a few words, for a figure's caption

    @property
    def ok(self) -> bool:
        return not self.reason


class PeriodStates:
    """The one rule, for every page, of whether a framework's period is open, complete and
    comparable with another: the framework's collection periods and its first data date
    are read once, then any number of periods are answered without a query."""

    def __init__(self, framework: Framework, *, today: datetime.date | None = None) -> None:
        self.framework = framework
        self.today = today or timezone.localdate()

    @cached_property
    def _collection(self) -> list[tuple[Period, str]]:
        rows = CollectionPeriod.objects.filter(framework=self.framework).values_list(
            "period", "status"
        )
        found = []
        for text, status in rows:
            try:
                found.append((Period.parse(text), status))
            except ValueError:  # a stored text that is not a period opens nothing
                continue
        return found

    @cached_property
    def first_data(self) -> datetime.date | None:
        """The earliest date the framework has data for: its first approved record or the
        start of its first collection period, whichever is earlier."""
        first = (
            Record.objects.filter(framework=self.framework, status=RecordStatus.APPROVED)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
        starts = [p.start for p, _status in self._collection]
        candidates = [d for d in [first, *starts] if d is not None]
        return min(candidates) if candidates else None

    def _open_collection(self, period: Period) -> Period | None:
        """An open collection period with a date inside ``period`` that no closed
        collection period covers (that date still takes records); None when there is
        none."""
        closed = [p for p, status in self._collection if status == PeriodStatus.CLOSED]
        for other, status in sorted(self._collection):
            if status != PeriodStatus.OPEN:
                continue
            day = max(other.start, period.start)
            last = min(other.end, period.end)
            while day <= last:
                if not any(c.contains(day) for c in closed):
                    return other
                day += datetime.timedelta(days=1)
        return None

    def state(self, period: Period | str) -> PeriodState:
        """The period's state, with the reasons it is open or not covered."""
        if not isinstance(period, Period):
            period = Period.parse(period)
        reasons = []
        ended = period.end < self.today
        if not ended:
            reasons.append(
                _("%(period)s ends on %(end)s.")
                % {"period": period_label(period), "end": period.end.isoformat()}
            )
        collecting = self._open_collection(period)
        if collecting is not None:
            reasons.append(
                _("The collection period %(collection)s is still open.")
                % {"collection": period_label(collecting)}
            )
        first = self.first_data
        # Covered when the data began before the period's midpoint: more than half of it
        # was collected (a year whose data begins in October is not; a quarter whose first
        # record is dated in its second month is).
        days = (period.end - period.start).days + 1
        midpoint = period.start + datetime.timedelta(days=days // 2)
        covered = first is not None and first < midpoint
        if first is not None and not covered:
            reasons.append(
                _("Data begins on %(first)s, after %(period)s began (%(start)s).")
                % {
                    "first": first.isoformat(),
                    "period": period_label(period),
                    "start": period.start.isoformat(),
                }
            )
        elif first is None:
            reasons.append(_("The framework has no approved records yet."))
        return PeriodState(
            period=period,
            open=not ended or collecting is not None,
            covered=covered,
            reasons=reasons,
        )

    def open_periods(self, periods: Sequence[str]) -> set[str]:
        """Those of ``periods`` (codes) that are open."""
        return {p for p in periods if self.state(p).open}

    def choices(self, periods: Sequence[str]) -> list[tuple[str, str]]:
        """(code, words) for a period picker: each period in words, an open one marked
        "collecting" and an ended one not covered from start to end "data incomplete"."""
        found = []
        for code in periods:
            state = self.state(code)
            words = period_label(code)
            if state.open:
                words = f"{words} · {_('collecting')}"
            elif not state.covered:
                words = f"{words} · {_('data incomplete')}"
            found.append((code, words))
        return found

    def comparison(self, *, period: Period | str, previous: Period | str) -> Comparison:
        """May ``period`` be compared with ``previous``? Only periods of the same kind (a
        year with a year) that are both complete; otherwise the reason, in words."""
        if not isinstance(period, Period):
            period = Period.parse(period)
        if not isinstance(previous, Period):
            previous = Period.parse(previous)
        reason = short = ""
        if period.kind != previous.kind:
            reason = short = _("%(period)s and %(previous)s are not periods of the same kind.") % {
                "period": period_label(period),
                "previous": period_label(previous),
            }
        else:
            for state in (self.state(period), self.state(previous)):
                if not state.complete:
                    words = {"period": period_label(state.period), "why": " ".join(state.reasons)}
                    reason = _("%(period)s is incomplete: %(why)s") % words
                    short = (
                        _("%(period)s is still being collected") % words
                        if state.open
                        else _("%(period)s is not covered from start to end") % words
                    )
                    break
        return Comparison(period=period, previous=previous, reason=reason, short=short)


def period_state(*, framework: Framework, period: Period | str) -> PeriodState:
    """One period's state (``PeriodStates`` answers many periods with the same reads)."""
    return PeriodStates(framework).state(period)


def period_comparison(
    *, framework: Framework, period: Period | str, previous: Period | str
) -> Comparison:
    """Whether a change between two periods may be computed (``PeriodStates.comparison``)."""
    return PeriodStates(framework).comparison(period=period, previous=previous)
