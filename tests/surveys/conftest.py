"""The surveys' shared test world: the two-county ``org``, county A's framework LC (its
leaves ``001`` survey, ``A3`` direct, ``A1.2`` rate) published for 2025, and a published
questionnaire of county A with a Likert, a single-choice, a multiple-choice and a text
question. Objects are made with the models directly so each part's tests stand alone;
the services that make them are tested on their own."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.framework.models import FrameworkVersion
from qingfeng.org.models import Region, Unit
from qingfeng.surveys.models import (
    Campaign,
    Choice,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    SurveyLink,
    VersionStatus,
)
from qingfeng.surveys.rules import QuotaRule, new_token
from tests.conftest import Org, make_user
from tests.framework.conftest import FRAMEWORK_YAML, run_import

DEFAULT_QUOTA = {"tiers": [[49, 30], [200, 20], [None, 15]], "floor": 10}


@dataclass
class SurveyWorld:
    org: Org
    lc: FrameworkVersion  # county A's framework LC, published for 2025
    admin: User  # county A's commission administrator
    analyst: User  # county A's analyst
    version: QuestionnaireVersion  # county A's published questionnaire (4 questions)


def make_questionnaire(
    region: Region, *, code: str = "Q-SAT", name: str = "群众满意度调查问卷"
) -> QuestionnaireVersion:
    """A published questionnaire: q1 Likert; q2 single choice (满意 100, 基本满意 60,
    不满意 0, 不了解 unscored); q3 multiple choice (公开 100, 高效 80, 拖延 0); q4 text."""
    questionnaire = Questionnaire.objects.create(code=code, name=name, region=region)
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=1,
        status=VersionStatus.PUBLISHED,
        title=name,
        intro="本问卷匿名填写，约需两分钟。",
        published_at=timezone.now(),
    )
    Question.objects.create(
        version=version,
        position=1,
        code="q1",
        kind=QuestionKind.LIKERT,
        text="您对本单位作风建设是否满意？",
    )
    single = Question.objects.create(
        version=version, position=2, code="q2", kind=QuestionKind.SINGLE, text="办事是否顺畅？"
    )
    for position, (label, score) in enumerate(
        [("满意", 100.0), ("基本满意", 60.0), ("不满意", 0.0), ("不了解", None)], start=1
    ):
        Choice.objects.create(question=single, position=position, label=label, score=score)
    multiple = Question.objects.create(
        version=version,
        position=3,
        code="q3",
        kind=QuestionKind.MULTIPLE,
        text="您认为本单位有哪些特点？",
        required=False,
    )
    for position, (label, score) in enumerate(
        [("公开透明", 100.0), ("办事高效", 80.0), ("推诿拖延", 0.0)], start=1
    ):
        Choice.objects.create(question=multiple, position=position, label=label, score=score)
    Question.objects.create(
        version=version,
        position=4,
        code="q4",
        kind=QuestionKind.TEXT,
        text="您的意见和建议",
        required=False,
    )
    return version


def make_campaign(
    world: SurveyWorld,
    *,
    units: list[Unit],
    code: str = "SV-2025Q3",
    period: str = "2025Q3",
    indicator_code: str = "001",
) -> Campaign:
    """An open campaign of county A on LC's survey leaf, with a link per unit."""
    campaign = Campaign.objects.create(
        code=code,
        name="2025年第三季度群众满意度调查",
        region=world.org.county_a,
        period=period,
        framework=world.lc.framework,
        indicator_code=indicator_code,
        version=world.version,
        quota_tiers=QuotaRule.from_json(DEFAULT_QUOTA).as_json(),
        created_by=world.admin,
    )
    for unit in units:
        SurveyLink.objects.create(campaign=campaign, unit=unit, token=new_token())
    return campaign


@pytest.fixture
def survey_world(org: Org) -> SurveyWorld:
    imported = run_import(FRAMEWORK_YAML, region=org.county_a, publish=True)
    assert imported.version is not None
    return SurveyWorld(
        org=org,
        lc=imported.version,
        admin=make_user("admin_a", Role.COMMISSION_ADMIN, region=org.county_a),
        analyst=make_user("analyst_a", Role.ANALYST, region=org.county_a),
        version=make_questionnaire(org.county_a),
    )
