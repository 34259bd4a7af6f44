"""Feedback of fulfilment into the scores (issue 14, item 7; docs/duties-boards.md).

The mirror of the problem ledger's feed (``rectification.feedback``, whose result types
and scale rule it reuses). For a framework and an ended period, every indicator the
framework feeds from the duty lists (``DutyFeed``, a ``rate`` leaf of the version in
force) gets one record per unit of the framework's region that has dues in the period:

    rate = tasks done on time ÷ tasks due in the period

- *due in the period*: a due (``TaskDue``) whose due date lies between the period's first
  and last day, of the unit's lists of the feed's kinds (by default its team, principal
  and members; a discipline group's list belongs to no unit);
- *done on time*: its green light — completed on or before its due date (the period has
  ended, so no due of it can still turn green);
- a unit with no due gets no record (the leaf is *not assessed* for it, not 0/0);
- the value is on the rule's scale (a percentage when ``full_at`` > 1).

The records are approved, dated the period's last day, of the indicator's data station,
with the external id ``duty:<framework>:<indicator>:<period>:<unit>``, written with the
records services' own checks and insertion, then the period's scores are recomputed
through the usual path, all in one transaction. A rerun adds nothing; a changed rate
updates its record (with history); a unit that no longer has a due loses its record. A
period whose collection is closed is left as it was closed unless ``allow_closed``.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.duties.models import DutyFeed, SubjectKind, TaskDue
from qingfeng.framework.models import Framework, Indicator
from qingfeng.framework.selectors import ordered_indicators, version_in_force
from qingfeng.lib.history import stamp
from qingfeng.lib.periods import Period, period_label
from qingfeng.lib.tabular import Issues, RawItem
from qingfeng.org.models import Unit
from qingfeng.records.imports import RecordChecker, validate_records
from qingfeng.records.models import Record, RecordSource, RecordStatus
from qingfeng.records.periods import OpenDates
from qingfeng.records.rescore import recompute_after_change
from qingfeng.records.selectors import leaves_with_applies
from qingfeng.records.storage import records_insert
from qingfeng.rectification.feedback import (
    FeedResult,
    FeedRun,
    UnitRate,
    ended_periods,
    rate_leaves,
    rate_value,
)
from qingfeng.rectification.models import LedgerFeed

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

CHANGE_REASON = "duty fulfilment"
PREFIX = "duty:"
_EXTERNAL_MAX = 100
# The kinds a feed counts when it names none: the unit's own lists.
UNIT_KINDS = (SubjectKind.TEAM, SubjectKind.PRINCIPAL, SubjectKind.MEMBER)


def external_id(*, framework: Framework, indicator_code: str, period: Period, unit: Unit) -> str:
    """The external id of a fed record (a digest when the codes make it too long)."""
    key = f"{PREFIX}{framework.code}:{indicator_code}:{period}:{unit.code}"
    if len(key) <= _EXTERNAL_MAX:
        return key
    return PREFIX + hashlib.sha1(key.encode()).hexdigest()


def duty_rates(*, period: Period, kinds: list[str]) -> dict[int, UnitRate]:
    """Per unit id: the dues of ``kinds`` due in ``period`` and how many were done on
    time, counted in one grouped query. Units without a due are absent."""
    rows = (
        TaskDue.objects.filter(
            due__gte=period.start,
            due__lte=period.end,
            unit__isnull=False,
            kind__in=kinds or list(UNIT_KINDS),
        )
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(completed_on__isnull=False, completed_on__lte=F("due"))),
        )
        .order_by()
    )
    return {row["unit_id"]: UnitRate(due=row["n"], on_time=row["on_time"]) for row in rows}


def feed_duties(
    *,
    framework: Framework,
    period: Period,
    actor: User | None = None,
    today: datetime.date | None = None,
    allow_closed: bool = False,
) -> FeedResult:
    """Write the fulfilment-fed records of ``framework`` for the ended ``period`` and
    recompute its scores (see the module's docstring); ValidationError when the period
    has not ended or no version is in force for it."""
    today = today or timezone.localdate()
    if period.end >= today:
        raise ValidationError(
            _("%(period)s has not ended yet: fulfilment feeds a period after its last day.")
            % {"period": period_label(period)}
        )
    version = version_in_force(framework=framework, period=period)
    if version is None:
        raise ValidationError(
            _('The framework "%(framework)s" has no published version for %(period)s.')
            % {"framework": framework.code, "period": period_label(period)}
        )
    result = FeedResult()
    feeds = list(
        DutyFeed.objects.filter(framework=framework, active=True).order_by("indicator_code")
    )
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
                    rates=duty_rates(period=period, kinds=list(feed.kinds or [])),
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
    rates: dict[int, UnitRate],
    actor: User | None,
    result: FeedResult,
) -> None:
    """Create, update or delete one indicator's fed records for the period."""
    existing = {
        record.external_id: record
        for record in Record.objects.filter(
            framework=framework,
            indicator_code=indicator.code,
            date=period.end,
            external_id__startswith=PREFIX,
        )
    }
    fresh: list[tuple[RawItem, str]] = []
    for unit in units:
        ident = external_id(
            framework=framework, indicator_code=indicator.code, period=period, unit=unit
        )
        rate = rates.get(unit.pk)
        record = existing.get(ident)
        if rate is None:
            if record is not None:
                stamp(record, actor)
                record.delete()
                result.deleted += 1
            continue
        value = rate_value(indicator, rate)
        note = _("Duty lists: %(on_time)d of %(due)d tasks due in %(period)s done on time") % {
            "on_time": rate.on_time,
            "due": rate.due,
            "period": period_label(period),
        }
        if record is None:
            values = {
                "unit": unit.code,
                "indicator": indicator.code,
                "date": period.end,
                "value": value,
                "note": note,
            }
            fresh.append((RawItem(len(fresh) + 2, values), ident))
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


def duty_feed_ended(
    *, today: datetime.date | None = None, actor: User | None = None
) -> list[FeedRun]:
    """Feed every framework with active fulfilment-fed indicators, for each of its
    periods that ended within the last year, of the kind its warning policy acts on
    (what the daily ``duty_feed --ended`` runs; closed periods are left as they are)."""
    from qingfeng.monitoring.policy import policy_for

    today = today or timezone.localdate()
    runs: list[FeedRun] = []
    framework_ids = (
        DutyFeed.objects.filter(active=True).values_list("framework_id", flat=True).distinct()
    )
    for framework in Framework.objects.filter(pk__in=framework_ids).order_by("code"):
        current = version_in_force(framework=framework, period=Period(today.year, "Y", 1))
        kind = policy_for(current).period_kind if current is not None else "Q"
        for period in ended_periods(kind=kind, today=today):
            if version_in_force(framework=framework, period=period) is None:
                continue
            result = feed_duties(framework=framework, period=period, actor=actor, today=today)
            runs.append(FeedRun(framework.code, str(period), result))
    return runs


@transaction.atomic
def duty_feed_set(
    *,
    framework: Framework,
    indicator_code: str,
    kinds: list[str],
    active: bool,
    actor: User | None,
) -> DutyFeed:
    """Create or change the fulfilment feed of one indicator (with history). The code
    must be a rate leaf of the version in force, not already fed by the problem ledger."""
    if indicator_code not in {leaf.code for leaf in rate_leaves(framework)}:
        raise ValidationError(
            _("Only rate leaves can be fed by fulfilment: %(codes)s") % {"codes": indicator_code}
        )
    if LedgerFeed.objects.filter(framework=framework, indicator_code=indicator_code).exists():
        raise ValidationError(_("This indicator is already fed by the problem ledger."))
    if set(kinds) - set(SubjectKind.values):
        raise ValidationError(_("Unknown subject kind."))
    feed = DutyFeed.objects.filter(framework=framework, indicator_code=indicator_code).first()
    feed = feed or DutyFeed(framework=framework, indicator_code=indicator_code)
    ordered = [kind for kind in SubjectKind.values if kind in kinds]
    if feed.pk is not None and list(feed.kinds or []) == ordered and feed.active == active:
        return feed
    feed.kinds, feed.active = ordered, active
    feed.full_clean(validate_unique=False)
    stamp(feed, actor)
    feed.save()
    return feed
