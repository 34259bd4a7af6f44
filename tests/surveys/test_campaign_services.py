"""Starting, extending and closing a campaign (``surveys.services_campaigns``)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from qingfeng.records.models import CollectionPeriod, Record
from qingfeng.records.periods import period_close, period_open
from qingfeng.surveys.models import Campaign, RunStatus, SurveyLink, VersionStatus
from qingfeng.surveys.services_campaigns import (
    campaign_add_units,
    campaign_close,
    campaign_create,
)
from tests.conftest import make_user
from tests.surveys.campaign_helpers import respond
from tests.surveys.conftest import SurveyWorld, make_campaign, make_questionnaire


def create(world: SurveyWorld, **changes: object) -> Campaign:
    arguments: dict[str, object] = {
        "actor": world.admin,
        "code": "SV-2025Q3",
        "name": "2025年第三季度群众满意度调查",
        "version": world.version,
        "period": "2025Q3",
        "framework": world.lc.framework,
        "indicator_code": "001",
        "units": [world.org.unit_a1, world.org.unit_a2],
    }
    arguments.update(changes)
    return campaign_create(**arguments)  # type: ignore[arg-type]


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_it_starts_a_campaign_with_one_unguessable_link_per_unit(
    survey_world: SurveyWorld,
) -> None:
    campaign = create(survey_world)
    links = list(campaign.links.order_by("unit__code"))
    assert [link.unit.code for link in links] == ["A1", "A2"]
    assert len({link.token for link in links}) == 2
    assert all(len(link.token) >= 22 for link in links)
    assert campaign.quota_tiers == {"tiers": [[49, 30.0], [200, 20.0], [None, 15.0]], "floor": 10}
    assert campaign.created_by == survey_world.admin
    assert campaign.history.first().history_user == survey_world.admin  # type: ignore[attr-defined]
    assert campaign.is_open


def test_it_refuses_a_unit_outside_the_region_naming_it(survey_world: SurveyWorld) -> None:
    with pytest.raises(ValidationError) as error:
        create(survey_world, units=[survey_world.org.unit_a1, survey_world.org.unit_b1])
    assert messages_of(error)["units"] == ["平顺县财政局（B1）不属于黎城县。"]
    assert not Campaign.objects.exists() and not SurveyLink.objects.exists()


def test_it_refuses_a_unit_of_a_category_the_questionnaire_is_not_written_for(
    survey_world: SurveyWorld,
) -> None:
    survey_world.version.categories.set([survey_world.org.township])
    with pytest.raises(ValidationError) as error:
        create(survey_world)
    (message,) = messages_of(error)["units"]
    assert "黎城县教育局（A1）" in message and "政府部门" in message and "镇街" in message
    assert not Campaign.objects.exists()


def test_it_refuses_an_inactive_unit(survey_world: SurveyWorld) -> None:
    unit = survey_world.org.unit_a2
    unit.active = False
    unit.save()
    with pytest.raises(ValidationError) as error:
        create(survey_world)
    assert any("黎侯镇（A2）" in message for message in messages_of(error)["units"])


def test_it_refuses_an_unpublished_version(survey_world: SurveyWorld) -> None:
    draft = make_questionnaire(survey_world.org.county_a, code="Q-DRAFT", name="草稿问卷")
    draft.status = VersionStatus.DRAFT
    draft.save()
    with pytest.raises(ValidationError) as error:
        create(survey_world, version=draft)
    (message,) = messages_of(error)["version"]
    assert "草稿问卷" in message
    assert not Campaign.objects.exists()


def test_it_refuses_a_questionnaire_of_another_region(survey_world: SurveyWorld) -> None:
    other = make_questionnaire(survey_world.org.county_b, code="Q-B", name="平顺县问卷")
    with pytest.raises(ValidationError) as error:
        create(survey_world, version=other, region=survey_world.org.county_a)
    assert "平顺县问卷" in messages_of(error)["version"][0]


def test_it_refuses_a_region_the_actor_does_not_run(survey_world: SurveyWorld) -> None:
    with pytest.raises(ValidationError) as error:
        create(survey_world, region=survey_world.org.county_b, units=[survey_world.org.unit_b1])
    assert "平顺县" in messages_of(error)["region"][0]


def test_it_refuses_a_leaf_that_is_not_a_survey_leaf(survey_world: SurveyWorld) -> None:
    for code in ("A3", "A1.2", "NOPE"):
        with pytest.raises(ValidationError) as error:
            create(survey_world, indicator_code=code)
        (message,) = messages_of(error)["indicator_code"]
        assert code in message and "黎城县政治生态评估指标体系" in message
    assert not Campaign.objects.exists()


def test_it_refuses_a_code_taken(survey_world: SurveyWorld) -> None:
    create(survey_world)
    with pytest.raises(ValidationError) as error:
        create(survey_world)
    assert "code" in messages_of(error)


def test_it_adds_units_to_an_open_campaign_once(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    campaign = create(survey_world, units=[org.unit_a1])
    assert campaign_add_units(campaign=campaign, units=[org.unit_a1, org.unit_a2], actor=None) == 1
    assert set(campaign.links.values_list("unit__code", flat=True)) == {"A1", "A2"}
    with pytest.raises(ValidationError):
        campaign_add_units(campaign=campaign, units=[org.unit_b1], actor=None)
    campaign_close(campaign=campaign, actor=survey_world.admin)
    with pytest.raises(ValidationError, match=r"closed|已关闭|已结束"):
        campaign_add_units(campaign=campaign, units=[org.unit_a1_sub], actor=None)


def test_it_closes_into_one_record_per_unit_the_mean_of_its_stored_scores(
    survey_world: SurveyWorld,
) -> None:
    org = survey_world.org
    station = org.station_a
    leaf = survey_world.lc.indicators.get(code="001")
    leaf.station = station
    leaf.save()
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a2, org.unit_a1_sub])
    respond(campaign, org.unit_a1, 100.0, 75.0, 50.0, None)  # None: a response scoring nothing
    respond(campaign, org.unit_a2, 62.5, 87.5)
    respond(campaign, org.unit_a1_sub, None)  # no scored response: no record

    result = campaign_close(campaign=campaign, actor=survey_world.admin)

    records = Record.objects.filter(indicator_code="001").order_by("unit__code")
    assert [(r.unit.code, r.value) for r in records] == [("A1", 75.0), ("A2", 75.0)]
    assert {r.date for r in records} == {datetime.date(2025, 9, 30)}
    assert {r.station_id for r in records} == {station.pk}
    assert all(r.external_id.startswith("survey:SV-2025Q3:") for r in records)
    assert records[0].note == "2025年第三季度群众满意度调查：有效问卷3份，满意度75.0分"
    assert (result.feed.created, result.units_valued) == (2, 2)
    campaign.refresh_from_db()
    assert campaign.status == RunStatus.CLOSED and not campaign.is_open
    assert campaign.closed_by == survey_world.admin and campaign.closed_at is not None


def test_it_writes_nothing_when_closed_again(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a2])
    respond(campaign, org.unit_a2, 80.0)
    campaign_close(campaign=campaign, actor=survey_world.admin)
    before = list(Record.objects.values_list("pk", "value", "note"))
    history = Record.history.count()  # type: ignore[attr-defined]
    respond(campaign, org.unit_a2, 0.0)  # a late answer cannot change a closed campaign
    again = campaign_close(campaign=campaign, actor=survey_world.admin)
    assert again.already_closed and again.feed.changed == 0
    assert list(Record.objects.values_list("pk", "value", "note")) == before
    assert Record.history.count() == history  # type: ignore[attr-defined]


def test_it_refuses_to_close_when_the_collection_period_is_closed(
    survey_world: SurveyWorld,
) -> None:
    org = survey_world.org
    framework = survey_world.lc.framework
    period_open(framework=framework, period="2025Q3", actor=None)
    period_close(
        collection=CollectionPeriod.objects.get(framework=framework, period="2025Q3"), actor=None
    )
    campaign = make_campaign(survey_world, units=[org.unit_a2])
    respond(campaign, org.unit_a2, 80.0)
    with pytest.raises(ValidationError, match=r"closed|已关闭|已结束"):
        campaign_close(campaign=campaign, actor=survey_world.admin)
    campaign.refresh_from_db()
    assert campaign.is_open and campaign.closed_at is None and campaign.closed_by is None
    assert not Record.objects.exists()


def test_it_closes_a_campaign_that_feeds_nothing(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a2], indicator_code="")
    respond(campaign, org.unit_a2, 80.0)
    result = campaign_close(campaign=campaign, actor=make_user("clerk"))
    assert not Record.objects.exists() and result.feed.changed == 0
    campaign.refresh_from_db()
    assert not campaign.is_open
