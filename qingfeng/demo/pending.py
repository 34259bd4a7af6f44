"""Work in progress for the demo county's open quarter, so that each role's home page has
something to do: the demo clerk's drafts, records awaiting review and records returned to
it with a reason, and records a data station pushed for the demo reviewer to check.

Everything goes through the record services (``record_create``, ``record_submit``,
``record_return``), with the checks and history rows a user's entry would get; none of it
is approved, so no score changes.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.framework.models import Framework, Indicator
from qingfeng.lib.periods import Period
from qingfeng.org.models import Region, Station, Unit
from qingfeng.records.models import Record, RecordSource, RecordStatus
from qingfeng.records.review import record_return, record_submit
from qingfeng.records.selectors import applies_to_unit, station_leaves
from qingfeng.records.services import record_create

CLERK_STATION = "ST-ORG"  # the demo clerk's station
REVIEWER_STATION = "ST-CASE"  # the demo reviewer's station
DRAFTS, RETURNED, AWAITING, PUSHED = 3, 2, 4, 6
RETURN_REASONS = (
    "佐证材料不清晰，请补充会议纪要",
    "数量与问题台账不一致，请核对后重新上报",
)
NOTES = ("季度检查发现", "专项督查发现", "日常监督发现", "信访线索核查发现")


def _values(leaf: Indicator, rng: random.Random) -> dict[str, Any]:
    """A plausible entry for the leaf's rule."""
    rule = leaf.rule or {}
    kind = rule.get("type")
    if kind == "deduct":
        return {"quantity": 1.0} if rule.get("per") else {"points": float(rng.randint(1, 3))}
    if kind == "bonus":
        grades = list(rule.get("grades") or {})
        if grades:
            return {"grade": rng.choice(grades)}
        return {"quantity": 1.0} if rule.get("per") else {"points": 1.0}
    if kind in ("rate", "survey"):
        return {"value": float(rng.randint(70, 100))}
    return {"points": float(rng.randint(1, max(1, int(leaf.max))))}


def _entries(
    *, framework: Framework, station: Station, period: Period, region: Region, count: int
) -> list[tuple[Indicator, Unit]]:
    """``count`` (leaf, unit) pairs of the station's leaves, spread over leaves and units."""
    units = list(
        Unit.objects.within(region).filter(active=True).select_related("category").order_by("code")
    )
    pairs = [
        (leaf, unit)
        for leaf in station_leaves(framework=framework, station=station, period=period)
        if leaf.rule and leaf.rule.get("type") != "veto"
        for unit in units
        if applies_to_unit(leaf, unit)
    ]
    step = max(1, len(pairs) // max(1, count))
    return pairs[::step][:count]


def _day(period: Period, rng: random.Random, today: datetime.date) -> datetime.date:
    """A day of the open period that has already passed (its first day at the earliest)."""
    last = min(period.end, today - datetime.timedelta(days=1))
    span = max(0, (last - period.start).days)
    return period.start + datetime.timedelta(days=rng.randint(0, span))


@transaction.atomic
def demo_pending_create(*, seed: int, region: Region, framework: Framework, period: Period) -> None:
    """Create the pending records of the demo county's open ``period`` (see the module)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    if period.start > today:  # nothing of the period has happened yet
        return
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "commission"])}
    clerk, commission = users.get("clerk"), users.get("commission")
    stations = {s.code: s for s in Station.objects.within(region)}

    def create(leaf: Indicator, unit: Unit, station: Station, actor: User | None) -> Record:
        return record_create(
            framework=framework,
            indicator_code=leaf.code,
            unit=unit,
            date=_day(period, rng, today),
            actor=actor,
            open_periods_only=True,
            station=station,
            source=RecordSource.TYPED if actor else RecordSource.API,
            status=RecordStatus.DRAFT,
            note=rng.choice(NOTES),
            **_values(leaf, rng),
        )

    if clerk and commission and CLERK_STATION in stations:
        station = stations[CLERK_STATION]
        pairs = _entries(
            framework=framework,
            station=station,
            period=period,
            region=region,
            count=DRAFTS + RETURNED + AWAITING,
        )
        for n, (leaf, unit) in enumerate(pairs):
            record = create(leaf, unit, station, clerk)
            if n < DRAFTS:
                continue
            record_submit(record=record, actor=clerk)
            if n < DRAFTS + RETURNED:
                reason = RETURN_REASONS[(n - DRAFTS) % len(RETURN_REASONS)]
                record_return(record=record, reason=reason, actor=commission)
    if REVIEWER_STATION in stations:
        station = stations[REVIEWER_STATION]
        pairs = _entries(
            framework=framework, station=station, period=period, region=region, count=PUSHED
        )
        for leaf, unit in pairs:
            # As a station's system pushes it through the API: no author, submitted.
            record_submit(record=create(leaf, unit, station, None), actor=None)
