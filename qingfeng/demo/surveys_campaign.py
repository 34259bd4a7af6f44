"""The demo county's survey campaign (issue 16): 2026年第三季度群众满意度调查 on framework
LK's survey leaf ``J2.1`` over every active unit of the county, with a few thousand
simulated anonymous responses, still OPEN (the demo lets the commission close it and
watch the J2.1 records appear).

Each unit's respondents answer around its demo "health" in 2026Q3 (``demo.records``'s
``plan_health``, the same latent state the unit's other records come from), so a sound
unit is rated well and a weak one poorly; most units reach their quota by headcount, a few
are below it. The responses are written in bulk (``bulk_create``: no history is kept of
responses), in well under a second.

The questionnaire here is a simple published one made with the models; the real demo
questionnaire comes with the questionnaires part (s-quest) and replaces it.
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.demo.records import QUARTERS, DemoUnit, plan_health, region_units
from qingfeng.framework.models import Framework
from qingfeng.org.models import Region
from qingfeng.surveys import rules
from qingfeng.surveys.models import (
    Campaign,
    Choice,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    SurveyLink,
    SurveyResponse,
    VersionStatus,
)
from qingfeng.surveys.selectors import question_rules

FRAMEWORK = "LK"
LEAF = "J2.1"
PERIOD = QUARTERS[-1]  # 2026Q3
CAMPAIGN_CODE = "SV-LK-2026Q3"
CAMPAIGN_NAME = "2026年第三季度群众满意度调查"
QUESTIONNAIRE_CODE = "Q-DEMO-SAT"
DEFAULT_SEED = 2026

# The demo questionnaire: five Likert questions, an overall judgement and a comment box.
LIKERT_QUESTIONS = (
    ("q1", "您对该单位干部队伍的工作作风是否满意？"),
    ("q2", "您对该单位干部廉洁自律情况是否满意？"),
    ("q3", "您对该单位办事效率是否满意？"),
    ("q4", "您对该单位服务群众的态度是否满意？"),
    ("q5", "您对该单位政务（事务）公开情况是否满意？"),
)
OVERALL = ("q6", "您对该单位党风廉政建设的总体评价是：")
OVERALL_CHOICES = (("好", 100.0), ("较好", 75.0), ("一般", 50.0), ("差", 0.0), ("不了解", None))
COMMENT = ("q7", "您对该单位党风廉政建设和作风建设有什么意见和建议？")
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


def demo_questionnaire(*, region: Region) -> QuestionnaireVersion:
    """The simple published demo questionnaire of ``region`` (see the module)."""
    questionnaire = Questionnaire.objects.create(
        code=QUESTIONNAIRE_CODE, name="群众满意度调查问卷（演示）", region=region
    )
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=1,
        status=VersionStatus.PUBLISHED,
        title="政治生态社会评价问卷调查",
        intro="为了解各单位党风廉政建设和作风建设情况，特开展本次调查。问卷匿名填写，约需两分钟，"
        "感谢您的支持！",
        published_at=timezone.now(),
    )
    for position, (code, text) in enumerate(LIKERT_QUESTIONS, start=1):
        Question.objects.create(
            version=version, position=position, code=code, kind=QuestionKind.LIKERT, text=text
        )
    overall = Question.objects.create(
        version=version,
        position=len(LIKERT_QUESTIONS) + 1,
        code=OVERALL[0],
        kind=QuestionKind.SINGLE,
        text=OVERALL[1],
    )
    for position, (label, score) in enumerate(OVERALL_CHOICES, start=1):
        Choice.objects.create(question=overall, position=position, label=label, score=score)
    Question.objects.create(
        version=version,
        position=len(LIKERT_QUESTIONS) + 2,
        code=COMMENT[0],
        kind=QuestionKind.TEXT,
        text=COMMENT[1],
        required=False,
    )
    return version


def _likert(rng: random.Random, target: float) -> int:
    """A Likert point (1–5) drawn around ``target`` (0–100): its 0–100 value plus noise."""
    value = rng.gauss(target, 18.0)
    return min(5, max(1, round(value / 25.0) + 1))


def _answers(rng: random.Random, target: float) -> dict[str, object]:
    answers: dict[str, object] = {code: _likert(rng, target) for code, _text in LIKERT_QUESTIONS}
    if rng.random() < 0.06:
        answers[OVERALL[0]] = 5  # 不了解
    else:
        point = _likert(rng, target)  # 5 好 … 1 差, as positions 1 好 … 4 差
        answers[OVERALL[0]] = {5: 1, 4: 2, 3: 3}.get(point, 4)
    if rng.random() < 0.12:
        answers[COMMENT[0]] = rng.choice(COMMENTS)
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
    version = demo_questionnaire(region=county)
    quota = rules.QuotaRule.from_json(settings.SURVEY_QUOTA)
    campaign = Campaign.objects.create(
        code=CAMPAIGN_CODE,
        name=CAMPAIGN_NAME,
        region=county,
        period=str(PERIOD),
        framework=framework,
        indicator_code=LEAF,
        version=version,
        quota_tiers=quota.as_json(),
        created_by=User.objects.filter(username="commission").first(),
    )
    links = SurveyLink.objects.bulk_create(
        [SurveyLink(campaign=campaign, unit=unit, token=rules.new_token()) for unit in units]
    )
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
            answers = _answers(rng, target)
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
    """Delete the demo campaign, its links and responses, and the demo questionnaire
    (campaigns first: they protect their questionnaire version)."""
    Campaign.objects.filter(code=CAMPAIGN_CODE).delete()
    Questionnaire.objects.filter(code=QUESTIONNAIRE_CODE).delete()
