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
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.duties.models import DutyFeed, SubjectKind, TaskDue
from qingfeng.framework.models import Framework
from qingfeng.lib.history import stamp
from qingfeng.lib.periods import Period, period_label
from qingfeng.org.models import Unit
from qingfeng.records.rate_feeds import (
    FedLeaf,
    FeedKind,
    FeedResult,
    FeedRun,
    UnitRate,
    fed_external_id,
    feed_every_ended,
    feed_rate_leaves,
    rate_leaves,
)
from qingfeng.rectification.models import LedgerFeed

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

CHANGE_REASON = "duty fulfilment"
PREFIX = "duty:"
# The kinds a feed counts when it names none: the unit's own lists.
UNIT_KINDS = (SubjectKind.TEAM, SubjectKind.PRINCIPAL, SubjectKind.MEMBER)


def external_id(*, framework: Framework, indicator_code: str, period: Period, unit: Unit) -> str:
    """The external id of a fulfilment-fed record."""
    return fed_external_id(
        prefix=PREFIX, framework=framework, indicator_code=indicator_code, period=period, unit=unit
    )


def duty_rates(
    *, period: Period, kinds: list[str], units: list[Unit] | None = None
) -> dict[int, UnitRate]:
    """Per unit id: the dues of ``kinds`` due in ``period`` and how many were done on
    time, counted in one grouped query. Units without a due are absent (and, given
    ``units``, every unit not among them: kept in Python, as a province's ids would pass
    SQLite's variable limit in an ``IN``)."""
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
    wanted = None if units is None else {unit.pk for unit in units}
    return {
        row["unit_id"]: UnitRate(due=row["n"], on_time=row["on_time"])
        for row in rows
        if wanted is None or row["unit_id"] in wanted
    }


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
    feeds = DutyFeed.objects.filter(framework=framework, active=True).order_by("indicator_code")
    leaves = [
        FedLeaf(
            feed.indicator_code, partial(duty_rates, period=period, kinds=list(feed.kinds or []))
        )
        for feed in feeds
    ]
    return feed_rate_leaves(
        framework=framework,
        period=period,
        leaves=leaves,
        kind=FeedKind(prefix=PREFIX, change_reason=CHANGE_REASON, note=_note),
        actor=actor,
        allow_closed=allow_closed,
    )


def _note(rate: UnitRate, period: Period) -> str:
    return _("Duty lists: %(on_time)d of %(due)d tasks due in %(period)s done on time") % {
        "on_time": rate.on_time,
        "due": rate.due,
        "period": period_label(period),
    }


def duty_feed_ended(
    *, today: datetime.date | None = None, actor: User | None = None
) -> list[FeedRun]:
    """Feed every framework with active fulfilment-fed indicators, for each of its
    periods that ended within the last year, of the kind its warning policy acts on
    (what the daily ``duty_feed --ended`` runs; closed periods are left as they are)."""
    today = today or timezone.localdate()
    framework_ids = (
        DutyFeed.objects.filter(active=True).values_list("framework_id", flat=True).distinct()
    )
    return feed_every_ended(
        framework_ids=framework_ids,
        feed=lambda framework, period: feed_duties(
            framework=framework, period=period, actor=actor, today=today
        ),
        today=today,
    )


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
