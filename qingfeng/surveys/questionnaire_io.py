"""Questionnaire import and export (YAML and .xlsx): the public entry points.

One interchange format in two forms (docs/surveys-questionnaires.md); reading is in
``questionnaire_io_read``, the content and its checks in ``questionnaire_spec``, the
writes in ``services_questionnaires``.

``questionnaire_import`` is all or nothing: the file is read and checked completely,
every problem is collected as a located ``Issue``, and only a file without any is
stored, in one transaction. A code that exists gets its draft replaced, or a new draft
after its highest version; a published version never changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.lib.tabular import FILE, Issue
from qingfeng.lib.xlsx import Sheet, download_name, workbook_bytes
from qingfeng.org.models import Region, UnitCategory
from qingfeng.surveys import selectors
from qingfeng.surveys.models import Questionnaire, QuestionnaireVersion, VersionStatus
from qingfeng.surveys.questionnaire_io_read import (
    META_COLUMNS,
    META_KEYS,
    META_SHEET,
    QUESTION_COLUMNS,
    QUESTION_SHEET,
    read_questionnaire,
)
from qingfeng.surveys.questionnaire_spec import (
    KIND_WORDS,
    ChoiceSpec,
    QuestionSpec,
    VersionSpec,
    choices_text,
    code_problem,
    score_text,
    spec_problems,
    version_spec,
)
from qingfeng.surveys.services_questionnaires import (
    draft_after,
    questionnaire_create,
    version_fill,
    version_publish,
)

Format = Literal["yaml", "xlsx"]
MAX_NAME = Questionnaire._meta.get_field("name").max_length or 100
MAX_TITLE = QuestionnaireVersion._meta.get_field("title").max_length or 150
MAX_INTRO = 2000


@dataclass
class QuestionnaireImportResult:
    """What an import did, or (with issues) why it did nothing."""

    issues: list[Issue] = field(default_factory=list)
    version: QuestionnaireVersion | None = None
    created: bool = False
    replaced: bool = False

    @property
    def ok(self) -> bool:
        """True when the file had no problem (and so was stored)."""
        return not self.issues

    def summary(self) -> str:
        """One line: the questionnaire and version written."""
        if self.version is None:
            return _("nothing was imported")
        return _("questionnaire %(code)s, version %(number)s (%(status)s): %(count)s questions") % {
            "code": self.version.questionnaire.code,
            "number": self.version.number,
            "status": self.version.get_status_display(),
            "count": self.version.questions.count(),
        }


def _issue(place: str, message: str) -> Issue:
    return Issue(FILE if not place else "", None, None, message, place=place or None)


def _setting_problems(
    spec: VersionSpec, locate: Any, existing: Questionnaire | None
) -> list[Issue]:
    issues: list[Issue] = []
    problem = code_problem(spec.code)
    if problem:
        issues.append(_issue(locate(None, "code", None), problem))
    if existing is None and not spec.name:
        issues.append(_issue(locate(None, "name", None), _("a name is required")))
    for key, limit in (("name", MAX_NAME), ("title", MAX_TITLE), ("intro", MAX_INTRO)):
        value = getattr(spec, key)
        if isinstance(value, str) and len(value) > limit:
            message = _("too long: at most %(max)s characters, this has %(length)s") % {
                "max": limit,
                "length": len(value),
            }
            issues.append(_issue(locate(None, key, None), message))
    known = set(
        UnitCategory.objects.filter(code__in=spec.categories).values_list("code", flat=True)
    )
    for code in spec.categories:
        if code not in known:
            message = _('unknown unit category "%(code)s"') % {"code": code}
            issues.append(_issue(locate(None, "categories", None), message))
    return issues


def _region_for(actor: Any, region: Region | None, place: str) -> tuple[Region | None, list[Issue]]:
    if region is not None:
        return region, []
    if actor is not None:
        regions = list(selectors.managed_regions(actor)[:2])
    else:
        regions = list(Region.objects.filter(parent__isnull=True)[:2])
    if len(regions) == 1:
        return regions[0], []
    return None, [_issue(place, _("choose the region of the new questionnaire"))]


def questionnaire_import(
    *,
    data: bytes,
    filename: str,
    actor: Any,
    region: Region | None = None,
    publish: bool = False,
) -> QuestionnaireImportResult:
    """Import a questionnaire file (.yaml, .yml or .xlsx, by ``filename``), all or nothing.

    A new code creates the questionnaire in ``region`` (else the actor's only managed
    region; ``actor`` None, the command line: the installation's only top-level region)
    with draft version 1. An existing code (of a region the actor runs surveys for) gets
    its draft's content replaced, or a new draft after its highest version; published
    versions never change. With ``publish`` the draft is then published. The file must
    pass every check of publishing (``spec_problems``), so what is imported can be used.
    """
    spec, locate, issues = read_questionnaire(data, filename)
    result = QuestionnaireImportResult(issues=list(issues))
    if spec is None:
        return result
    existing = Questionnaire.objects.filter(code=spec.code).first() if spec.code else None
    if existing is not None and actor is not None:
        managed = selectors.questionnaires_for(actor, manage=True)
        if not managed.filter(pk=existing.pk).exists():
            message = _("the code %(code)s is taken by a questionnaire of another region") % {
                "code": spec.code
            }
            result.issues.append(_issue(locate(None, "code", None), message))
    result.issues += _setting_problems(spec, locate, existing)
    result.issues += [
        Issue("", None, None, problem.message, place=problem.where or None)
        if problem.where
        else _issue("", problem.message)
        for problem in spec_problems(spec, locate=locate)
    ]
    target = None
    if existing is None:
        target, region_issues = _region_for(actor, region, locate(None, "code", None))
        result.issues += region_issues
    if result.issues:
        return result
    try:
        with transaction.atomic():
            result.version = _store(spec, existing, target, actor, result)
            if publish:
                version_publish(version=result.version, actor=actor)
    except ValidationError as exc:
        result.version = None
        result.issues = [_issue("", message) for message in exc.messages]
    return result


def _store(
    spec: VersionSpec,
    existing: Questionnaire | None,
    region: Region | None,
    actor: Any,
    result: QuestionnaireImportResult,
) -> QuestionnaireVersion:
    if existing is None:
        assert region is not None
        draft = questionnaire_create(
            code=str(spec.code), name=str(spec.name), region=region, actor=actor
        )
        result.created = True
        return version_fill(version=draft, spec=spec, actor=actor)
    current = existing.versions.filter(status=VersionStatus.DRAFT).order_by("-number").first()
    if current is not None:
        result.replaced = True
        return version_fill(version=current, spec=spec, actor=actor)
    return draft_after(questionnaire=existing, spec=spec, actor=actor)


# ---------------------------------------------------------------------------------------
# Export


def spec_to_yaml(spec: VersionSpec) -> bytes:
    """A version's content as the YAML form of the format."""

    def score(value: Any) -> Any:
        return None if value is None else (int(value) if float(value).is_integer() else value)

    document: dict[str, Any] = {
        "code": spec.code,
        "name": spec.name,
        "title": spec.title,
        "intro": spec.intro or "",
        "categories": list(spec.categories),
        "questions": [
            {
                "code": question.code,
                "kind": question.kind,
                "text": question.text,
                "required": bool(question.required),
                **(
                    {
                        "choices": [
                            {"label": choice.label, "score": score(choice.score)}
                            for choice in question.choices
                        ]
                    }
                    if question.choices
                    else {}
                ),
            }
            for question in spec.questions
        ],
    }
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    return text.encode("utf-8")


def spec_to_xlsx(spec: VersionSpec) -> bytes:
    """A version's content as the .xlsx form of the format (every cell sanitised by
    ``workbook_bytes``)."""
    meta = [
        [META_KEYS["code"], spec.code],
        [META_KEYS["name"], spec.name],
        [META_KEYS["title"], spec.title],
        [META_KEYS["intro"], spec.intro or None],
        [META_KEYS["categories"], "、".join(spec.categories) or None],
    ]
    questions = [
        [
            question.code,
            KIND_WORDS.get(str(question.kind), question.kind),
            question.text,
            "是" if question.required else "否",
            choices_text(question.choices, separator="；") or None,
        ]
        for question in spec.questions
    ]
    return workbook_bytes(
        [
            Sheet(META_SHEET, META_COLUMNS, meta),
            Sheet(QUESTION_SHEET, QUESTION_COLUMNS, questions),
        ]
    )


def questionnaire_export(*, version: QuestionnaireVersion, fmt: Format) -> tuple[bytes, str]:
    """A version as a file of ``fmt``, with its download name (the questionnaire's name
    and the version, in words)."""
    spec = version_spec(version)
    name = download_name(
        version.questionnaire.name, _("version %(number)s") % {"number": version.number}, ext=fmt
    )
    data = spec_to_yaml(spec) if fmt == "yaml" else spec_to_xlsx(spec)
    return data, name


def template_spec() -> VersionSpec:
    """The example the blank template carries: a satisfaction questionnaire of four
    questions, one of each kind."""
    return VersionSpec(
        code="MY-SAT",
        name="群众满意度调查问卷",
        title="群众满意度调查问卷",
        intro="本问卷匿名填写，约需两分钟。",
        categories=[],
        questions=[
            QuestionSpec("q1", "likert", "您对本单位干部作风是否满意？", True),
            QuestionSpec(
                "q2",
                "single",
                "您到本单位办事是否顺畅？",
                True,
                [
                    ChoiceSpec("顺畅", 100.0),
                    ChoiceSpec("基本顺畅", 60.0),
                    ChoiceSpec("不顺畅", 0.0),
                    ChoiceSpec("不了解", None),
                ],
            ),
            QuestionSpec(
                "q3",
                "multiple",
                "您认为本单位做得好的方面有（可多选）",
                False,
                [
                    ChoiceSpec("政务公开", 100.0),
                    ChoiceSpec("办事高效", 100.0),
                    ChoiceSpec("都不好", 0.0),
                ],
            ),
            QuestionSpec("q4", "text", "您的意见和建议", False),
        ],
    )


def template_xlsx() -> tuple[bytes, str]:
    """The blank template (.xlsx) with its example, and its download name."""
    return spec_to_xlsx(template_spec()), download_name(_("questionnaire template"))


__all__ = [
    "Format",
    "QuestionnaireImportResult",
    "questionnaire_export",
    "questionnaire_import",
    "score_text",
    "spec_to_xlsx",
    "spec_to_yaml",
    "template_xlsx",
]
