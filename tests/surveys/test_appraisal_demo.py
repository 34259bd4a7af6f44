"""The demo county's democratic evaluation: two teams, most slips cast, open, feeding
LK's I1.1 for 2026H2 without meeting the demo's own I1.1 records."""

from __future__ import annotations

import datetime

import pytest

from qingfeng.demo.surveys_appraisal import CODE, seed_appraisal
from qingfeng.org.models import Region
from qingfeng.records.models import Record
from qingfeng.surveys.feed import fed_leaf
from qingfeng.surveys.models import Appraisal, RunStatus
from qingfeng.surveys.selectors_appraisals import all_team_units, team_results
from qingfeng.surveys.services_appraisals import appraisal_close
from tests.demo_county import DemoCounty

pytestmark = pytest.mark.django_db


def test_the_demo_evaluation_is_open_and_closes_into_i1_1(demo_county: DemoCounty) -> None:
    county = Region.objects.get(name="黎城县")
    seed_appraisal(county)  # nothing when the demo seeding made it already
    appraisal = Appraisal.objects.get(code=CODE)
    assert appraisal.status == RunStatus.OPEN and appraisal.period == "2026H2"
    leaf = fed_leaf(appraisal)
    assert leaf is not None and (leaf.code, leaf.rule["type"], leaf.max) == ("I1.1", "direct", 20)
    teams = team_results(appraisal, units=all_team_units(appraisal))
    assert [team.unit.name for team in teams] == ["东阳关镇", "县教育局"]
    assert [(team.valid_slips, team.slips_total) for team in teams] == [(36, 40), (36, 40)]
    assert all(len(team.leaders) >= 4 for team in teams)
    channels = set(appraisal.slips.exclude(channel="").values_list("channel", flat=True))
    assert channels == {"paper", "phone"}
    # 2026H2's records are dated its last day; the demo has no I1.1 record there.
    end = datetime.date(2026, 12, 31)
    i1_1 = Record.objects.filter(framework__code="LK", indicator_code="I1.1")
    assert not i1_1.filter(date__gt=datetime.date(2026, 6, 30)).exists()
    appraisal_close(appraisal=appraisal, actor=None)
    fed = i1_1.filter(date=end).order_by("unit__code")
    values = {r.unit.name: r.points for r in fed}
    assert values == {
        team.unit.name: pytest.approx(round(20 * team.approving / team.total, 4)) for team in teams
    }
