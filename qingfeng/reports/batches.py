"""Batches: one unit kind of report generated for every unit of a region in the
background (issue 15 item 3; docs/reports-batches.md).

- ``batch_start`` (a request) checks what is asked, stores a queued ``ReportBatch`` and,
  once that row is committed, queues the Huey task ``tasks.run_batch`` (the worker must
  find the row it is given).
- ``batch_run`` (the worker) generates the units one by one, each in its own transaction
  through ``services.report_generate``, as whoever started the batch: a unit that fails
  is kept in ``failures`` with its error while the others still come out, and ``done``
  moves after every unit with one UPDATE (the page polls it).
- A worker killed mid-batch leaves it ``running`` with no progress: after
  ``STALE_AFTER`` without a unit generated it is shown as **interrupted**, and
  ``batch_resume`` queues it again; the run skips the units the batch has already made.

The units of a batch: the units of the region's subtree that the starter makes reports
for (``visible_units`` with ``Capability.MAKE_REPORTS``) and that have a stored score
for the period under the framework (a snapshot of the version in force): a unit the
period did not assess has nothing to report. Active or not, as the snapshots say.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import pgettext

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_global_scope, regions_held_with, visible_units
from qingfeng.lib.periods import Period
from qingfeng.org.models import Region, Unit, within_q
from qingfeng.reports import selectors
from qingfeng.reports.kinds import KINDS, About, Subject, kind_spec
from qingfeng.reports.models import BatchStatus, Report, ReportBatch
from qingfeng.reports.services import report_generate
from qingfeng.scoring.selectors import period_snapshots

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.framework.models import Framework

logger = logging.getLogger(__name__)

# A running batch that made no unit for this long is taken as interrupted (its worker
# died): one unit takes about a second, so five minutes of silence is no slow unit.
STALE_AFTER = datetime.timedelta(minutes=5)
# The kinds a batch makes: one report per unit, no leader to choose.
BATCH_ABOUT = (About.UNIT, About.UNIT_OR_REGION)


def batch_kinds() -> list[str]:
    """The report kinds a batch can generate (one report per unit)."""
    return [kind for kind, spec in KINDS.items() if spec.about in BATCH_ABOUT]


# -- reads ------------------------------------------------------------------------------


def scored_units(*, framework: Framework, period: Period, region: Region) -> QuerySet[Unit]:
    """The units of ``region``'s subtree with a score for ``period`` under
    ``framework``, in the tree's order (no scope: ``batch_units`` adds it)."""
    scored = period_snapshots(framework=framework, period=period).values("unit_id")
    return Unit.objects.filter(within_q(region), pk__in=scored).order_by("path", "pk")


def batch_units(
    *, actor: Any, framework: Framework, period: Period, region: Region
) -> QuerySet[Unit]:
    """The units a batch of ``region`` generates for ``actor``: those of the region's
    subtree ``actor`` makes reports for that have a score for ``period`` (module
    docstring), in the tree's order."""
    units = scored_units(framework=framework, period=period, region=region)
    return units.filter(pk__in=visible_units(actor, Capability.MAKE_REPORTS).values("pk"))


def batch_regions(user: Any) -> QuerySet[Region]:
    """The regions ``user`` may start a batch over: those they hold with
    ``MAKE_REPORTS`` (a region scope, or everything)."""
    if not selectors.may_make(user):
        return Region.objects.none()
    return regions_held_with(user, Capability.MAKE_REPORTS)


def visible_batches(user: Any) -> QuerySet[ReportBatch]:
    """The batches ``user`` sees: those they started, and those of the regions they make
    reports over; none for anyone who makes no report."""
    if not user.is_authenticated or not selectors.may_make(user):
        return ReportBatch.objects.none()
    if has_global_scope(user, Capability.MAKE_REPORTS):
        return ReportBatch.objects.all()
    return ReportBatch.objects.filter(
        Q(created_by=user) | Q(region__in=batch_regions(user).values("pk"))
    )


def batch_reports(*, batch: ReportBatch, user: Any) -> QuerySet[Report]:
    """The reports ``batch`` made that ``user`` may see, in the units' order."""
    return (
        selectors.reports_for(user)
        .filter(batch=batch)
        .select_related("unit")
        .order_by("unit__path", "pk")
    )


def last_activity(batch: ReportBatch) -> datetime.datetime:
    """When ``batch`` last moved: its latest report generated, else when it started."""
    latest = batch.reports.aggregate(latest=Max("generated_at"))["latest"]
    return max(latest, batch.created_at) if latest else batch.created_at


def is_interrupted(batch: ReportBatch, *, now: datetime.datetime | None = None) -> bool:
    """Whether ``batch`` is not done and has not moved for ``STALE_AFTER``: its worker
    died (or none ever took it), and it may be run again."""
    if batch.status == BatchStatus.DONE:
        return False
    now = now or timezone.now()
    return now - last_activity(batch) > STALE_AFTER


@dataclass(frozen=True)
class Progress:
    """Where a batch stands, as its page shows it."""

    batch: ReportBatch
    percent: int
    interrupted: bool
    finished: bool

    @property
    def succeeded(self) -> int:
        return max(self.batch.done - len(self.batch.failures), 0)


def batch_progress(batch: ReportBatch) -> Progress:
    """``batch``'s progress: the share done, and whether it is interrupted or finished."""
    total = batch.total or 1
    return Progress(
        batch=batch,
        percent=min(100, round(100 * batch.done / total)),
        interrupted=is_interrupted(batch),
        finished=batch.status == BatchStatus.DONE,
    )


# -- writes -----------------------------------------------------------------------------


def batch_parts() -> int:
    """How many tasks a batch is split into, for the worker to run side by side: as many
    as it has workers (``settings.HUEY["consumer"]["workers"]``) on PostgreSQL, one on
    SQLite. SQLite lets one transaction write at a time, and ``report_generate`` renders
    inside its transaction: two parts would only wait for each other (and SQLite's
    shared in-memory test database refuses rather than waits)."""
    if connection.vendor == "sqlite":
        return 1
    huey: dict[str, Any] = getattr(settings, "HUEY", {})
    return max(1, int((huey.get("consumer") or {}).get("workers", 1)))


def _enqueue(batch_id: int, *, parts: int) -> None:
    """Queue the batch's ``parts`` tasks once the transaction that stored it commits
    (the worker must find the row it is given)."""
    from qingfeng.reports import tasks  # the task module imports this one

    language = translation.get_language() or ""

    def enqueue() -> None:
        for part in range(parts):
            tasks.run_batch(batch_id, language, part, parts)

    transaction.on_commit(enqueue)


@transaction.atomic
def batch_start(
    *,
    kind: str,
    framework: Framework,
    period: Period,
    region: Region,
    actor: User,
    parts: int | None = None,
) -> ReportBatch:
    """Store a batch of ``kind`` for every unit of ``region`` for ``framework``'s
    ``period`` (``batch_units``) as ``actor`` and queue it for the worker.
    ``PermissionDenied`` when ``actor`` may not make reports over ``region``;
    ``ValidationError`` (in words) for a kind that is not one report per unit, a period
    the kind is not made for, or no unit to generate. The units are shared among
    ``parts`` tasks (``batch_parts()`` by default) the worker runs side by side."""
    if not batch_regions(actor).filter(pk=region.pk).exists():
        raise PermissionDenied
    if kind not in batch_kinds():
        raise ValidationError(
            pgettext("report batch", "A batch makes the reports about one unit each.")
        )
    spec = kind_spec(kind)
    if spec.period_kinds and period.kind not in spec.period_kinds:
        raise ValidationError(
            pgettext("report batch", "This kind of report is not made for this period.")
        )
    total = batch_units(actor=actor, framework=framework, period=period, region=region).count()
    if not total:
        raise ValidationError(
            pgettext("report batch", "No unit of this region has scores for this period.")
        )
    batch = ReportBatch.objects.create(
        kind=kind,
        framework=framework,
        period=str(period),
        region=region,
        total=total,
        created_by=actor,
    )
    _enqueue(batch.pk, parts=parts or batch_parts())
    return batch


@transaction.atomic
def batch_resume(*, batch: ReportBatch, actor: User) -> ReportBatch:
    """Queue an interrupted ``batch`` again (``ValidationError`` when it is not): its
    failures are cleared and tried again, the units it already made are skipped."""
    batch = ReportBatch.objects.select_for_update().get(pk=batch.pk)
    if not is_interrupted(batch):
        raise ValidationError(pgettext("report batch", "This batch is not interrupted."))
    made = batch.reports.count()
    ReportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.QUEUED, done=made, failures=[], finished_at=None
    )
    logger.info("batch %s resumed by %s", batch.pk, actor.pk)
    _enqueue(batch.pk, parts=batch_parts())
    batch.refresh_from_db()
    return batch


def _failure(unit: Unit, error: BaseException) -> dict[str, str]:
    if isinstance(error, ValidationError):
        message = " ".join(str(m) for m in error.messages)
    elif isinstance(error, PermissionDenied):
        message = pgettext("report batch", "This unit is no longer in your scope.")
    else:
        # The error's kind and text are for the log (``batch_run`` writes them there
        # with the unit), not for the page: a user reads what to do.
        message = pgettext(
            "report batch",
            "An unexpected error: the system administrator finds it in the log, "
            "under this unit's code.",
        )
    return {"unit": unit.code, "name": unit.name, "error": message}


def _generate_one(*, batch: ReportBatch, unit: Unit, actor: User | None) -> None:
    """Generate ``batch``'s report of ``unit``; raises what stops it."""
    # The scope is read again for each unit: a unit taken out of the starter's scope (or
    # an account deactivated) while the batch runs is not generated with the old rights.
    if actor is None or not visible_units(actor, Capability.MAKE_REPORTS).filter(pk=unit.pk):
        raise PermissionDenied
    subject = Subject(
        framework=batch.framework,
        period=Period.parse(batch.period),
        region=batch.region,
        unit=unit,
    )
    report_generate(kind=batch.kind, subject=subject, actor=actor, batch_id=batch.pk)


T = TypeVar("T")

# A write is tried again this many times when SQLite answers "locked" (2.1 s in all).
LOCK_RETRIES = 6


def retrying_locks(make: Callable[[], T], *, retries: int = LOCK_RETRIES) -> T:
    """``make()``, tried again (after 0.1 s, 0.2 s, …) when SQLite answers that a table or
    the database is locked: in shared-cache mode (the test server's in-memory database)
    and when a read snapshot must be upgraded to a write, SQLite reports another
    connection's lock at once instead of waiting out its busy timeout. A batch's unit
    must not be listed as failed for that, nor its progress left behind; ``make`` runs
    in its own transaction, so a retry starts afresh. Any other error, or a lock that
    lasts, is raised."""
    for attempt in range(retries + 1):
        try:
            return make()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == retries:
                raise
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")  # the loop returns or raises


def _made(batch_id: int, unit: Unit) -> bool:
    """Whether the batch has made ``unit``'s report already."""
    return Report.objects.filter(batch_id=batch_id, unit=unit).exists()


def _update_batch(queryset: QuerySet[ReportBatch], **values: Any) -> int:
    """``queryset.update(**values)``, tried again while SQLite says the table is locked:
    every part of a batch writes the same row."""
    return retrying_locks(lambda: queryset.update(**values))


def _count_one(batch_id: int) -> None:
    """One more unit done (never past the total: the bar reads done of total)."""
    _update_batch(ReportBatch.objects.filter(pk=batch_id, done__lt=F("total")), done=F("done") + 1)


def _add_failure(batch_id: int, failure: dict[str, str]) -> None:
    """Count one unit done and keep its failure: read, append and write under the row's
    lock, as another part of the batch may add one at the same time."""

    def add() -> None:
        with transaction.atomic():
            batch = ReportBatch.objects.select_for_update().get(pk=batch_id)
            ReportBatch.objects.filter(pk=batch_id).update(
                done=min(batch.done + 1, batch.total), failures=[*batch.failures, failure]
            )

    retrying_locks(add)


def batch_run(
    batch_id: int, *, language: str = "", part: int = 0, parts: int = 1
) -> ReportBatch | None:
    """Run part ``part`` of ``parts`` of the batch ``batch_id`` (the worker's task): the
    part's share of the units (every ``parts``-th, in the tree's order) not made yet,
    each in its own transaction, keeping each failure with its unit and error (in
    ``language``, the starter's) and moving ``done`` after each unit. The part that
    ends last (``done`` reaching ``total``) marks the batch done. None when the batch is
    gone or already done."""
    claimed = ReportBatch.objects.filter(pk=batch_id).exclude(status=BatchStatus.DONE)
    if not _update_batch(claimed, status=BatchStatus.RUNNING):
        return None
    batch = ReportBatch.objects.select_related("framework", "region", "created_by").get(pk=batch_id)
    actor = batch.created_by
    # The region's units, not the starter's scope of now: a unit the starter may no
    # longer make reports for is listed as a failure saying so (``_generate_one``),
    # rather than dropped without a word. A region holder's scope covers them all.
    units = list(
        scored_units(
            framework=batch.framework, period=Period.parse(batch.period), region=batch.region
        )
    )
    made = set(batch.reports.values_list("unit_id", flat=True))
    failed = {f["unit"] for f in batch.failures}
    # The units may have changed since the start (a unit scored or moved): the total
    # follows, counting the units already made (every part computes the same number).
    _update_batch(ReportBatch.objects.filter(pk=batch_id), total=len({u.pk for u in units} | made))
    with translation.override(language or None):
        for unit in units[part::parts]:
            # Asked again for each unit: a task delivered twice (a batch run again while
            # its first task still waited in the queue) skips what the other made.
            if unit.pk in made or unit.code in failed or _made(batch_id, unit):
                continue
            try:
                retrying_locks(partial(_generate_one, batch=batch, unit=unit, actor=actor))
            except Exception as error:  # one unit's failure must not stop the others
                if not isinstance(error, ValidationError | PermissionDenied):
                    logger.exception("batch %s: unit %s failed", batch_id, unit.code)
                _add_failure(batch_id, _failure(unit, error))
            else:
                _count_one(batch_id)
    _update_batch(
        ReportBatch.objects.filter(pk=batch_id, done__gte=F("total")),
        status=BatchStatus.DONE,
        finished_at=timezone.now(),
    )
    batch.refresh_from_db()
    return batch
