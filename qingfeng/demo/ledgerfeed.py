"""The demo's indicators fed by the problem ledger (issue 12, point 7).

LK's 问题整改 leaves (H2.1 巡察反馈问题整改完成率 from inspection problems, H2.2
审计发现问题整改完成率 from audit problems) and PG's (H1 巡察审计反馈问题整改完成率 from
inspection and audit problems, H2 日常检查发现问题整改完成率 from supervision and
unannounced-visit problems) are fed by the ledger. Every one is a ``rate`` leaf (zero at
60 %, full at 100 %), so no framework file changes.

When the demo ledger holds problems due in the demo's last quarter, that quarter is fed
(its collection is closed in the demo, hence ``allow_closed``): a unit's fed record
replaces the generated record it had on the leaf that quarter, so its score shows the
ledger's rate and not a mean of the two. Without problems nothing is fed.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.org.models import Unit
from qingfeng.records.models import Record, RecordSource
from qingfeng.rectification.feedback import feed_ledger, ledger_rates
from qingfeng.rectification.models import LedgerFeed, ProblemSource

# framework code -> (indicator code, the sources counted)
DEMO_FEEDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "LK": (
        ("H2.1", (ProblemSource.INSPECTION,)),
        ("H2.2", (ProblemSource.AUDIT,)),
    ),
    "PG": (
        ("H1", (ProblemSource.INSPECTION, ProblemSource.AUDIT)),
        ("H2", (ProblemSource.SUPERVISION, ProblemSource.UNANNOUNCED)),
    ),
}


def demo_ledger_feeds_create(*, frameworks: Sequence[Framework], quarter: Period) -> int:
    """Wire the demo's ledger-fed indicators and feed ``quarter`` (the demo's last one,
    if it has ended and problems are due in it); the number of fed records."""
    fed = 0
    for framework in frameworks:
        wanted = DEMO_FEEDS.get(framework.code, ())
        for code, sources in wanted:
            LedgerFeed.objects.update_or_create(
                framework=framework, indicator_code=code, defaults={"sources": list(sources)}
            )
        if not wanted or quarter.end >= timezone.localdate():
            continue
        units = list(Unit.objects.filter(active=True).within(framework.region))
        for code, sources in wanted:
            due = ledger_rates(units=units, period=quarter, sources=list(sources))
            generated = Record.objects.filter(
                framework=framework,
                indicator_code=code,
                unit_id__in=list(due),
                date__gte=quarter.start,
                date__lte=quarter.end,
                source=RecordSource.DEMO,
                problems__isnull=True,
            )
            generated.delete()
        result = feed_ledger(framework=framework, period=quarter, allow_closed=True)
        fed += result.created
    return fed
