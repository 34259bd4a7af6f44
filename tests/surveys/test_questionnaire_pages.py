"""The questionnaire pages: only the commission of the questionnaire's region sees them
(anyone else: 404); the version page shows the questions as a respondent sees them with
their scoring in words, escapes stored text; drafts are edited by plain forms; the
import page lists located errors and stores nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from qingfeng.accounts.models import User
from qingfeng.surveys.models import Questionnaire, QuestionnaireVersion, VersionStatus
from qingfeng.surveys.questionnaire_spec import version_spec
from tests.conftest import client_for
from tests.surveys.conftest import SurveyWorld
from tests.surveys.questionnaire_helpers import GOOD_YAML, admin_b, stored

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


def _pages(world: SurveyWorld) -> list[str]:
    version = world.version
    question = version.questions.get(code="q1")
    return [
        reverse("surveys:questionnaire_list"),
        reverse("surveys:questionnaire_create"),
        reverse("surveys:questionnaire_import"),
        reverse("surveys:questionnaire_template"),
        reverse("surveys:questionnaire_detail", args=[version.questionnaire.pk]),
        reverse("surveys:questionnaire_version", args=[version.pk]),
        reverse("surveys:questionnaire_version_edit", args=[version.pk]),
        reverse("surveys:questionnaire_export", args=[version.pk, "xlsx"]),
        reverse("surveys:questionnaire_export", args=[version.pk, "yaml"]),
        reverse("surveys:questionnaire_question_add", args=[version.pk]),
        reverse("surveys:questionnaire_question_edit", args=[question.pk]),
    ]


def test_it_shows_every_page_to_the_commission_of_the_region(survey_world: SurveyWorld) -> None:
    client = client_for(survey_world.admin)
    for url in _pages(survey_world):
        assert client.get(url).status_code in (200, 302), url


def test_it_answers_404_outside_the_scope(survey_world: SurveyWorld) -> None:
    outsider = client_for(admin_b(survey_world.org))
    analyst = client_for(survey_world.analyst)
    pages = _pages(survey_world)
    for url in pages[4:]:
        assert outsider.get(url).status_code == 404, url
    for url in pages:
        assert analyst.get(url).status_code == 404, url
    listing = outsider.get(reverse("surveys:questionnaire_list"))
    assert "群众满意度调查问卷" not in listing.content.decode()
    question = survey_world.version.questions.get(code="q1")
    for name, args in [
        ("surveys:questionnaire_publish", [survey_world.version.pk]),
        ("surveys:questionnaire_version_new", [survey_world.version.questionnaire.pk]),
        ("surveys:questionnaire_question_delete", [question.pk]),
        ("surveys:questionnaire_question_move", [question.pk, "down"]),
    ]:
        assert outsider.post(reverse(name, args=args)).status_code == 404, name
    assert QuestionnaireVersion.objects.count() == 1


def test_the_list_shows_versions_with_their_status(survey_world: SurveyWorld) -> None:
    page = client_for(survey_world.admin).get(reverse("surveys:questionnaire_list"))
    html = page.content.decode()
    assert "群众满意度调查问卷" in html and "黎城县" in html
    assert 'data-status="published"' in html and "v1 已发布" in html
    assert "新建问卷" in html and "下载模板" in html


def test_the_version_page_shows_questions_as_respondents_see_them(
    survey_world: SurveyWorld,
) -> None:
    url = reverse("surveys:questionnaire_version", args=[survey_world.version.pk])
    html = client_for(survey_world.admin).get(url).content.decode()
    assert "很满意 100 分 · 满意 75 分 · 一般 50 分 · 不满意 25 分 · 很不满意 0 分" in html
    assert "满意 100 分 · 基本满意 60 分 · 不满意 0 分 · 不了解 不计分" in html
    assert "不计分（在反馈中阅读）" in html
    assert "本问卷匿名填写，约需两分钟。" in html
    assert 'data-testid="frozen"' in html and "添加题目" not in html


def test_a_hostile_question_text_is_escaped(survey_world: SurveyWorld) -> None:
    question = survey_world.version.questions.get(code="q1")
    question.text = '<script>alert("x")</script>'
    question.save()
    url = reverse("surveys:questionnaire_version", args=[survey_world.version.pk])
    html = client_for(survey_world.admin).get(url).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_clerk_writes_and_publishes_a_questionnaire_with_forms(
    survey_world: SurveyWorld,
) -> None:
    client = client_for(survey_world.admin)
    created = client.post(
        reverse("surveys:questionnaire_create"),
        {"code": "SAT-TOWN", "name": "镇街满意度问卷", "region": survey_world.org.county_a.pk},
    )
    draft = QuestionnaireVersion.objects.get(questionnaire__code="SAT-TOWN")
    assert created["Location"] == reverse("surveys:questionnaire_version", args=[draft.pk])
    add = reverse("surveys:questionnaire_question_add", args=[draft.pk])
    refused = client.post(
        add, {"code": "q1", "kind": "single", "text": "是否满意？", "choices": "满意=150\n不满意=0"}
    )
    assert "选项 1：分值“150”不是 0 至 100 之间的数" in refused.content.decode()
    assert draft.questions.count() == 0
    client.post(
        add,
        {
            "code": "q1",
            "kind": "single",
            "text": "是否满意？",
            "required": "on",
            "choices": "满意=100\n不满意=0\n不了解",
        },
    )
    client.post(add, {"code": "q2", "kind": "likert", "text": "作风如何？", "required": "on"})
    second = draft.questions.get(code="q2")
    client.post(reverse("surveys:questionnaire_question_move", args=[second.pk, "up"]))
    client.post(reverse("surveys:questionnaire_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    spec = version_spec(draft)
    assert [q.code for q in spec.questions] == ["q2", "q1"]
    assert [(c.label, c.score) for c in spec.questions[1].choices] == [
        ("满意", 100.0),
        ("不满意", 0.0),
        ("不了解", None),
    ]
    new = client.post(reverse("surveys:questionnaire_version_new", args=[draft.questionnaire.pk]))
    second_version = QuestionnaireVersion.objects.get(questionnaire=draft.questionnaire, number=2)
    assert new["Location"] == reverse("surveys:questionnaire_version", args=[second_version.pk])


def test_the_import_page_lists_located_errors_and_stores_nothing(
    survey_world: SurveyWorld,
) -> None:
    client = client_for(survey_world.admin)
    before = stored()
    upload = SimpleUploadedFile("问卷.yaml", GOOD_YAML.replace("score: 60", "score: 120").encode())
    page = client.post(reverse("surveys:questionnaire_import"), {"file": upload})
    html = page.content.decode()
    assert page.status_code == 200 and stored() == before
    assert "questions[2].choices[2].score：分值“120”不是 0 至 100 之间的数" in html
    good = SimpleUploadedFile("问卷.yaml", GOOD_YAML.encode())
    done = client.post(reverse("surveys:questionnaire_import"), {"file": good})
    version = QuestionnaireVersion.objects.get(questionnaire__code="SAT-TOWN")
    assert done["Location"] == reverse("surveys:questionnaire_version", args=[version.pk])


def test_the_exports_download_with_chinese_names(survey_world: SurveyWorld) -> None:
    client = client_for(survey_world.admin)
    url = reverse("surveys:questionnaire_export", args=[survey_world.version.pk, "yaml"])
    answer = client.get(url)
    assert "filename*=UTF-8''%E7%BE%A4" in answer["Content-Disposition"]
    assert "text: 您对本单位作风建设是否满意？" in answer.content.decode()
    template = client.get(reverse("surveys:questionnaire_template"))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Questionnaire.objects.count() == 1


def test_a_user_of_several_regions_picks_the_region_of_a_new_questionnaire(
    survey_world: SurveyWorld, sysadmin: User
) -> None:
    client = client_for(sysadmin)
    url = reverse("surveys:questionnaire_import")
    form = client.get(url).content.decode()
    assert 'name="region"' in form and "平顺县" in form
    refused = client.post(url, {"file": SimpleUploadedFile("q.yaml", GOOD_YAML.encode())})
    assert "请选择新问卷所属的行政区划" in refused.content.decode()
    assert not Questionnaire.objects.filter(code="SAT-TOWN").exists()
    region = survey_world.org.county_b
    client.post(
        url, {"file": SimpleUploadedFile("q.yaml", GOOD_YAML.encode()), "region": region.pk}
    )
    assert Questionnaire.objects.get(code="SAT-TOWN").region == region
