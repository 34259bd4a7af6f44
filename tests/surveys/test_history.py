"""The surveys' instruments and questionnaires have their change history page, in the
surveys' read rule: county B's commission gets a 404."""

from __future__ import annotations

from django.urls import reverse

from qingfeng.accounts.roles import Role
from qingfeng.surveys.services_campaigns import campaign_close
from tests.conftest import client_for, make_user
from tests.surveys.conftest import SurveyWorld, make_campaign


def test_it_shows_a_campaigns_history_with_who_closed_it(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a2])
    campaign_close(campaign=campaign, actor=survey_world.admin)
    url = reverse("core:history", args=["campaign", campaign.pk])
    page = client_for(survey_world.admin).get(url)
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    # Created, then closed by county A's administrator; the period in words.
    assert text.count(str(survey_world.admin)) >= 2
    assert "已关闭" in text and "2025年第三季度" in text
    outsider = make_user("admin_b", Role.COMMISSION_ADMIN, region=org.county_b)
    assert client_for(outsider).get(url).status_code == 404


def test_it_shows_a_questionnaires_history(survey_world: SurveyWorld) -> None:
    questionnaire = survey_world.version.questionnaire
    url = reverse("core:history", args=["questionnaire", questionnaire.pk])
    assert client_for(survey_world.analyst).get(url).status_code == 200
    detail = reverse("surveys:questionnaire_detail", args=[questionnaire.pk])
    assert url in client_for(survey_world.admin).get(detail).content.decode()
