"""The surveys' rules of numbers (``qingfeng.surveys.rules``), by hand and by property."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from qingfeng.surveys.rules import (
    QuestionRule,
    QuotaRule,
    answer_score,
    approval_share,
    likert_score,
    new_slip_code,
    new_token,
    response_score,
    slip_code_shown,
    slip_code_typed,
    unit_score,
)
from qingfeng.surveys.selectors import question_rules
from qingfeng.surveys.throttle import answer_allowed
from tests.surveys.conftest import DEFAULT_QUOTA, SurveyWorld

RULES = [
    QuestionRule("q1", "likert"),
    QuestionRule("q2", "single", {1: 100.0, 2: 60.0, 3: 0.0, 4: None}),
    QuestionRule("q3", "multiple", {1: 100.0, 2: 80.0, 3: 0.0}),
    QuestionRule("q4", "text"),
]


def test_it_scores_the_five_likert_points() -> None:
    assert [likert_score(point) for point in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]


def test_it_scores_choices_and_leaves_text_and_unscored_choices_out() -> None:
    assert answer_score(RULES[1], 2) == 60
    assert answer_score(RULES[1], 4) is None  # 不了解
    assert answer_score(RULES[2], [1, 2]) == 90
    assert answer_score(RULES[3], "很好") is None
    assert answer_score(RULES[0], None) is None


def test_it_scores_a_response_as_the_mean_of_its_scored_answers() -> None:
    # Likert 4 → 75, 基本满意 → 60, 公开透明 + 推诿拖延 → 50: (75 + 60 + 50) / 3.
    answers = {"q1": 4, "q2": 2, "q3": [1, 3], "q4": "建议多公开"}
    assert response_score(RULES, answers) == round(185 / 3, 4)
    assert response_score(RULES, {"q2": 4, "q4": "无"}) is None


def test_it_counts_each_respondent_once_in_a_unit_score() -> None:
    assert unit_score([100.0, 50.0, None, 0.0]) == 50.0
    assert unit_score([None]) is None


def test_it_holds_the_quota_tiers_at_their_boundaries() -> None:
    quota = QuotaRule.from_json(DEFAULT_QUOTA)
    # < 50 → 30 %, 50–200 → 20 %, > 200 → 15 %, never fewer than 10.
    assert quota.required(0) == 10
    assert quota.required(33) == 10  # 9.9 → 10 and the floor
    assert quota.required(40) == 12
    assert quota.required(49) == 15  # 14.7 rounded up
    assert quota.required(50) == 10
    assert quota.required(51) == 11  # 10.2 rounded up
    assert quota.required(200) == 40
    assert quota.required(201) == 31  # 30.15 rounded up
    assert quota.required(1000) == 150
    assert QuotaRule.from_json(quota.as_json()) == quota


@given(st.integers(min_value=0, max_value=100_000))
def test_it_never_asks_fewer_than_the_floor(headcount: int) -> None:
    quota = QuotaRule.from_json(DEFAULT_QUOTA)
    assert quota.required(headcount) >= 10


def test_it_shares_excellent_and_competent() -> None:
    grades = ["excellent", "competent", "basic", "incompetent", "competent"]
    assert approval_share(grades) == 0.6
    assert approval_share([]) is None


def test_it_makes_unguessable_tokens_and_typeable_slip_codes() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200 and all(len(token) >= 22 for token in tokens)
    code = new_slip_code()
    assert len(code) == 10 and not set(code) & set("01ILO")
    assert slip_code_typed(slip_code_shown(code).lower()) == code
    assert slip_code_typed(" abcd-efgh jk ") == "ABCDEFGHJK"


def test_it_reads_a_versions_question_rules(survey_world: SurveyWorld) -> None:
    rules = question_rules(survey_world.version)
    assert [(rule.code, rule.kind) for rule in rules] == [
        ("q1", "likert"),
        ("q2", "single"),
        ("q3", "multiple"),
        ("q4", "text"),
    ]
    assert rules[1].choice_scores == {1: 100.0, 2: 60.0, 3: 0.0, 4: None}


def test_it_limits_the_answers_per_link_and_minute(db: None, settings: Settings) -> None:
    settings.SURVEY_ANSWERS_PER_MINUTE = 3
    assert [answer_allowed(link="abc") for _ in range(4)] == [True, True, True, False]
    assert answer_allowed(link="another")
