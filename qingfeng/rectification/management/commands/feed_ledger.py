"""``manage.py feed_ledger --framework CODE --period P`` (one period) or ``feed_ledger
--ended`` (daily, from cron: every framework's periods ended within the last year): write
the ledger-fed rate records and recompute the scores (docs/ledger-feedback.md)."""

from __future__ import annotations

import datetime

from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.records.feed_command import FeedCommand
from qingfeng.records.rate_feeds import FeedResult, FeedRun
from qingfeng.rectification.feedback import feed_ended, feed_ledger


class Command(FeedCommand):
    help = (
        "Feed the indicators fed by the problem ledger: rate records of problems closed on "
        "time over problems due, per unit, for an ended period."
    )

    def feed_period(
        self, *, framework: Framework, period: Period, today: datetime.date | None, closed: bool
    ) -> FeedResult:
        return feed_ledger(framework=framework, period=period, today=today, allow_closed=closed)

    def feed_ended(self, *, today: datetime.date | None) -> list[FeedRun]:
        return feed_ended(today=today)
