"""The demo campaign (``qingfeng.demo.surveys_campaign``) as ``seed_demo`` makes it: open,
on LK's survey leaf J2.1 for 2026Q3, a link per active unit of the demo county, simulated
responses scored by the rules, most units at their quota and a few short of it."""

from __future__ import annotations

import pytest

from qingfeng.demo.surveys_campaign import CAMPAIGN_CODE
from qingfeng.org.models import Unit
from qingfeng.surveys import rules
from qingfeng.surveys.models import Campaign, RunStatus, SurveyResponse
from qingfeng.surveys.selectors import question_rules
from tests.demo_county import DemoCounty

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_is_open_with_scored_responses(demo_county: DemoCounty) -> None:
    campaign = Campaign.objects.get(code=CAMPAIGN_CODE)
    assert campaign.status == RunStatus.OPEN and campaign.period == "2026Q3"
    assert (campaign.framework.code, campaign.indicator_code) == ("LK", "J2.1")
    assert campaign.version.questionnaire.name == "群众满意度调查问卷"
    county_units = Unit.objects.filter(region=campaign.region, active=True).count()
    assert campaign.links.count() == county_units > 100
    responses = SurveyResponse.objects.filter(link__campaign=campaign)
    assert responses.count() > 1000
    quota = rules.QuotaRule.from_json(campaign.quota_tiers)
    version_rules = question_rules(campaign.version)
    short = 0
    for link in campaign.links.select_related("unit"):
        theirs = list(responses.filter(link=link))
        short += len(theirs) < quota.required(link.unit.headcount)
        for response in theirs[:3]:
            assert response.score == rules.response_score(version_rules, response.answers)
            assert response.submitted_at.second == 0
    assert 1 <= short <= 10
