"""The demo campaign (``qingfeng.demo.surveys_campaign``) on the surveys' test county: open,
a link per active unit, simulated responses scored by the rules, and gone after reset."""

from __future__ import annotations

import pytest

from qingfeng.demo.surveys_campaign import CAMPAIGN_CODE, demo_campaign_reset, seed_campaign
from qingfeng.surveys import rules
from qingfeng.surveys.models import Campaign, Questionnaire, RunStatus, SurveyResponse
from qingfeng.surveys.selectors import question_rules
from tests.surveys.conftest import SurveyWorld

pytestmark = pytest.mark.django_db


def test_it_seeds_an_open_campaign_with_scored_responses(survey_world: SurveyWorld) -> None:
    county = survey_world.org.county_a
    framework = survey_world.lc.framework
    framework.code = "LK"  # the demo's framework code; the leaf is not checked here
    framework.save()
    made = seed_campaign(county=county)
    campaign = Campaign.objects.get(code=CAMPAIGN_CODE)
    assert campaign.status == RunStatus.OPEN and campaign.period == "2026Q3"
    assert (campaign.framework, campaign.indicator_code) == (framework, "J2.1")
    units = {link.unit.name for link in campaign.links.select_related("unit")}
    assert units == {"黎城县教育局", "黎城县第一中学", "黎侯镇"}
    responses = SurveyResponse.objects.filter(link__campaign=campaign)
    assert responses.count() == made > 0
    quota = rules.QuotaRule.from_json(campaign.quota_tiers)
    version_rules = question_rules(campaign.version)
    for link in campaign.links.select_related("unit"):
        theirs = list(responses.filter(link=link))
        assert len(theirs) >= quota.required(link.unit.headcount)  # none short of 3 units
        for response in theirs:
            assert response.score == rules.response_score(version_rules, response.answers)
            assert response.submitted_at.second == 0

    demo_campaign_reset()
    assert not Campaign.objects.exists() and not SurveyResponse.objects.exists()
    assert not Questionnaire.objects.filter(code="Q-DEMO-SAT").exists()
