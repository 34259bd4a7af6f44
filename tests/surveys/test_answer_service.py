"""``response_submit``: what it stores for 1,000 simulated answers (their unit score is
the mean worked out here independently), and what it does with hostile answers."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError

from qingfeng.lib.errors import NotFound
from qingfeng.surveys import rules
from qingfeng.surveys.models import RunStatus, SurveyLink, SurveyResponse
from qingfeng.surveys.services_answers import clean_text, response_submit
from tests.surveys.conftest import SurveyWorld, make_campaign

pytestmark = pytest.mark.django_db

# The shared questionnaire's scores, written out by hand (tests/surveys/conftest.py).
Q2_SCORES = {1: 100.0, 2: 60.0, 3: 0.0, 4: None}
Q3_SCORES = {1: 100.0, 2: 80.0, 3: 0.0}


@pytest.fixture
def link(survey_world: SurveyWorld) -> SurveyLink:
    campaign = make_campaign(survey_world, units=[survey_world.org.unit_a1])
    return campaign.links.get()


def _expected_score(q1: int, q2: int, q3: list[int]) -> float | None:
    """The response's score by the rule in words: each scored answer on 0–100, then their
    mean; an unscored choice (不了解) and an empty multiple choice count for nothing."""
    parts = [(q1 - 1) * 25.0]
    if Q2_SCORES[q2] is not None:
        parts.append(Q2_SCORES[q2])  # type: ignore[arg-type]
    if q3:
        parts.append(sum(Q3_SCORES[p] for p in q3) / len(q3))
    return sum(parts) / len(parts)


def test_it_stores_1000_answers_whose_unit_score_is_their_mean(link: SurveyLink) -> None:
    rng = random.Random(16)
    expected = []
    for _ in range(1000):
        q1, q2 = rng.randint(1, 5), rng.randint(1, 4)
        q3 = sorted(rng.sample([1, 2, 3], rng.randint(0, 3)))
        answers = {"q1": str(q1), "q2": str(q2), "q3": [str(p) for p in q3]}
        if rng.random() < 0.3:
            answers["q4"] = "建议多公开办事流程"
        response_submit(link=link, answers=answers)
        expected.append(_expected_score(q1, q2, q3))
    stored = list(SurveyResponse.objects.filter(link=link).values_list("score", flat=True))
    assert len(stored) == 1000
    unit = rules.unit_score(stored)
    assert unit == pytest.approx(sum(expected) / len(expected), abs=1e-3)


def test_it_refuses_a_closed_campaign(link: SurveyLink) -> None:
    link.campaign.status = RunStatus.CLOSED
    link.campaign.save()
    with pytest.raises(NotFound):
        response_submit(link=link, answers={"q1": "5", "q2": "1"})
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    ("answers", "bad"),
    [
        ({"q1": "abc", "q2": "1"}, "q1"),  # non-numeric Likert
        ({"q1": "6", "q2": "1"}, "q1"),  # outside 1–5
        ({"q1": "0", "q2": "1"}, "q1"),
        ({"q1": "-1", "q2": "1"}, "q1"),
        ({"q1": "4.5", "q2": "1"}, "q1"),
        ({"q1": "３", "q2": "1"}, "q1"),  # a full-width digit
        ({"q1": ["4", "5"], "q2": "1"}, "q1"),  # two points at once
        ({"q1": "4", "q2": "5"}, "q2"),  # no such choice
        ({"q1": "4", "q2": "<script>alert(1)</script>"}, "q2"),
        ({"q1": "4", "q2": "1", "q3": ["1", "9"]}, "q3"),
        ({"q1": "4", "q2": "1", "q3": ["1"] * 50}, "q3"),
        ({"q1": "4", "q2": "1", "q4": "长" * (rules.MAX_TEXT_ANSWER + 1)}, "q4"),
        ({"q2": "1"}, "q1"),  # required and missing
        ({"q1": "  ", "q2": "1"}, "q1"),
    ],
)
def test_it_refuses_a_wrong_answer_by_question(
    link: SurveyLink, answers: dict[str, object], bad: str
) -> None:
    with pytest.raises(ValidationError) as error:
        response_submit(link=link, answers=answers)  # type: ignore[arg-type]
    assert set(error.value.message_dict) == {bad}
    assert not SurveyResponse.objects.exists()


def test_it_stores_hostile_text_as_plain_text(link: SurveyLink) -> None:
    text = "<script>alert('x')</script>\x07=HYPERLINK(\"http://evil\")\r\n第二行\x1b"
    response_submit(link=link, answers={"q1": "3", "q2": "4", "q4": text, "zz": "ignored"})
    stored = SurveyResponse.objects.get()
    assert stored.answers == {
        "q1": 3,
        "q2": 4,
        "q4": "<script>alert('x')</script>=HYPERLINK(\"http://evil\")\n第二行",
    }
    # 不了解 scores nothing: the score is q1's alone.
    assert stored.score == 50.0


def test_it_cleans_text_without_losing_words() -> None:
    assert clean_text("  好\r\n很好\t！\x00\x7f\x85 ") == "好\n很好\t！"
