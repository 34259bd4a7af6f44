"""Collection periods: which dates a framework accepts records for.

A date is open for entry when at least one open collection period of the framework
contains it and no closed one does (closing 2026Q3 stops entry for its dates even while
the year 2026 is open). The command-line import is an administrator's tool and does not
check periods; the entry pages, the Excel upload and the API do.

Closing a period also freezes the records already dated in it: every later state change
(submit, return, approve, edit, delete, new evidence) is refused until the period is
reopened (``refuse_frozen``), so a closed period's scores stay as they were closed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.lib.history import save_validated
from qingfeng.lib.periods import Period
from qingfeng.records.models import CollectionPeriod, PeriodStatus, Record

# A default deadline further than a year after a period ends is a typing error.
MAX_DEADLINE_DAYS = 366


class OpenDates:
    """The framework's collection periods, loaded once, answering "is this date open?"."""

    def __init__(self, framework: Framework) -> None:
        self.periods = [
            (Period.parse(p.period), p.status)
            for p in CollectionPeriod.objects.filter(framework=framework)
        ]

    def is_open(self, day: datetime.date) -> bool:
        statuses = {status for period, status in self.periods if period.contains(day)}
        return PeriodStatus.OPEN in statuses and PeriodStatus.CLOSED not in statuses

    def open_periods(self) -> list[Period]:
        return sorted(p for p, status in self.periods if status == PeriodStatus.OPEN)

    def closed_period(self, day: datetime.date) -> Period | None:
        """The (shortest) closed collection period containing ``day``: records dated on it
        are frozen; None when no closed period contains it."""
        closed = [p for p, status in self.periods if status == PeriodStatus.CLOSED]
        containing = [p for p in closed if p.contains(day)]
        return min(containing, key=lambda p: (p.end - p.start, str(p))) if containing else None


class FrozenRecords:
    """Which records a closed collection period freezes, loading each framework's periods
    once (a review page or a bulk approval looks at many records of few frameworks)."""

    def __init__(self) -> None:
        self._dates: dict[int, OpenDates] = {}

    def closed_period(self, record: Record) -> Period | None:
        """The closed period that freezes ``record`` (by its stored date), or None."""
        if record.framework_id not in self._dates:
            self._dates[record.framework_id] = OpenDates(record.framework)
        return self._dates[record.framework_id].closed_period(record.date)


def refuse_frozen(*, records: Iterable[Record]) -> None:
    """Refuse a state change of records dated in a closed collection period: a
    ``ValidationError`` naming each such record and its period; nothing when none is.

    The one period check of every change to existing records (submit, return, approve,
    edit, delete, evidence): a draft saved while its period was open cannot be submitted
    after the close, and an approval never recomputes a closed period."""
    frozen = FrozenRecords()
    problems = []
    for record in records:
        period = frozen.closed_period(record)
        if period is not None:
            problems.append(
                _(
                    "The record %(record)s is dated %(date)s, in the closed collection "
                    "period %(period)s of %(framework)s: reopen the period to change it."
                )
                % {
                    # Its unit and indicator, not its database id (the date follows).
                    "record": f"{record.unit.name} · {record.indicator_code}",
                    "date": record.date.isoformat(),
                    "period": period,
                    "framework": record.framework.code,
                }
            )
    if problems:
        raise ValidationError(problems)


def default_deadlines(
    *, framework: Framework, period: Period
) -> tuple[datetime.date, datetime.date]:
    """A new collection period's entry and review deadlines: the framework's
    ``entry_deadline_days`` after the period's last day, and its ``review_deadline_days``
    after that (15 and 10 unless the framework says otherwise)."""
    entry = period.end + datetime.timedelta(days=framework.entry_deadline_days)
    return entry, entry + datetime.timedelta(days=framework.review_deadline_days)


def new_collection_period(
    *, framework: Framework, period: Period, status: str = PeriodStatus.OPEN
) -> CollectionPeriod:
    """An unsaved collection period with the framework's default deadlines."""
    entry, review = default_deadlines(framework=framework, period=period)
    return CollectionPeriod(
        framework=framework,
        period=str(period),
        status=status,
        entry_deadline=entry,
        review_deadline=review,
    )


def _parse(period: str) -> str:
    try:
        return str(Period.parse(period))
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from error


@transaction.atomic
def period_open(*, framework: Framework, period: str, actor: Any) -> CollectionPeriod:
    """Open a period for collection (creating it the first time). Reopening a closed
    period is ``period_reopen``, which needs a reason."""
    text = _parse(period)
    existing = CollectionPeriod.objects.filter(framework=framework, period=text).first()
    if existing is not None:
        if existing.status == PeriodStatus.CLOSED:
            raise ValidationError(
                {
                    "reason": _("%(period)s was closed: reopening it needs a reason.")
                    % {"period": text}
                }
            )
        return existing
    collection = new_collection_period(framework=framework, period=Period.parse(text))
    save_validated(collection, actor)
    return collection


@transaction.atomic
def period_close(*, collection: CollectionPeriod, actor: Any) -> CollectionPeriod:
    """Close a period: no more records for its dates until it is reopened."""
    collection.status = PeriodStatus.CLOSED
    collection.reason = ""
    save_validated(collection, actor)
    _recompute(collection)  # closing makes the period due (completeness.is_due)
    return collection


@transaction.atomic
def period_reopen(*, collection: CollectionPeriod, reason: str, actor: Any) -> CollectionPeriod:
    """Reopen a closed period; the reason is kept in the period's history."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the period is reopened.")})
    collection.status = PeriodStatus.OPEN
    collection.reason = reason.strip()
    save_validated(collection, actor)
    _recompute(collection)  # before its entry deadline it is no longer due
    return collection


def _recompute(collection: CollectionPeriod) -> None:
    """Recompute the scores the collection period touches (``records.deadlines``)."""
    # Imported here: the scoring reader (records.rescore -> completeness -> selectors)
    # imports this module.
    from qingfeng.records.deadlines import collection_recompute

    collection_recompute(collection=collection)


@transaction.atomic
def collection_period_set_deadlines(
    *,
    collection: CollectionPeriod,
    entry_deadline: datetime.date,
    review_deadline: datetime.date,
    actor: Any,
) -> CollectionPeriod:
    """Change a collection period's entry and review deadlines (kept in its history). The
    review deadline may not come before the entry deadline. Moving the entry deadline
    across today makes the period due or not due, so the scores it touches are recomputed
    when that changes."""
    if review_deadline < entry_deadline:
        raise ValidationError(
            {"review_deadline": _("The review deadline cannot come before the entry deadline.")}
        )
    if (collection.entry_deadline, collection.review_deadline) == (
        entry_deadline,
        review_deadline,
    ):
        return collection
    # Imported here: completeness imports this module (through records.selectors).
    from qingfeng.records.completeness import is_due

    today = timezone.localdate()
    was_due = is_due(collection, today=today)
    collection.entry_deadline = entry_deadline
    collection.review_deadline = review_deadline
    save_validated(collection, actor)
    if is_due(collection, today=today) != was_due:
        _recompute(collection)
    return collection


@transaction.atomic
def framework_set_deadline_days(
    *, framework: Framework, entry_deadline_days: int, review_deadline_days: int, actor: Any
) -> Framework:
    """Change a framework's default deadlines for the collection periods opened from now
    on (kept in the framework's history; existing periods keep theirs): the entry
    deadline this many days after a period ends, the review deadline this many days after
    the entry deadline."""
    for field, days in (
        ("entry_deadline_days", entry_deadline_days),
        ("review_deadline_days", review_deadline_days),
    ):
        if not 0 <= days <= MAX_DEADLINE_DAYS:
            raise ValidationError(
                {field: _("Give a number of days from 0 to %(max)d.") % {"max": MAX_DEADLINE_DAYS}}
            )
    framework.entry_deadline_days = entry_deadline_days
    framework.review_deadline_days = review_deadline_days
    save_validated(framework, actor)
    return framework
