"""Rates fed into ``rate`` indicators as records: what the problem ledger's feed
(``rectification.feedback``) and the two-responsibilities feed (``duties.feed``) share.

A feed names, per framework, the rate leaves it fills. For an ended period each such leaf
gets one record per applicable unit of the framework's region that has something due:
``rate = on time ÷ due`` (``UnitRate``), on the rule's scale (``rate_value``); a unit with
nothing due gets no record (the leaf is *not assessed* for it, not 0/0). The records are
approved, dated the period's last day, of the leaf's data station, with an external id
``<prefix><framework>:<indicator>:<period>:<unit>``, written with the records services'
own checks (``validate_records``) and insertion (``records_insert``); then the period's
scores are recomputed (``recompute_after_change``), all in one transaction. A rerun adds
nothing; a changed rate updates its record with history; a unit with nothing due any more
loses its record. A period whose collection is closed is left as it was closed unless
``allow_closed``. What differs between feeds (how a unit's rate is counted, the note's
words, the prefix) is passed in.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework, FrameworkVersion, Indicator, RuleType
from qingfeng.framework.selectors import ordered_indicators, version_in_force
from qingfeng.lib.history import stamp
from qingfeng.lib.periods import Period, period_label, periods_containing
from qingfeng.lib.tabular import Issues, RawItem
from qingfeng.org.models import Unit
from qingfeng.records.imports import RecordChecker, validate_records
from qingfeng.records.models import Record, RecordSource, RecordStatus
from qingfeng.records.periods import OpenDates
from qingfeng.records.rescore import recompute_after_change
from qingfeng.records.selectors import leaves_with_applies
from qingfeng.records.storage import records_insert

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

_EXTERNAL_MAX = 100


@dataclass
class UnitRate:
    """One unit's count for one indicator and period."""

    due: int = 0
    on_time: int = 0


@dataclass
class FeedResult:
    """What one feeding did: records created, updated, deleted, left as they were, and
    why an indicator was left out (in words)."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass
class FeedRun:
    """One feeding of a framework's period, for the daily run's report."""

    framework: str
    period: str
    result: FeedResult


@dataclass(frozen=True)
class FedLeaf:
    """One leaf a feed fills, and how to count the units' rates for it: ``rates(units=…)``
    with the units the leaf applies to."""

    indicator_code: str
    rates: Callable[..., dict[int, UnitRate]]


@dataclass(frozen=True)
class FeedKind:
    """What tells one feed's records apart: the external ids' prefix (e.g. ``ledger:``),
    the history's change reason and the note written on each record."""

    prefix: str
    change_reason: str
    note: Callable[[UnitRate, Period], str]


def fed_external_id(
    *, prefix: str, framework: Framework, indicator_code: str, period: Period, unit: Unit
) -> str:
    """The external id of a fed record (a digest when the codes make it too long)."""
    key = f"{prefix}{framework.code}:{indicator_code}:{period}:{unit.code}"
    if len(key) <= _EXTERNAL_MAX:
        return key
    return prefix + hashlib.sha1(key.encode()).hexdigest()


def rate_value(indicator: Indicator, rate: UnitRate) -> float:
    """The record's value on the rule's scale (percent when ``full_at`` > 1)."""
    fraction = rate.on_time / rate.due
    full_at = float((indicator.rule or {}).get("full_at") or 1)
    return round(100 * fraction if full_at > 1 else fraction, 4)


def version_to_feed(*, framework: Framework, period: Period) -> FrameworkVersion:
    """The version in force for ``period``; ValidationError when there is none."""
    version = version_in_force(framework=framework, period=period)
    if version is None:
        raise ValidationError(
            _('The framework "%(framework)s" has no published version for %(period)s.')
            % {"framework": framework.code, "period": period_label(period)}
        )
    return version


def feed_rate_leaves(
    *,
    framework: Framework,
    period: Period,
    leaves: list[FedLeaf],
    kind: FeedKind,
    actor: User | None,
    allow_closed: bool,
) -> FeedResult:
    """Write the fed records of ``leaves`` for the ended ``period`` and recompute its
    scores (see the module's docstring). The caller has checked that the period ended."""

    def values_of(leaf: FedLeaf, indicator: Indicator, units: list[Unit]) -> dict[int, FedValue]:
        return {
            unit_pk: FedValue(rate_value(indicator, rate), kind.note(rate, period))
            for unit_pk, rate in leaf.rates(units=units).items()
        }

    return _feed(
        framework=framework,
        period=period,
        leaves=[(leaf.indicator_code, partial(values_of, leaf)) for leaf in leaves],
        rule_types=frozenset({"rate"}),
        prefix=kind.prefix,
        change_reason=kind.change_reason,
        actor=actor,
        allow_closed=allow_closed,
    )


@dataclass(frozen=True)
class FedValue:
    """One unit's fed value on a leaf (on the rule's own scale) and the record's note."""

    value: float
    note: str


def feed_values(
    *,
    framework: Framework,
    period: Period,
    indicator_code: str,
    values: Mapping[int, FedValue],
    rule_types: frozenset[str],
    prefix: str,
    change_reason: str,
    actor: User | None,
    allow_closed: bool = False,
) -> FeedResult:
    """Write one record per unit of ``values`` (unit pk → value) on the leaf
    ``indicator_code`` for ``period``, dated its last day, with external ids starting with
    ``prefix``, and recompute the period, all in one transaction; what the surveys'
    campaigns and evaluations write when they close. The leaf's rule must be one of
    ``rule_types``; units the leaf does not apply to are left out. A rerun adds nothing;
    a changed value updates its record with history; a unit no longer in ``values`` loses
    its earlier record of this prefix."""
    return _feed(
        framework=framework,
        period=period,
        leaves=[(indicator_code, lambda _indicator, _units: dict(values))],
        rule_types=rule_types,
        prefix=prefix,
        change_reason=change_reason,
        actor=actor,
        allow_closed=allow_closed,
    )


def _feed(
    *,
    framework: Framework,
    period: Period,
    leaves: list[tuple[str, Callable[[Indicator, list[Unit]], dict[int, FedValue]]]],
    rule_types: frozenset[str],
    prefix: str,
    change_reason: str,
    actor: User | None,
    allow_closed: bool,
) -> FeedResult:
    """The one writer of fed records behind ``feed_rate_leaves`` and ``feed_values``."""
    version = version_to_feed(framework=framework, period=period)
    result = FeedResult()
    if not leaves:
        return result
    with translation.override(settings.LANGUAGE_CODE):
        if not allow_closed and OpenDates(framework).closed_period(period.end) is not None:
            result.notes.append(
                _("%(period)s: the collection period is closed; its records are left as closed.")
                % {"period": period_label(period)}
            )
            return result
        tree = {
            node.code: (node, applies)
            for node, applies in leaves_with_applies(ordered_indicators(version))
        }
        units = list(
            Unit.objects.filter(active=True)
            .within(framework.region)
            .select_related("category")
            .order_by("code")
        )
        with transaction.atomic():
            for indicator_code, values_of in leaves:
                found = tree.get(indicator_code)
                if found is None or (found[0].rule or {}).get("type") not in rule_types:
                    result.notes.append(
                        _('Indicator "%(code)s" of %(version)s not fed: its rule is not %(types)s.')
                        % {
                            "code": indicator_code,
                            "version": version,
                            "types": "、".join(str(RuleType(t).label) for t in sorted(rule_types)),
                        }
                    )
                    continue
                indicator, applies = found
                applicable = [
                    unit
                    for unit in units
                    if all(unit.category.code in allowed for allowed in applies)
                ]
                _feed_leaf(
                    framework=framework,
                    indicator=indicator,
                    period=period,
                    units=applicable,
                    values=values_of(indicator, applicable),
                    prefix=prefix,
                    change_reason=change_reason,
                    actor=actor,
                    result=result,
                )
            if result.changed:
                recompute_after_change(framework=framework, dates=[period.end])
    return result


def _feed_leaf(
    *,
    framework: Framework,
    indicator: Indicator,
    period: Period,
    units: list[Unit],
    values: Mapping[int, FedValue],
    prefix: str,
    change_reason: str,
    actor: User | None,
    result: FeedResult,
) -> None:
    """Create, update or delete one indicator's fed records for the period."""
    # The fed records of this leaf and period (dated its last day), by external id.
    existing = {
        record.external_id: record
        for record in Record.objects.filter(
            framework=framework,
            indicator_code=indicator.code,
            date=period.end,
            external_id__startswith=prefix,
        )
    }
    fresh: list[tuple[RawItem, str]] = []
    # A direct leaf's record carries points; the other fed rules (rate, survey) a value.
    field = "points" if (indicator.rule or {}).get("type") == "direct" else "value"
    for unit in units:
        ident = fed_external_id(
            prefix=prefix,
            framework=framework,
            indicator_code=indicator.code,
            period=period,
            unit=unit,
        )
        fed = values.get(unit.pk)
        record = existing.get(ident)
        if fed is None:
            if record is not None:
                stamp(record, actor)
                record.delete()
                result.deleted += 1
            continue
        value, note = fed.value, fed.note
        if record is None:
            items = {
                "unit": unit.code,
                "indicator": indicator.code,
                "date": period.end,
                field: value,
                "note": note,
            }
            fresh.append((RawItem(len(fresh) + 2, items), ident))
        elif getattr(record, field) != value or record.note != note:
            setattr(record, field, value)
            record.note = note
            record.full_clean()
            stamp(record, actor)
            record.save()
            result.updated += 1
        else:
            result.unchanged += 1
    if not fresh:
        return
    issues = Issues()
    checker = RecordChecker(framework=framework, station=indicator.station)
    rows = validate_records(
        rows=[item for item, _id in fresh],
        checker=checker,
        issues=issues,
        status=RecordStatus.APPROVED,
        source=RecordSource.IMPORTED,
    )
    if issues:
        # The units and the leaf were chosen to pass these checks: a value out of the
        # rule's bounds is refused with the record checker's own words.
        raise ValidationError([str(issue) for issue in issues.items])
    for row, (_item, external) in zip(rows, fresh, strict=True):
        row["external_id"] = external
        row["created_by_id"] = None if actor is None else actor.pk
    records_insert(rows=rows, history_user=actor, change_reason=change_reason)
    result.created += len(rows)


def ended_periods(*, kind: str, today: datetime.date, back: int = 366) -> list[Period]:
    """The periods of ``kind`` (Q, H or Y) that ended before ``today`` within the last
    ``back`` days, oldest first: what the daily run feeds again (late imports and
    extensions move what is due between periods)."""
    current = next(p for p in periods_containing(today) if p.kind == kind)
    periods: list[Period] = []
    period = current.previous()
    while (today - period.end).days <= back:
        periods.append(period)
        period = period.previous()
    return sorted(periods, key=lambda p: p.end)


def feed_every_ended(
    *,
    framework_ids: Iterable[int],
    feed: Callable[[Framework, Period], FeedResult],
    today: datetime.date | None = None,
) -> list[FeedRun]:
    """Run ``feed`` for every framework of ``framework_ids``, for each of its periods that
    ended within the last year, of the kind its warning policy acts on (quarter, half-year
    or year; ``monitoring.policy.policy_for``): the daily run of a feed."""
    from qingfeng.monitoring.policy import policy_for

    today = today or timezone.localdate()
    runs: list[FeedRun] = []
    for framework in Framework.objects.filter(pk__in=list(framework_ids)).order_by("code"):
        current = version_in_force(framework=framework, period=Period(today.year, "Y", 1))
        kind = policy_for(current).period_kind if current is not None else "Q"
        for period in ended_periods(kind=kind, today=today):
            if version_in_force(framework=framework, period=period) is None:
                continue
            runs.append(FeedRun(framework.code, str(period), feed(framework, period)))
    return runs


def rate_leaves(framework: Framework, *, today: datetime.date | None = None) -> list[Indicator]:
    """The ``rate`` leaves of the framework's version in force this year, in tree order:
    the indicators a feed may fill."""
    today = today or timezone.localdate()
    version = version_in_force(framework=framework, period=Period(today.year, "Y", 1))
    if version is None:
        return []
    return [
        node
        for node, _applies in leaves_with_applies(ordered_indicators(version))
        if (node.rule or {}).get("type") == "rate"
    ]
