"""The demo county's indicators fed by fulfilment: LK H1.2 and PG F1 (the 主体责任 rate
leaves) are wired, and the demo's last quarter is fed from the duty lists."""

from __future__ import annotations

import pytest

from qingfeng.demo.dutyfeed import DEMO_DUTY_FEEDS
from qingfeng.demo.records import QUARTERS
from qingfeng.duties.feed import duty_rates
from qingfeng.duties.models import DutyFeed
from qingfeng.framework.models import Indicator
from qingfeng.records.models import Record
from tests.demo_county import DemoCounty

pytestmark = pytest.mark.django_db


def test_lk_and_pg_duty_leaves_are_rate_leaves_and_fed(demo_county: DemoCounty) -> None:
    wired = {(f.framework.code, f.indicator_code) for f in DutyFeed.objects.all()}
    assert wired == {(fw, code) for fw, codes in DEMO_DUTY_FEEDS.items() for code in codes}
    for framework_code, code in wired:
        leaf = Indicator.objects.filter(
            version__framework__code=framework_code, code=code, children__isnull=True
        ).first()
        assert leaf is not None and leaf.rule["type"] == "rate"
    quarter = QUARTERS[-1]
    rates = duty_rates(period=quarter, kinds=[])
    fed = Record.objects.filter(
        framework__code="LK", indicator_code="H1.2", external_id__startswith="duty:"
    )
    assert rates and fed.count() == len(rates)
    for record in fed:
        rate = rates[record.unit_id]
        assert record.value == pytest.approx(round(100 * rate.on_time / rate.due, 4))
        # The fed record replaced the generated one of that quarter.
        assert (
            Record.objects.filter(
                framework__code="LK",
                indicator_code="H1.2",
                unit_id=record.unit_id,
                date__gte=quarter.start,
                date__lte=quarter.end,
            ).count()
            == 1
        )
