"""A unit's feedback of a campaign, on screen and as .xlsx: the numbers of a small
campaign worked out by hand (tests/surveys/feedback_helpers.py), hostile answers shown
as text, and the read scope."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.accounts.roles import Role
from qingfeng.surveys.selectors_feedback import unit_feedback
from tests.conftest import client_for, make_user
from tests.surveys.conftest import SurveyWorld
from tests.surveys.feedback_helpers import (
    FORMULA_TEXT,
    SCRIPT_TEXT,
    FeedbackWorld,
    feedback_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fw(survey_world: SurveyWorld) -> FeedbackWorld:
    return feedback_world(survey_world)


def _url(fw: FeedbackWorld, unit_pk: int | None = None, name: str = "campaign_feedback") -> str:
    unit = unit_pk or fw.world.org.unit_a1.pk
    return reverse(f"surveys:{name}", kwargs={"pk": fw.campaign.pk, "unit_pk": unit})


def test_it_computes_a_units_feedback_by_hand(fw: FeedbackWorld) -> None:
    org = fw.world.org
    data = unit_feedback(campaign=fw.campaign, unit=org.unit_a1, user=fw.world.analyst)
    # A1's responses: (100 + 100 + 90) / 3, (50 + 60) / 2, (75 + 0) / 2 (不了解 unscored).
    assert data.unit_summary.responses == 3
    assert data.unit_summary.mean == pytest.approx((96.6667 + 55 + 37.5) / 3, abs=1e-3)
    # The category (政府部门): A1 and A1-1 (0, 0, 100 → 33.3333); A2 (镇街) is left out.
    assert data.category_units == 2
    assert data.category_summary.responses == 4
    assert data.category_summary.mean == pytest.approx(
        (96.6667 + 55 + 37.5 + 33.3333) / 4, abs=1e-3
    )
    # The previous campaign (2025Q1): one response, (25 + 0) / 2.
    assert data.previous_campaign == fw.previous
    assert data.previous_summary is not None
    assert data.previous_summary.responses == 1 and data.previous_summary.mean == 12.5
    # A1's headcount 40 → 30 % is 12 answers (floor 10).
    assert data.quota == 12

    q1, q2, q3, q4 = data.questions
    assert (q1.unit.mean, q1.category.mean, q1.previous and q1.previous.mean) == (75, 56.25, 25)
    by_label = {row.label: row for row in q1.options}
    assert [row.label for row in q1.options] == ["很不满意", "不满意", "一般", "满意", "很满意"]
    assert by_label["很满意"].unit.count == 1
    assert by_label["很满意"].unit.percent == pytest.approx(100 / 3)
    assert by_label["很不满意"].unit.count == 0 and by_label["很不满意"].category.percent == 25
    assert by_label["不满意"].previous is not None and by_label["不满意"].previous.percent == 100
    # q2: 满意 100, 基本满意 60; 不了解 is counted among the answers but scores nothing.
    assert q2.unit.answered == 3 and q2.unit.mean == 80
    assert [row.unit.count for row in q2.options] == [1, 1, 0, 1]
    # q3 (multiple): two answered; a share is of those who answered, so shares add past 100.
    assert q3.unit.answered == 2 and q3.unit.mean == 45
    assert [row.unit.percent for row in q3.options] == [50, 50, 50]
    assert q3.previous is not None and q3.previous.answered == 0 and q3.previous.mean is None
    # q4: the texts, newest first, control characters gone.
    assert q4.texts == [FORMULA_TEXT, SCRIPT_TEXT] and q4.text_count == 2


def test_it_shows_the_feedback_page_with_hostile_texts_escaped(fw: FeedbackWorld) -> None:
    response = client_for(fw.world.analyst).get(_url(fw))
    page = response.content.decode()
    assert response.status_code == 200
    assert "黎城县教育局" in page and "2025年第三季度" in page
    assert "63.06" in page  # the unit's mean, (96.6667 + 55 + 37.5) / 3
    assert "12.50" in page  # the previous campaign's
    assert "33.3% <span" in page  # 很满意: 1 of 3
    assert SCRIPT_TEXT not in page
    assert "&lt;script&gt;alert(&#x27;feedback&#x27;)&lt;/script&gt;" in page
    # The unit picker lists the surveyed units, and opens another's feedback.
    assert "黎城县第一中学" in page and "黎侯镇" in page
    other = fw.world.org.unit_a2.pk
    picked = client_for(fw.world.analyst).get(_url(fw), {"unit": other})
    assert picked.status_code == 302 and picked["Location"] == _url(fw, other)


def test_it_writes_the_feedback_workbook_with_texts_sanitised(fw: FeedbackWorld) -> None:
    response = client_for(fw.world.admin).get(_url(fw, name="campaign_feedback_xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概况", "题目", "意见建议"]
    summary = [row for row in book["概况"].iter_rows(values_only=True) if row[0]]
    assert ("本单位", "黎城县教育局", 3, 63.06) in summary
    questions = list(book["题目"].iter_rows(min_row=4, values_only=True))
    assert (1, "您对本单位作风建设是否满意？", "很不满意", 0, 0.0, 1, 25.0, 0, 0.0) in questions
    texts = [row[2] for row in book["意见建议"].iter_rows(min_row=4, values_only=True)]
    assert texts == ["'" + FORMULA_TEXT, SCRIPT_TEXT]


def test_it_answers_404_outside_the_scope(fw: FeedbackWorld) -> None:
    org = fw.world.org
    outsider = make_user("analyst_b", Role.ANALYST, region=org.county_b)
    for name in ("campaign_feedback", "campaign_feedback_xlsx"):
        assert client_for(outsider).get(_url(fw, name=name)).status_code == 404
        inside = client_for(fw.world.analyst)
        # A unit of another county, and a unit the campaign did not survey.
        assert inside.get(_url(fw, org.unit_b1.pk, name)).status_code == 404
        assert (
            client_for(fw.world.analyst)
            .get(
                reverse(f"surveys:{name}", kwargs={"pk": fw.previous.pk, "unit_pk": org.unit_a2.pk})
            )
            .status_code
            == 404
        )
    assert client_for(outsider).get(_url(fw), {"unit": org.unit_b1.pk}).status_code == 302
    assert client_for(outsider).get(_url(fw, org.unit_b1.pk)).status_code == 404


def test_it_shows_a_dash_without_a_previous_campaign(fw: FeedbackWorld) -> None:
    org = fw.world.org
    data = unit_feedback(campaign=fw.campaign, unit=org.unit_a2, user=fw.world.analyst)
    assert data.previous_campaign is None and data.previous_summary is None
    assert all(q.previous is None for q in data.questions)
    page = client_for(fw.world.analyst).get(_url(fw, org.unit_a2.pk)).content.decode()
    assert 'data-testid="mean-previous">—<' in page
