"""A small campaign whose feedback numbers are worked out by hand in
tests/surveys/test_feedback_page.py: county A's 2025Q3 campaign over A1 and its sub-unit
A1-1 (both 政府部门) and A2 (镇街), and the 2025Q1 campaign of the same questionnaire
over A1."""

from __future__ import annotations

from dataclasses import dataclass

from qingfeng.surveys.models import Campaign, SurveyLink
from qingfeng.surveys.services_answers import response_submit
from tests.surveys.conftest import SurveyWorld, make_campaign

# The hostile texts one of A1's respondents wrote.
SCRIPT_TEXT = "<script>alert('feedback')</script>"
FORMULA_TEXT = '=HYPERLINK("http://evil.example/","点我")'


@dataclass
class FeedbackWorld:
    world: SurveyWorld
    campaign: Campaign
    previous: Campaign
    a1: SurveyLink


def answer(link: SurveyLink, **answers: object) -> None:
    response_submit(link=link, answers={k: v for k, v in answers.items()})  # type: ignore[misc]


def feedback_world(world: SurveyWorld) -> FeedbackWorld:
    """The campaigns and their responses (see the module's docstring)."""
    org = world.org
    campaign = make_campaign(world, units=[org.unit_a1, org.unit_a1_sub, org.unit_a2])
    previous = make_campaign(world, units=[org.unit_a1], code="SV-2025Q1", period="2025Q1")
    previous.name = "2025年第一季度群众满意度调查"
    previous.save()
    a1 = campaign.links.get(unit=org.unit_a1)
    answer(a1, q1="5", q2="1", q3=["1", "2"], q4=SCRIPT_TEXT)
    answer(a1, q1="3", q2="2", q4=FORMULA_TEXT + "\x07")
    answer(a1, q1="4", q2="4", q3=["3"])
    answer(campaign.links.get(unit=org.unit_a1_sub), q1="1", q2="3", q3=["1"])
    answer(campaign.links.get(unit=org.unit_a2), q1="5", q2="1")
    answer(previous.links.get(), q1="2", q2="3")
    return FeedbackWorld(world, campaign, previous, a1)
