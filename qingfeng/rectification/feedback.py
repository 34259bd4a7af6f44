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
from collections import defaultdict
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
    ended_periods,
    fed_external_id,
    feed_every_ended,
    feed_rate_leaves,
    rate_leaves,
    rate_value,
)
from qingfeng.rectification.models import LedgerFeed, Problem, ProblemSource, ProblemState

# The shared rate-feed names stay importable from here, where the ledger's feed began.
__all__ = [
    "FeedResult",
    "FeedRun",
    "UnitRate",
    "ended_periods",
    "external_id",
    "feed_ended",
    "feed_ledger",
    "ledger_feeds_set",
    "ledger_rates",
    "rate_leaves",
    "rate_value",
]

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

CHANGE_REASON = "problem ledger"
PREFIX = "ledger:"


def external_id(*, framework: Framework, indicator_code: str, period: Period, unit: Unit) -> str:
    """The external id of a ledger-fed record."""
    return fed_external_id(
        prefix=PREFIX, framework=framework, indicator_code=indicator_code, period=period, unit=unit
    )


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
    feeds = LedgerFeed.objects.filter(framework=framework).order_by("indicator_code")
    leaves = [
        FedLeaf(
            feed.indicator_code,
            partial(ledger_rates, period=period, sources=list(feed.sources or [])),
        )
        for feed in feeds
    ]
    kind = FeedKind(prefix=PREFIX, change_reason=CHANGE_REASON, note=_note)
    return feed_rate_leaves(
        framework=framework,
        period=period,
        leaves=leaves,
        kind=kind,
        actor=actor,
        allow_closed=allow_closed,
    )


def _note(rate: UnitRate, period: Period) -> str:
    return _("Problem ledger: %(on_time)d of %(due)d problems due in %(period)s closed on time") % {
        "on_time": rate.on_time,
        "due": rate.due,
        "period": period_label(period),
    }


def feed_ended(*, today: datetime.date | None = None, actor: User | None = None) -> list[FeedRun]:
    """Feed every framework that has ledger-fed indicators, for each of its periods that
    ended within the last year, of the kind its warning policy acts on. What the daily
    ``feed_ledger --ended`` runs; periods whose collection is closed are left as they are."""
    today = today or timezone.localdate()
    return feed_every_ended(
        framework_ids=LedgerFeed.objects.values_list("framework_id", flat=True).distinct(),
        feed=lambda framework, period: feed_ledger(
            framework=framework, period=period, actor=actor, today=today
        ),
        today=today,
    )


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
