"""Questionnaire services: create, edit a draft's questions, publish (with its checks),
frozen once published, a new version copying the latest published one, history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qingfeng.demo.surveys_questionnaires import seed_questionnaires
from qingfeng.org.models import UnitCategory
from qingfeng.surveys import services_questionnaires as services
from qingfeng.surveys.models import Question, QuestionnaireVersion, VersionStatus
from qingfeng.surveys.questionnaire_spec import ChoiceSpec, QuestionSpec, version_spec
from tests.surveys.conftest import SurveyWorld
from tests.surveys.questionnaire_helpers import admin_b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _draft(world: SurveyWorld) -> QuestionnaireVersion:
    return services.questionnaire_create(
        code="SAT-NEW", name="新问卷", region=world.org.county_a, actor=world.admin
    )


SINGLE = QuestionSpec(
    "s1", "single", "办事是否顺畅？", True, [ChoiceSpec("顺畅", 100.0), ChoiceSpec("不了解", None)]
)


def test_it_creates_a_questionnaire_with_an_empty_draft_one(survey_world: SurveyWorld) -> None:
    draft = _draft(survey_world)
    assert (draft.number, draft.status, draft.title) == (1, VersionStatus.DRAFT, "新问卷")
    assert draft.questionnaire.history.get().history_user == survey_world.admin


def test_it_refuses_a_region_the_user_does_not_run(survey_world: SurveyWorld) -> None:
    with pytest.raises(ValidationError, match="do not run surveys for this region"):
        services.questionnaire_create(
            code="X", name="x", region=survey_world.org.county_b, actor=survey_world.admin
        )
    outsider = admin_b(survey_world.org)
    with pytest.raises(ValidationError):
        services.questionnaire_create(
            code="X", name="x", region=survey_world.org.county_a, actor=outsider
        )


def test_it_edits_moves_and_deletes_questions_of_a_draft(survey_world: SurveyWorld) -> None:
    draft = _draft(survey_world)
    actor = survey_world.admin
    likert = services.question_add(
        version=draft, spec=QuestionSpec("l1", "likert", "作风？"), actor=actor
    )
    single = services.question_add(version=draft, spec=SINGLE, actor=actor)
    services.question_add(version=draft, spec=QuestionSpec("t1", "text", "建议"), actor=actor)
    services.question_move(question=single, up=True, actor=actor)
    assert [q.code for q in draft.questions.order_by("position")] == ["s1", "l1", "t1"]
    services.question_edit(
        question=single,
        spec=QuestionSpec(
            "s1", "single", "办事顺畅吗？", False, [ChoiceSpec("是", 100.0), ChoiceSpec("否", 0.0)]
        ),
        actor=actor,
    )
    assert [(c.label, c.score) for c in version_spec(draft).questions[0].choices] == [
        ("是", 100.0),
        ("否", 0.0),
    ]
    services.question_delete(question=likert, actor=actor)
    assert [(q.code, q.position) for q in draft.questions.order_by("position")] == [
        ("s1", 1),
        ("t1", 2),
    ]
    assert Question.history.filter(code="l1", history_type="-").get().history_user == actor


def test_it_refuses_a_bad_question_by_field(survey_world: SurveyWorld) -> None:
    draft = _draft(survey_world)
    services.question_add(version=draft, spec=SINGLE, actor=None)
    bad = QuestionSpec("s1", "single", "", True, [ChoiceSpec("甲", 120.0)])
    with pytest.raises(ValidationError) as caught:
        services.question_add(version=draft, spec=bad, actor=None)
    errors = caught.value.message_dict
    assert errors["code"] == ["Another question already has this code."]
    assert errors["text"] == ["the question's text is required"]
    assert errors["choices"] == [
        "a choice question needs at least two choices",
        'choice 1: the score "120" is not a number from 0 to 100',
    ]
    assert draft.questions.count() == 1


def test_it_publishes_only_a_draft_that_passes_the_checks(survey_world: SurveyWorld) -> None:
    draft = _draft(survey_world)
    with pytest.raises(ValidationError, match="the questionnaire has no question"):
        services.version_publish(version=draft, actor=None)
    services.question_add(version=draft, spec=QuestionSpec("t1", "text", "建议"), actor=None)
    with pytest.raises(ValidationError, match="no question is scored"):
        services.version_publish(version=draft, actor=None)
    services.question_add(version=draft, spec=SINGLE, actor=None)
    published = services.version_publish(version=draft, actor=survey_world.admin)
    assert published.status == VersionStatus.PUBLISHED and published.published_at is not None


def test_a_published_version_is_frozen(survey_world: SurveyWorld) -> None:
    version = survey_world.version
    question = version.questions.get(code="q1")
    before = version_spec(version)
    frozen = "Version 1 is published and can no longer change"
    writes = [
        lambda: services.version_edit(
            version=version, title="x", intro="", categories=[], actor=None
        ),
        lambda: services.question_add(version=version, spec=SINGLE, actor=None),
        lambda: services.question_edit(question=question, spec=SINGLE, actor=None),
        lambda: services.question_delete(question=question, actor=None),
        lambda: services.question_move(question=question, up=False, actor=None),
        lambda: services.version_publish(version=version, actor=None),
        lambda: services.version_fill(version=version, spec=before, actor=None),
    ]
    for write in writes:
        with pytest.raises(ValidationError, match=frozen):
            write()
    assert version_spec(version) == before


def test_a_new_version_copies_the_latest_published_one(survey_world: SurveyWorld) -> None:
    published = survey_world.version
    published.categories.set([UnitCategory.objects.get(code="township")])
    new = services.version_new(questionnaire=published.questionnaire, actor=survey_world.admin)
    assert (new.number, new.status) == (2, VersionStatus.DRAFT)
    assert version_spec(new) == version_spec(published)
    with pytest.raises(ValidationError, match="already has a draft"):
        services.version_new(questionnaire=published.questionnaire, actor=None)
    services.question_delete(question=new.questions.get(code="q4"), actor=None)
    assert published.questions.filter(code="q4").exists()


def test_the_demo_questionnaire_is_published_once(survey_world: SurveyWorld) -> None:
    version = seed_questionnaires(survey_world.org.county_a)
    assert version.status == VersionStatus.PUBLISHED
    spec = version_spec(version)
    assert len(spec.questions) == 8 and spec.categories == []
    assert [q.kind for q in spec.questions].count("likert") == 5
    assert seed_questionnaires(survey_world.org.county_a).pk == version.pk
    other = seed_questionnaires(survey_world.org.county_b)
    assert other.questionnaire.code == "Q-2026-C1-B"
