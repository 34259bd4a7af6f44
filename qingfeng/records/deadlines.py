"""Scores that follow the collection deadlines (docs/deadlines.md).

A collection period becomes *due* (``completeness.is_due``) when it is closed or when its
entry deadline passes; from then on a tracked cell nobody reported is marked unreported
(or, under the strict rule, drops out of the applicable max). Closing and reopening
recompute at once (``records.periods``); a deadline passes with nobody doing anything, so
``rescore_passed_deadlines`` runs daily (from ``send_reminders``) and recomputes the
scored periods a passed deadline touches, only where the stored snapshots predate it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from qingfeng.lib.periods import Period
from qingfeng.records.models import CollectionPeriod, PeriodStatus
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.services import touched_periods


def month_starts(period: Period) -> list[datetime.date]:
    """The first day of every month of ``period``: the dates whose recomputation covers
    its quarter, half and year, and each of its months that was ever scored."""
    starts = []
    day = period.start
    while day <= period.end:
        starts.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return starts


def _scored_touched(collection: CollectionPeriod) -> tuple[list[Period], QuerySet[Snapshot]]:
    """The scoring periods the collection period overlaps that have stored snapshots (the
    quarter, half and year of each of its months, and the months scored before:
    ``scoring.services.touched_periods``), in order, and those snapshots."""
    periods = touched_periods(
        framework=collection.framework, dates=month_starts(Period.parse(collection.period))
    )
    snapshots = Snapshot.objects.filter(
        version__framework=collection.framework, period__in=[str(p) for p in periods]
    )
    scored = set(snapshots.order_by().values_list("period", flat=True).distinct())
    return [p for p in periods if str(p) in scored], snapshots


@transaction.atomic
def collection_recompute(*, collection: CollectionPeriod) -> list[Period]:
    """Recompute the scored periods a collection period overlaps, after it was closed or
    reopened or its entry deadline passed (its records did not change, so neither do the
    problem tallies; a period never scored stays unscored); returns them in order."""
    periods, _snapshots = _scored_touched(collection)
    for period in periods:
        period_recompute(framework=collection.framework, period=period)
    return periods


def _stale(collection: CollectionPeriod) -> bool:
    """Whether a snapshot of a period the collection period touches was computed on or
    before its entry deadline (so it was scored while the period was not yet due)."""
    _periods, snapshots = _scored_touched(collection)
    after_deadline = datetime.datetime.combine(
        collection.entry_deadline + datetime.timedelta(days=1), datetime.time.min
    )
    return snapshots.filter(computed_at__lt=timezone.make_aware(after_deadline)).exists()


def rescore_passed_deadlines(*, today: datetime.date | None = None) -> list[CollectionPeriod]:
    """Recompute every open collection period whose entry deadline has passed by ``today``
    (default: the local date) and whose overlapping snapshots were computed on or before
    that deadline; returns the collection periods recomputed.

    Idempotent and cheap: once recomputed, the snapshots are newer than the deadline and
    the next run skips them (one existence query per passed period). A closed period was
    recomputed when it was closed (closing made it due), so only open ones are looked at.
    """
    today = today or timezone.localdate()
    done = []
    passed = CollectionPeriod.objects.filter(
        status=PeriodStatus.OPEN, entry_deadline__lt=today
    ).select_related("framework")
    for collection in passed.order_by("framework_id", "entry_deadline", "period"):
        if _stale(collection):
            collection_recompute(collection=collection)
            done.append(collection)
    return done
