"""The quota board (分层级规定答题率): required answers at the tiers' boundaries, the order
(below quota first, then by rate), the totals, the rule in words, and its page."""

from __future__ import annotations

import pytest

from qingfeng.surveys.rules import QuotaRule
from qingfeng.surveys.selectors_campaigns import board_rows, quota_board, quota_words
from tests.conftest import client_for, english
from tests.surveys.campaign_helpers import respond, unit_of
from tests.surveys.conftest import DEFAULT_QUOTA, SurveyWorld, make_campaign

RULE = QuotaRule.from_json(DEFAULT_QUOTA)


@pytest.mark.parametrize(
    ("headcount", "required"),
    [
        (0, 10),  # the floor
        (33, 10),  # 30 % = 9.9 → 10, the floor anyway
        (49, 15),  # below 50: 30 % of 49 = 14.7 → 15
        (50, 10),  # 50–200: 20 % of 50 = 10
        (51, 11),  # 10.2 → 11
        (200, 40),  # 20 % of 200
        (201, 31),  # above 200: 15 % of 201 = 30.15 → 31
        (1000, 150),
    ],
)
def test_it_requires_answers_by_the_tier_of_the_headcount(headcount: int, required: int) -> None:
    assert RULE.required(headcount) == required


def test_it_says_the_tiers_in_words() -> None:
    assert quota_words(RULE) == "不足50人：30%；50—200人：20%；200人以上：15%；至少10份"


def test_it_puts_the_units_below_quota_first_then_by_rate(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    units = {
        code: unit_of(org.county_a, org.township, code, headcount)
        for code, headcount in [("T49", 49), ("T50", 50), ("T200", 200), ("T201", 201)]
    }
    rows = board_rows(
        RULE,
        [
            (units["T49"], 15),  # 15 / 15: met
            (units["T50"], 5),  # 5 / 10: 50 %
            (units["T200"], 44),  # 44 / 40: 110 %
            (units["T201"], 3),  # 3 / 31: 9.7 %
        ],
    )
    assert [(row.unit.code, row.required, row.answers, row.below) for row in rows] == [
        ("T201", 31, 3, True),
        ("T50", 10, 5, True),
        ("T49", 15, 15, False),
        ("T200", 40, 44, False),
    ]
    assert rows[-1].rate == pytest.approx(1.1)  # may pass 100 %


def test_it_totals_by_category_and_for_the_campaign_over_the_units_seen(
    survey_world: SurveyWorld,
) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a1_sub, org.unit_a2])
    respond(campaign, org.unit_a1, 90.0, 80.0, None)  # every response counts as an answer
    respond(campaign, org.unit_a2, *[70.0] * 16)
    board = quota_board(campaign, survey_world.analyst)
    # A1: 40 people → 12; A1-1: 0 people → the floor 10; A2: 80 people → 16.
    assert [(row.unit.code, row.required, row.answers) for row in board.rows] == [
        ("A1-1", 10, 0),
        ("A1", 12, 3),
        ("A2", 16, 16),
    ]
    totals = {
        total.label: (total.units, total.below, total.required, total.answers)
        for total in board.categories
    }
    assert totals == {"政府部门": (2, 2, 22, 3), "镇街": (1, 0, 16, 16)}
    overall = board.overall
    assert (overall.units, overall.below, overall.required, overall.answers) == (3, 2, 38, 19)
    assert overall.rate == pytest.approx(0.5)


def test_its_page_shows_the_rows_the_totals_and_polls_every_15_seconds(
    survey_world: SurveyWorld,
) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a2])
    respond(campaign, org.unit_a2, *[70.0] * 20)
    page = client_for(survey_world.analyst).get(f"/surveys/campaigns/{campaign.pk}/board/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "不足50人：30%；50—200人：20%；200人以上：15%；至少10份" in text
    assert 'hx-trigger="every 15s"' in text
    assert text.index("黎城县教育局") < text.index("黎侯镇")  # below quota first
    assert "125%" in text  # 20 of 16
    partial = client_for(survey_world.analyst).get(
        f"/surveys/campaigns/{campaign.pk}/board/", HTTP_HX_REQUEST="true"
    )
    assert partial.content.decode().startswith('<div id="quota-board"')
    english_page = english(client_for(survey_world.analyst)).get(
        f"/surveys/campaigns/{campaign.pk}/board/"
    )
    assert "fewer than 50 people: 30%; 50–200 people: 20%" in english_page.content.decode()


def test_it_shows_only_the_rows_of_the_units_a_user_sees(survey_world: SurveyWorld) -> None:
    from qingfeng.accounts.roles import Role
    from tests.conftest import make_user

    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a2])
    # A user who sees unit A2 only: the board's rows and totals hold A2 alone.
    narrow = make_user("analyst_a2", Role.ANALYST, unit=org.unit_a2)
    board = quota_board(campaign, narrow)
    assert [row.unit.code for row in board.rows] == ["A2"]
    assert board.overall.units == 1 and [t.label for t in board.categories] == ["镇街"]
    # …and, holding no region, reads no campaign: its pages answer 404.
    page = client_for(narrow).get(f"/surveys/campaigns/{campaign.pk}/board/")
    assert page.status_code == 404
