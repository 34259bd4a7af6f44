"""The campaigns' pages: the list, the new form, closing from the detail page, and the
command ``close_campaign``."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from qingfeng.records.models import CollectionPeriod, Record
from qingfeng.records.periods import period_close, period_open
from qingfeng.surveys.models import Campaign, SurveyLink
from tests.conftest import client_for
from tests.surveys.campaign_helpers import respond
from tests.surveys.conftest import SurveyWorld, make_campaign


def test_the_list_shows_units_answers_and_the_buttons(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a2])
    respond(campaign, org.unit_a2, 80.0, 60.0, 40.0)
    text = client_for(survey_world.admin).get("/surveys/campaigns/").content.decode()
    assert campaign.name in text and "新建问卷调查" in text
    assert '<td class="text-end" data-testid="unit-count">2</td>' in text
    assert '<td class="text-end" data-testid="answer-count">3</td>' in text
    analyst = client_for(survey_world.analyst).get("/surveys/campaigns/").content.decode()
    assert campaign.name in analyst and "新建问卷调查" not in analyst


def test_the_new_form_offers_feedable_leaves_and_units_by_category(
    survey_world: SurveyWorld,
) -> None:
    framework = survey_world.lc.framework
    client = client_for(survey_world.admin)
    page = client.get("/surveys/campaigns/new/", {"period": "2025Q3", "framework": framework.pk})
    # period_choices offers the periods around today: 2025Q3 may not be among them.
    text = page.content.decode()
    assert page.status_code == 200
    assert "全选该类单位" in text and "政府部门" in text and "镇街" in text
    assert "黎城县教育局" in text and "平顺县财政局" not in text


def test_the_new_form_starts_a_campaign(survey_world: SurveyWorld) -> None:
    from qingfeng.surveys.selectors import period_choices

    org = survey_world.org
    period = period_choices()[0][0]
    client = client_for(survey_world.admin)
    answer = client.post(
        "/surveys/campaigns/new/",
        {
            "region": org.county_a.pk,
            "period": period,
            "version": survey_world.version.pk,
            "framework": "",
            "indicator_code": "",
            "units": [org.unit_a1.pk, org.unit_a2.pk],
            "code": f"SV-{period}",
            "name": "群众满意度调查",
        },
        follow=True,
    )
    campaign = Campaign.objects.get(code=f"SV-{period}")
    assert answer.redirect_chain[-1][0] == f"/surveys/campaigns/{campaign.pk}/"
    assert campaign.links.count() == 2 and campaign.region == org.county_a
    assert "共2个链接" in answer.content.decode()


def test_the_new_form_shows_a_refusal_on_the_form(survey_world: SurveyWorld) -> None:
    from qingfeng.surveys.selectors import period_choices

    org = survey_world.org
    survey_world.version.categories.set([org.township])
    period = period_choices()[0][0]
    answer = client_for(survey_world.admin).post(
        "/surveys/campaigns/new/",
        {
            "region": org.county_a.pk,
            "period": period,
            "version": survey_world.version.pk,
            "framework": "",
            "units": [org.unit_a2.pk],
            "code": "bad code!",
            "name": "x",
        },
    )
    assert answer.status_code == 200 and not Campaign.objects.exists()
    assert 'data-category="government"' not in answer.content.decode()  # not offered


def test_the_close_button_writes_the_records_and_says_what(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a2])
    respond(campaign, org.unit_a2, 80.0, 70.0)
    client = client_for(survey_world.admin)
    assert (
        'data-testid="close-campaign"'
        in client.get(f"/surveys/campaigns/{campaign.pk}/").content.decode()
    )
    answer = client.post(f"/surveys/campaigns/{campaign.pk}/close/", follow=True)
    text = answer.content.decode()
    assert "1个单位得出满意度；新增数据1条" in text
    assert Record.objects.get().value == 75.0
    assert 'data-testid="close-campaign"' not in text  # closed: no button
    again = client.post(f"/surveys/campaigns/{campaign.pk}/close/", follow=True)
    assert "此前已结束，本次未写入任何数据" in again.content.decode()
    assert Record.objects.count() == 1
    # An analyst reads but does not close.
    assert (
        client_for(survey_world.analyst)
        .post(f"/surveys/campaigns/{campaign.pk}/close/")
        .status_code
        == 404
    )


def test_the_close_button_shows_a_refusal(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    framework = survey_world.lc.framework
    period_open(framework=framework, period="2025Q3", actor=None)
    period_close(
        collection=CollectionPeriod.objects.get(framework=framework, period="2025Q3"), actor=None
    )
    campaign = make_campaign(survey_world, units=[org.unit_a2])
    respond(campaign, org.unit_a2, 80.0)
    answer = client_for(survey_world.admin).post(
        f"/surveys/campaigns/{campaign.pk}/close/", follow=True
    )
    assert "数据采集已关闭" in answer.content.decode()
    campaign.refresh_from_db()
    assert campaign.is_open and not Record.objects.exists()


def test_the_command_closes_once_and_a_rerun_adds_nothing(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a2])
    respond(campaign, org.unit_a1, 100.0, 50.0)
    respond(campaign, org.unit_a2, 25.0)
    out = io.StringIO()
    call_command("close_campaign", "SV-2025Q3", stdout=out)
    assert "2个单位得出满意度；新增数据2条" in out.getvalue()
    assert sorted(Record.objects.values_list("unit__code", "value")) == [("A1", 75.0), ("A2", 25.0)]
    campaign.refresh_from_db()
    assert not campaign.is_open and campaign.closed_by is None  # the stand-in is no account
    again = io.StringIO()
    call_command("close_campaign", "SV-2025Q3", "--user", "admin_a", stdout=again)
    assert "此前已结束" in again.getvalue()
    assert Record.objects.count() == 2


def test_the_command_refuses_with_the_reason(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    make_campaign(survey_world, units=[org.unit_a2])
    with pytest.raises(CommandError, match="NOPE"):
        call_command("close_campaign", "NOPE")
    with pytest.raises(CommandError, match="nobody"):
        call_command("close_campaign", "SV-2025Q3", "--user", "nobody")
    from qingfeng.accounts.roles import Role
    from tests.conftest import make_user

    make_user("admin_b", Role.COMMISSION_ADMIN, region=org.county_b)
    with pytest.raises(CommandError, match="SV-2025Q3"):
        call_command("close_campaign", "SV-2025Q3", "--user", "admin_b")
    framework = survey_world.lc.framework
    period_open(framework=framework, period="2025Q3", actor=None)
    period_close(
        collection=CollectionPeriod.objects.get(framework=framework, period="2025Q3"), actor=None
    )
    respond(Campaign.objects.get(), org.unit_a2, 50.0)
    with pytest.raises(CommandError, match="采集已关闭"):
        call_command("close_campaign", "SV-2025Q3")
    assert Campaign.objects.get().is_open and not Record.objects.exists()


def test_a_closed_campaign_is_not_open_so_its_links_answer_nothing(
    survey_world: SurveyWorld,
) -> None:
    """The public page is another part's; what it reads is ``campaign.is_open``."""
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a2])
    call_command("close_campaign", "SV-2025Q3", stdout=io.StringIO())
    link = SurveyLink.objects.select_related("campaign").get(campaign=campaign)
    assert not link.campaign.is_open
    # Once merged with the public page, this is its answer; here no page answers either.
    assert Client().get(f"/s/{link.token}/").status_code == 404
