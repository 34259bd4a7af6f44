"""The demo's indicators fed by fulfilment (issue 14, item 7).

LK's H1.2 (班子成员“一岗双责”) and PG's F1 (责任清单和履责纪实), the 主体责任 leaves that the
duty lists answer, are ``rate`` leaves (zero at 60 %, full at 100 %) fed by the rate of
duty tasks done on time. The demo's last quarter (2026Q3, closed in the demo, hence
``allow_closed``) is fed: the generated record a unit had on the leaf that quarter
becomes the fed record (dated the quarter's last day) (the feed updates its value
and note, with history), so its score shows the duty lists' rate and not a mean of two
records; a unit without one gets a new record. Without dues in the quarter nothing is fed.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from qingfeng.duties.feed import duty_rates, external_id, feed_duties
from qingfeng.duties.models import DutyFeed
from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.records.models import Record, RecordSource

# framework code -> the indicator codes fed by fulfilment
DEMO_DUTY_FEEDS: dict[str, tuple[str, ...]] = {"LK": ("H1.2",), "PG": ("F1",)}


def demo_duty_feeds_create(*, frameworks: Sequence[Framework], quarter: Period) -> int:
    """Wire the demo's fulfilment-fed indicators and feed ``quarter`` (if it has ended
    and tasks are due in it); the number of fed records."""
    fed = 0
    for framework in frameworks:
        wanted = DEMO_DUTY_FEEDS.get(framework.code, ())
        for code in wanted:
            DutyFeed.objects.update_or_create(
                framework=framework, indicator_code=code, defaults={"kinds": [], "active": True}
            )
        if not wanted or quarter.end >= timezone.localdate():
            continue
        due = duty_rates(period=quarter, kinds=[])
        if not due:
            continue
        # The generated record a unit has on the leaf that quarter (a rate leaf gets at
        # most one) becomes the fed one, dated the quarter's last day like a fed record:
        # the feed then updates its value and note (with history) instead of adding a
        # second record that the rate rule would average with it.
        generated = Record.objects.filter(
            framework=framework,
            indicator_code__in=wanted,
            unit_id__in=list(due),
            date__gte=quarter.start,
            date__lte=quarter.end,
            source=RecordSource.DEMO,
            external_id="",
        ).select_related("unit")
        claimed = []
        for record in generated:
            record.external_id = external_id(
                framework=framework,
                indicator_code=record.indicator_code,
                period=quarter,
                unit=record.unit,
            )
            record.date = quarter.end
            claimed.append(record)
        Record.objects.bulk_update(claimed, ["external_id", "date"])
        result = feed_duties(framework=framework, period=quarter, allow_closed=True)
        fed += result.created
    return fed
