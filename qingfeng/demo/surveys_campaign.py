"""The demo county's survey campaign (issue 16): 2026年第三季度群众满意度调查 on framework
LK's survey leaf ``J2.1`` over every active unit of the county, with a few thousand
simulated anonymous responses, still OPEN (the demo lets the commission close it and
watch the J2.1 records appear).

Each unit's respondents answer around its demo "health" in 2026Q3 (``demo.records``'s
``plan_health``, the same latent state the unit's other records come from), so a sound
unit is rated well and a weak one poorly; most units reach their quota by headcount, a few
are below it. The responses are written in bulk (``bulk_create``: no history is kept of
responses), in well under a second.

The questionnaire is the demo's satisfaction questionnaire (``surveys_questionnaires``,
imported and published through the questionnaire services); the campaign is started
through ``campaign_create``, as the commission's page does.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.demo.records import QUARTERS, DemoUnit, plan_health, region_units
from qingfeng.demo.surveys_questionnaires import seed_questionnaires
from qingfeng.framework.models import Framework
from qingfeng.org.models import Region
from qingfeng.surveys import rules
from qingfeng.surveys.models import Campaign, Questionnaire, SurveyResponse
from qingfeng.surveys.selectors import question_rules
from qingfeng.surveys.services_campaigns import campaign_create

FRAMEWORK = "LK"
LEAF = "J2.1"
PERIOD = QUARTERS[-1]  # 2026Q3
CAMPAIGN_CODE = "SV-2026-3"
CAMPAIGN_NAME = "2026年第三季度群众满意度调查"
DEFAULT_SEED = 2026

COMMENTS = (
    "希望进一步简化办事流程，减少群众跑腿次数。",
    "窗口工作人员态度很好，点赞。",
    "建议定期公开办事进度，方便群众查询。",
    "个别工作人员上班时间玩手机，希望加强管理。",
    "整体满意，希望继续保持。",
    "建议多下基层听取群众意见。",
    "有些事项办理时间较长，希望提高效率。",
    "政务公开栏内容更新不及时。",
)
# Units whose respondents fall short of their quota (one in ten at most).
SHORT_UNITS = 5


def _likert(rng: random.Random, target: float) -> int:
    """A Likert point (1–5) drawn around ``target`` (0–100): its 0–100 value plus noise."""
    value = rng.gauss(target, 18.0)
    return min(5, max(1, round(value / 25.0) + 1))


def _answers(
    rng: random.Random, target: float, questions: list[rules.QuestionRule]
) -> dict[str, object]:
    """One respondent's answers around ``target`` (0–100): a Likert point near it, the
    scored choice nearest a draw around it (now and then the unscored 不了解), and now and
    then a comment."""
    answers: dict[str, object] = {}
    for question in questions:
        if question.kind == "likert":
            answers[question.code] = _likert(rng, target)
        elif question.kind in ("single", "multiple"):
            scored = {p: v for p, v in question.choice_scores.items() if v is not None}
            unscored = [p for p, v in question.choice_scores.items() if v is None]
            if unscored and rng.random() < 0.06:
                choice = unscored[0]
            else:
                draw = rng.gauss(target, 18.0)
                choice = min(scored, key=lambda p: abs(scored[p] - draw))
            answers[question.code] = [choice] if question.kind == "multiple" else choice
        elif question.kind == "text" and rng.random() < 0.12:
            answers[question.code] = rng.choice(COMMENTS)
    return answers


def seed_campaign(*, county: Region, seed: int = DEFAULT_SEED) -> int:
    """The demo campaign of ``county`` (open) with its links and simulated responses, if
    the county has framework LK; returns the number of responses made (0: nothing)."""
    framework = Framework.objects.filter(code=FRAMEWORK, region=county).first()
    if framework is None:
        return 0
    units = region_units(county)
    if not units:
        return 0
    health = plan_health(seed=seed, units=[DemoUnit(u.code, u.category.code) for u in units])
    version = seed_questionnaires(county)
    campaign = campaign_create(
        actor=User.objects.filter(username="commission").first(),
        code=CAMPAIGN_CODE,
        name=CAMPAIGN_NAME,
        version=version,
        period=str(PERIOD),
        units=units,
        framework=framework,
        indicator_code=LEAF,
        region=county,
    )
    quota = rules.QuotaRule.from_json(campaign.quota_tiers)
    by_unit = {link.unit_id: link for link in campaign.links.all()}
    links = [by_unit[unit.pk] for unit in units]
    version_rules = question_rules(version)
    rng = random.Random(f"{seed}-survey-campaign")
    short = {unit.code for unit in rng.sample(units, min(SHORT_UNITS, len(units) // 10))}
    # The answers came in over the three weeks around the quarter's end, by the minute.
    start = timezone.make_aware(datetime.datetime.combine(PERIOD.end, datetime.time(8)))
    start -= datetime.timedelta(days=14)
    responses = []
    for link, unit in zip(links, units, strict=True):
        fit = health.by_unit[unit.code][-1]
        target = 100 * (0.3 + 0.7 * fit)
        needed = quota.required(unit.headcount or 0)
        share = rng.uniform(0.3, 0.8) if unit.code in short else rng.uniform(1.1, 1.9)
        for _ in range(max(1, round(needed * share))):
            answers = _answers(rng, target, version_rules)
            minute = rng.randrange(21 * 12 * 60)  # 21 days, 12 waking hours a day
            submitted = start + datetime.timedelta(days=minute // 720, minutes=minute % 720)
            responses.append(
                SurveyResponse(
                    link=link,
                    answers=answers,
                    score=rules.response_score(version_rules, answers),
                    submitted_at=submitted,
                )
            )
    SurveyResponse.objects.bulk_create(responses, batch_size=2000)
    return len(responses)


def demo_campaign_reset() -> None:
    """Delete every campaign (their links and responses with them) and then every
    questionnaire (campaigns protect their questionnaire version)."""
    Campaign.objects.all().delete()
    Questionnaire.objects.all().delete()
