"""Whether a period's results are final and whole, and whether two periods may be
compared: the one rule for every page (overview, heat map, portrait, ranking,
comparisons), ``PeriodStates``. See docs/design.md, "Periods".

A period is open ("采集中，数据不完整") while it has not ended or some of its dates still take
records; covered when the framework's data began before its midpoint; a change is computed
only between two periods of the same kind that are both closed and covered.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period, period_label
from qingfeng.records.models import CollectionPeriod, PeriodStatus, Record, RecordStatus


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
