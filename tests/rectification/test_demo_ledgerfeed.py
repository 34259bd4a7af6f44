"""The demo county's ledger-fed indicators: LK's and PG's rectification rate leaves are
wired, and problems due in the demo's last quarter feed them, replacing the generated
record of the units they concern."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from qingfeng.demo.ledgerfeed import DEMO_FEEDS, demo_ledger_feeds_create
from qingfeng.demo.records import QUARTERS
from qingfeng.framework.models import Framework, Indicator
from qingfeng.framework.selectors import ordered_indicators
from qingfeng.records.models import Record
from qingfeng.rectification import services
from qingfeng.rectification.models import LedgerFeed, Problem, ProblemSource, ProblemState
from qingfeng.scoring.models import Snapshot
from tests.demo_county import DemoCounty

pytestmark = pytest.mark.django_db


def test_lk_and_pg_rectification_rate_leaves_are_fed(demo_county: DemoCounty) -> None:
    wired = {(f.framework.code, f.indicator_code) for f in LedgerFeed.objects.all()}
    expected = {(fw, code) for fw, feeds in DEMO_FEEDS.items() for code, _sources in feeds}
    assert wired == expected
    for framework_code, code in wired:
        leaf = Indicator.objects.filter(
            version__framework__code=framework_code, code=code, children__isnull=True
        ).first()
        assert leaf is not None and leaf.rule["type"] == "rate"


def test_problems_due_in_the_last_quarter_feed_lk(demo_county: DemoCounty) -> None:
    quarter = QUARTERS[-1]
    lk = Framework.objects.get(code="LK")
    unit = Record.objects.filter(framework=lk, indicator_code="H2.1").first().unit  # type: ignore[union-attr]
    before = Snapshot.objects.get(version__framework=lk, unit=unit, period=str(quarter))
    for day, closed in ((5, True), (20, False)):
        problem = services.problem_create(
            actor=None,
            unit=unit,
            source=ProblemSource.INSPECTION,
            description="巡察反馈：三重一大决策程序不规范",
            due=datetime.date(quarter.end.year, quarter.end.month, day),
        )
        if closed:
            Problem.objects.filter(pk=problem.pk).update(
                state=ProblemState.CLOSED,
                closed_at=timezone.now().replace(year=2026, month=9, day=1),
            )
    demo_ledger_feeds_create(frameworks=[lk], quarter=quarter)
    records = Record.objects.filter(
        framework=lk, indicator_code="H2.1", unit=unit, date__gte=quarter.start
    )
    assert [(r.value, r.external_id) for r in records] == [
        (50.0, f"ledger:LK:H2.1:{quarter}:{unit.code}")
    ]
    after = Snapshot.objects.get(version__framework=lk, unit=unit, period=str(quarter))
    # 50 % is below the rule's zero (60 %): the leaf scores 0 of its 20 points.
    codes = [node.code for node in ordered_indicators(before.version)]
    old = before.nodes["score"][codes.index("H2.1")]
    assert old > 0 and after.nodes["score"][codes.index("H2.1")] == 0
    assert after.raw == pytest.approx(before.raw - old)
