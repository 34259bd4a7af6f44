"""``manage.py duty_feed --framework CODE --period P`` (one period) or ``duty_feed
--ended`` (daily, from cron next to ``feed_ledger --ended``): write the fulfilment-fed
rate records and recompute the scores (docs/duties-boards.md)."""

from __future__ import annotations

import datetime

from qingfeng.duties.feed import duty_feed_ended, feed_duties
from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.records.feed_command import FeedCommand
from qingfeng.records.rate_feeds import FeedResult, FeedRun


class Command(FeedCommand):
    help = (
        "Feed the indicators fed by fulfilment: rate records of duty tasks done on time "
        "over tasks due, per unit, for an ended period."
    )

    def feed_period(
        self, *, framework: Framework, period: Period, today: datetime.date | None, closed: bool
    ) -> FeedResult:
        return feed_duties(framework=framework, period=period, today=today, allow_closed=closed)

    def feed_ended(self, *, today: datetime.date | None) -> list[FeedRun]:
        return duty_feed_ended(today=today)
