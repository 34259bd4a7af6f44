"""Feedback of the ledger into the scores (issue 12, point 7; docs/ledger-feedback.md).

For a framework and an ended period, every indicator the framework feeds from the ledger
(``LedgerFeed``, a ``rate`` leaf of the version in force) gets one record per unit:

    rate = problems closed on time ÷ problems due in the period

- *due in the period*: the problem's current deadline (after any extension) lies between
  the period's first and last day; only the feed's sources count (all when it names none);
- *closed on time*: closed (销号) on or before that deadline (``Problem.closed_on_time``);
- a unit with no problem due gets no record, so the leaf is *not assessed* for it (the
  rate rule's "no record" case: it drops out of the unit's applicable max) instead of
  counting a rate of 0/0;
- the value is written on the rule's own scale: a percentage (0–100) when the rule's
  ``full_at`` is above 1 (the demo frameworks: zero at 60, full at 100), else a fraction.

The records are approved, dated the period's last day, of the indicator's data station,
with the external id ``ledger:<framework>:<indicator>:<period>:<unit>``. They are written
with the records services' own checks (``validate_records``) and insertion
(``records_insert``), then the period's scores are recomputed through the usual path
(``recompute_after_change``), all in one transaction. A rerun adds nothing; a rate that
changed (a deadline extended into another period, a problem imported late) updates its
record with history; a unit no longer having a problem due loses its record. A period
whose collection is closed is left as it was closed (``allow_closed`` overrides it, for the
demo and an administrator's explicit rerun).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework, Indicator
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
from qingfeng.rectification.models import LedgerFeed, Problem, ProblemSource, ProblemState

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

CHANGE_REASON = "problem ledger"
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


def external_id(*, framework: Framework, indicator_code: str, period: Period, unit: Unit) -> str:
    """The external id of a fed record (a digest when the codes make it too long)."""
    key = f"ledger:{framework.code}:{indicator_code}:{period}:{unit.code}"
    if len(key) <= _EXTERNAL_MAX:
        return key
    return "ledger:" + hashlib.sha1(key.encode()).hexdigest()


def ledger_rates(*, units: list[Unit], period: Period, sources: list[str]) -> dict[int, UnitRate]:
    """Per unit id: the problems due in ``period`` (of ``sources``, all when empty) and how
    many of them were closed on time. Units without a problem due are absent."""
    # By deadline and source only, then the units kept in Python: a province's 11,728 unit
    # ids in an ``IN (...)`` would pass SQLite's variable limit.
    problems = Problem.objects.filter(due__gte=period.start, due__lte=period.end)
    if sources:
        problems = problems.filter(source__in=sources)
    wanted = {unit.pk for unit in units}
    rates: dict[int, UnitRate] = defaultdict(UnitRate)
    for unit_id, state, closed_at, due in problems.values_list(
        "unit_id", "state", "closed_at", "due"
    ).iterator():
        if unit_id not in wanted:
            continue
        rate = rates[unit_id]
        rate.due += 1
        if (
            state == ProblemState.CLOSED
            and closed_at is not None
            and timezone.localtime(closed_at).date() <= due
        ):
            rate.on_time += 1
    return dict(rates)


def rate_value(indicator: Indicator, rate: UnitRate) -> float:
    """The record's value on the rule's scale (percent when ``full_at`` > 1)."""
    fraction = rate.on_time / rate.due
    full_at = float((indicator.rule or {}).get("full_at") or 1)
    return round(100 * fraction if full_at > 1 else fraction, 4)


def feed_ledger(
    *,
    framework: Framework,
    period: Period,
    actor: User | None = None,
    today: datetime.date | None = None,
    allow_closed: bool = False,
) -> FeedResult:
    """Write the ledger-fed records of ``framework`` for the ended ``period`` and
    recompute its scores (see the module's docstring); ValidationError when the period
    has not ended or no version is in force for it."""
    today = today or timezone.localdate()
    if period.end >= today:
        raise ValidationError(
            _("%(period)s has not ended yet: the ledger feeds a period after its last day.")
            % {"period": period_label(period)}
        )
    version = version_in_force(framework=framework, period=period)
    if version is None:
        raise ValidationError(
            _('The framework "%(framework)s" has no published version for %(period)s.')
            % {"framework": framework.code, "period": period_label(period)}
        )
    result = FeedResult()
    feeds = list(LedgerFeed.objects.filter(framework=framework).order_by("indicator_code"))
    if not feeds:
        return result
    with translation.override(settings.LANGUAGE_CODE):
        if not allow_closed and OpenDates(framework).closed_period(period.end) is not None:
            result.notes.append(
                _("%(period)s: the collection period is closed; its records are left as closed.")
                % {"period": period_label(period)}
            )
            return result
        leaves = {
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
            for feed in feeds:
                found = leaves.get(feed.indicator_code)
                if found is None or (found[0].rule or {}).get("type") != "rate":
                    result.notes.append(
                        _('Indicator "%(code)s" is not a rate leaf of %(version)s: not fed.')
                        % {"code": feed.indicator_code, "version": version}
                    )
                    continue
                indicator, applies = found
                applicable = [
                    unit
                    for unit in units
                    if all(unit.category.code in allowed for allowed in applies)
                ]
                _feed_one(
                    framework=framework,
                    indicator=indicator,
                    period=period,
                    units=applicable,
                    sources=list(feed.sources or []),
                    actor=actor,
                    result=result,
                )
            if result.changed:
                recompute_after_change(framework=framework, dates=[period.end])
    return result


def _feed_one(
    *,
    framework: Framework,
    indicator: Indicator,
    period: Period,
    units: list[Unit],
    sources: list[str],
    actor: User | None,
    result: FeedResult,
) -> None:
    """Create, update or delete one indicator's fed records for the period."""
    rates = ledger_rates(units=units, period=period, sources=sources)
    ids = {
        unit.pk: external_id(
            framework=framework, indicator_code=indicator.code, period=period, unit=unit
        )
        for unit in units
    }
    # The fed records of this leaf and period (dated its last day), by external id.
    existing = {
        record.external_id: record
        for record in Record.objects.filter(
            framework=framework,
            indicator_code=indicator.code,
            date=period.end,
            external_id__startswith="ledger:",
        )
    }
    fresh: list[tuple[RawItem, str]] = []
    for unit in units:
        rate = rates.get(unit.pk)
        record = existing.get(ids[unit.pk])
        if rate is None:
            if record is not None:
                stamp(record, actor)
                record.delete()
                result.deleted += 1
            continue
        value = rate_value(indicator, rate)
        note = _note(rate, period)
        if record is None:
            values = {
                "unit": unit.code,
                "indicator": indicator.code,
                "date": period.end,
                "value": value,
                "note": note,
            }
            fresh.append((RawItem(len(fresh) + 2, values), ids[unit.pk]))
        elif record.value != value or record.note != note:
            record.value, record.note = value, note
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
        # The units and the leaf were chosen to pass these checks: a failure is a bug.
        raise ValidationError([str(issue) for issue in issues.items])
    for row, (_item, external) in zip(rows, fresh, strict=True):
        row["external_id"] = external
        row["created_by_id"] = None if actor is None else actor.pk
    records_insert(rows=rows, history_user=actor, change_reason=CHANGE_REASON)
    result.created += len(rows)


def _note(rate: UnitRate, period: Period) -> str:
    return _("Problem ledger: %(on_time)d of %(due)d problems due in %(period)s closed on time") % {
        "on_time": rate.on_time,
        "due": rate.due,
        "period": period_label(period),
    }


def ended_periods(*, kind: str, today: datetime.date, back: int = 366) -> list[Period]:
    """The periods of ``kind`` (Q, H or Y) that ended before ``today`` within the last
    ``back`` days, oldest first: what the daily run feeds again (late imports and
    extensions move problems between periods)."""
    current = next(p for p in periods_containing(today) if p.kind == kind)
    periods: list[Period] = []
    period = current.previous()
    while (today - period.end).days <= back:
        periods.append(period)
        period = period.previous()
    return sorted(periods, key=lambda p: p.end)


@dataclass
class FeedRun:
    """One feeding of a framework's period, for the daily run's report."""

    framework: str
    period: str
    result: FeedResult


def feed_ended(*, today: datetime.date | None = None, actor: User | None = None) -> list[FeedRun]:
    """Feed every framework that has ledger-fed indicators, for each of its periods that
    ended within the last year, of the kind its warning policy acts on (quarter, half-year
    or year; ``monitoring.policy.policy_for``). What the daily ``feed_ledger --ended``
    runs; periods whose collection is closed are left as they are."""
    from qingfeng.monitoring.policy import policy_for

    today = today or timezone.localdate()
    runs: list[FeedRun] = []
    framework_ids = LedgerFeed.objects.values_list("framework_id", flat=True).distinct()
    for framework in Framework.objects.filter(pk__in=framework_ids).order_by("code"):
        current = version_in_force(framework=framework, period=Period(today.year, "Y", 1))
        kind = policy_for(current).period_kind if current is not None else "Q"
        for period in ended_periods(kind=kind, today=today):
            if version_in_force(framework=framework, period=period) is None:
                continue
            result = feed_ledger(framework=framework, period=period, actor=actor, today=today)
            runs.append(FeedRun(framework.code, str(period), result))
    return runs


def rate_leaves(framework: Framework, *, today: datetime.date | None = None) -> list[Indicator]:
    """The ``rate`` leaves of the framework's version in force this year, in tree order:
    the indicators the ledger may feed."""
    today = today or timezone.localdate()
    version = version_in_force(framework=framework, period=Period(today.year, "Y", 1))
    if version is None:
        return []
    return [
        node
        for node, _applies in leaves_with_applies(ordered_indicators(version))
        if (node.rule or {}).get("type") == "rate"
    ]


@transaction.atomic
def ledger_feeds_set(
    *, framework: Framework, feeds: dict[str, list[str]], actor: User | None
) -> None:
    """Make ``feeds`` (indicator code → the problem sources counted, [] for all) the
    framework's ledger-fed indicators: new ones added, changed ones updated, the others
    removed, each with history. Every code must be a rate leaf of the version in force."""
    allowed = {leaf.code for leaf in rate_leaves(framework)}
    wrong = sorted(set(feeds) - allowed)
    if wrong:
        raise ValidationError(
            _("Only rate leaves can be fed by the ledger: %(codes)s") % {"codes": "、".join(wrong)}
        )
    known = set(ProblemSource.values)
    if any(set(sources) - known for sources in feeds.values()):
        raise ValidationError(_("Unknown problem source."))
    existing = {
        feed.indicator_code: feed for feed in LedgerFeed.objects.filter(framework=framework)
    }
    for code, feed in existing.items():
        if code not in feeds:
            stamp(feed, actor)
            feed.delete()
    for code, sources in sorted(feeds.items()):
        ordered = [source for source in ProblemSource.values if source in sources]
        feed = existing.get(code) or LedgerFeed(framework=framework, indicator_code=code)
        if feed.pk is not None and list(feed.sources or []) == ordered:
            continue
        feed.sources = ordered
        feed.full_clean(validate_unique=False)
        stamp(feed, actor)
        feed.save()
