"""Questionnaire import and export: YAML and .xlsx, all or nothing, located errors, new
drafts for an existing code, the round trip, and the command."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from qingfeng.surveys.models import Questionnaire, QuestionnaireVersion, VersionStatus
from qingfeng.surveys.questionnaire_io import (
    questionnaire_export,
    questionnaire_import,
    template_xlsx,
)
from qingfeng.surveys.questionnaire_spec import version_spec
from qingfeng.surveys.rules import MAX_QUESTIONS
from tests.surveys.conftest import SurveyWorld
from tests.surveys.questionnaire_helpers import GOOD_YAML, HEADER, META, stored, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in English unless a test says otherwise (the site's default is Chinese)."""
    with translation.override("en"):
        yield


def _import(world: SurveyWorld, data: bytes | str, name: str = "q.yaml", **kw: object):
    raw = data.encode() if isinstance(data, str) else data
    return questionnaire_import(data=raw, filename=name, actor=world.admin, **kw)  # type: ignore[arg-type]


def test_it_imports_yaml_as_a_draft(survey_world: SurveyWorld) -> None:
    result = _import(survey_world, GOOD_YAML)
    assert result.issues == []
    version = result.version
    assert version is not None and result.created
    assert (version.number, version.status) == (1, VersionStatus.DRAFT)
    assert version.questionnaire.region == survey_world.org.county_a
    assert version.title == "群众满意度调查"
    assert [c.code for c in version.categories.all()] == ["township"]
    spec = version_spec(version)
    assert [(q.code, q.kind, q.required) for q in spec.questions] == [
        ("q1", "likert", True),
        ("q2", "single", False),
        ("q3", "text", False),
    ]
    assert [(c.label, c.score) for c in spec.questions[1].choices] == [
        ("顺畅", 100.0),
        ("基本顺畅", 60.0),
        ("不了解", None),
    ]


def test_it_imports_the_template_workbook_and_publishes(survey_world: SurveyWorld) -> None:
    data, name = template_xlsx()
    assert name.endswith(".xlsx")
    result = _import(survey_world, data, "模板.xlsx", publish=True)
    assert result.issues == []
    assert result.version is not None and result.version.status == VersionStatus.PUBLISHED
    spec = version_spec(result.version)
    assert [q.kind for q in spec.questions] == ["likert", "single", "multiple", "text"]
    assert [(c.label, c.score) for c in spec.questions[1].choices][-1] == ("不了解", None)


def test_it_reads_choices_in_one_cell_of_the_workbook(survey_world: SurveyWorld) -> None:
    rows = [HEADER, ["q1", "单选", "是否满意？", "是", "满意=100；基本满意=60；不了解"]]
    result = _import(survey_world, workbook({"问卷": META, "题目": rows}), "x.xlsx")
    assert result.issues == [] and result.version is not None
    choices = version_spec(result.version).questions[0].choices
    assert [(c.label, c.score) for c in choices] == [
        ("满意", 100.0),
        ("基本满意", 60.0),
        ("不了解", None),
    ]


BAD_YAML = {
    "bad questionnaire code": (
        GOOD_YAML.replace("code: SAT-TOWN", "code: SAT TOWN"),
        "code: the code may hold only letters, digits, dots, hyphens and underscores",
    ),
    "unknown kind": (
        GOOD_YAML.replace("kind: text", "kind: essay"),
        'questions[3].kind: unknown kind "essay"',
    ),
    "score 120": (
        GOOD_YAML.replace("score: 60", "score: 120"),
        'questions[2].choices[2].score: the score "120" is not a number from 0 to 100',
    ),
    "missing choices": (
        GOOD_YAML.replace("kind: likert", "kind: multiple"),
        "questions[1].choices: a choice question needs at least two choices",
    ),
    "duplicate code": (
        GOOD_YAML.replace("code: q3", "code: q1"),
        'questions[3].code: the code "q1" is already used by question 1',
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_YAML))
def test_it_refuses_a_bad_yaml_with_located_errors_and_stores_nothing(
    survey_world: SurveyWorld, case: str
) -> None:
    text, expected = BAD_YAML[case]
    before = stored()
    result = _import(survey_world, text)
    assert result.version is None
    assert expected in str(result.issues[0])
    assert stored() == before


def test_it_refuses_a_bad_workbook_with_located_errors_in_chinese(
    survey_world: SurveyWorld,
) -> None:
    rows = [
        HEADER,
        ["q1", "问答", "甲", "是", None],
        ["q2", "单选", "乙", "是", "满意=120；不满意=0"],
        ["q3", "多选", "丙", "是", None],
        ["q1", "五级量表", "丁", "是", None],
    ]
    before = stored()
    with translation.override("zh-hans"):
        result = _import(survey_world, workbook({"问卷": META, "题目": rows}), "x.xlsx")
        messages = [str(issue) for issue in result.issues]
    assert result.version is None and stored() == before
    assert messages == [
        "题目 工作表第 2 行 题型 列：未知题型“问答”，应为：likert（五级量表）, single（单选）, "
        "multiple（多选）, text（简答）",
        "题目 工作表第 3 行 选项 列（第 1 个选项）：分值“120”不是 0 至 100 之间的数",
        "题目 工作表第 4 行 选项 列：选择题至少需要两个选项",
        "题目 工作表第 5 行 编码 列：编码“q1”已被第 1 题使用",
    ]


def test_it_refuses_too_many_rows(survey_world: SurveyWorld) -> None:
    rows = [HEADER] + [
        [f"q{n}", "五级量表", f"题{n}", "是", None] for n in range(MAX_QUESTIONS + 1)
    ]
    before = stored()
    result = _import(survey_world, workbook({"问卷": META, "题目": rows}), "x.xlsx")
    assert result.version is None and stored() == before
    assert [str(issue) for issue in result.issues] == [
        f"sheet 题目: at most {MAX_QUESTIONS} questions; this has {MAX_QUESTIONS + 1}"
    ]


def test_it_adds_a_draft_to_an_existing_code_and_never_changes_a_published_one(
    survey_world: SurveyWorld,
) -> None:
    published = survey_world.version
    before = version_spec(published)
    text = GOOD_YAML.replace("SAT-TOWN", published.questionnaire.code)
    first = _import(survey_world, text)
    assert first.version is not None and first.version.number == 2 and not first.replaced
    again = _import(survey_world, text.replace("您的建议", "您的意见"))
    assert again.version is not None and again.replaced
    assert again.version.pk == first.version.pk
    assert version_spec(again.version).questions[2].text == "您的意见"
    published.refresh_from_db()
    assert published.status == VersionStatus.PUBLISHED
    assert version_spec(published) == before
    assert QuestionnaireVersion.objects.filter(questionnaire=published.questionnaire).count() == 2


def test_it_refuses_a_code_of_another_region(survey_world: SurveyWorld) -> None:
    from tests.surveys.questionnaire_helpers import admin_b

    outsider = admin_b(survey_world.org)
    text = GOOD_YAML.replace("SAT-TOWN", survey_world.version.questionnaire.code)
    before = stored()
    result = questionnaire_import(data=text.encode(), filename="q.yaml", actor=outsider)
    assert result.version is None and stored() == before
    assert "taken by a questionnaire of another region" in str(result.issues[0])


@pytest.mark.parametrize("fmt", ["yaml", "xlsx"])
def test_it_round_trips_an_export(survey_world: SurveyWorld, fmt: str) -> None:
    published = survey_world.version
    data, name = questionnaire_export(version=published, fmt=fmt)  # type: ignore[arg-type]
    assert name == f"群众满意度调查问卷-version 1.{fmt}"
    result = _import(survey_world, data, f"x.{fmt}")
    assert result.issues == [] and result.version is not None
    assert result.version.number == 2
    assert version_spec(result.version).questions == version_spec(published).questions


def test_it_sanitises_exported_cells(survey_world: SurveyWorld) -> None:
    from openpyxl import load_workbook

    question = survey_world.version.questions.get(code="q4")
    question.text = '=HYPERLINK("http://x","y")'
    question.save()
    data, _name = questionnaire_export(version=survey_world.version, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(data))["题目"]
    assert sheet["C5"].value == '\'=HYPERLINK("http://x","y")'
    result = _import(survey_world, data, "x.xlsx")
    assert result.version is not None
    assert result.version.questions.get(code="q4").text == question.text


def test_it_imports_from_the_command_line(survey_world: SurveyWorld, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "q.yaml"
    path.write_text(GOOD_YAML, encoding="utf-8")
    out = io.StringIO()
    call_command("import_questionnaire", str(path), "--region", "C1-A", "--publish", stdout=out)
    assert "SAT-TOWN" in out.getvalue()
    version = QuestionnaireVersion.objects.get(questionnaire__code="SAT-TOWN")
    assert version.status == VersionStatus.PUBLISHED


def test_the_command_prints_located_errors_and_stores_nothing(
    survey_world: SurveyWorld,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(GOOD_YAML.replace("score: 60", "score: 120"), encoding="utf-8")
    before, err = stored(), io.StringIO()
    with pytest.raises(CommandError, match="1 problem found"):
        call_command("import_questionnaire", str(path), "--region", "C1-A", stderr=err)
    assert "questions[2].choices[2].score" in err.getvalue()
    assert stored() == before
    assert not Questionnaire.objects.filter(code="SAT-TOWN").exists()
