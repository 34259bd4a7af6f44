"""Writes of questionnaires: create one, edit a draft version and its questions, publish,
start a new version, and fill a draft with a whole content (the imports).

A published version is frozen: every write to it is refused with a ``ValidationError``
saying so (campaigns put it to the public and their responses are scored by it). Every
write records ``actor`` in the history (``qingfeng.lib.history.stamp``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.lib.history import stamp
from qingfeng.org.models import Region, UnitCategory
from qingfeng.surveys import selectors
from qingfeng.surveys.models import (
    Choice,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    VersionStatus,
)
from qingfeng.surveys.questionnaire_spec import (
    ChoiceSpec,
    Problem,
    QuestionSpec,
    VersionSpec,
    question_problems,
    spec_problems,
    version_spec,
)
from qingfeng.surveys.rules import MAX_QUESTIONS


def _frozen(version: QuestionnaireVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            _(
                "Version %(number)s is published and can no longer change; start a new "
                "version to edit the questions."
            )
            % {"number": version.number}
        )


def _save(obj: Any, actor: Any) -> None:
    stamp(obj, actor)
    obj.save()


def page_where(question: int | None, field: str | None, choice: int | None) -> str:
    """A place in a version as a page names it: "question 3", "question 3, choice 2"."""
    if question is None:
        return ""
    if choice is not None:
        return _("question %(number)s, choice %(choice)s") % {
            "number": question + 1,
            "choice": choice + 1,
        }
    return _("question %(number)s") % {"number": question + 1}


def questionnaire_create(
    *, code: str, name: str, region: Region, actor: Any, title: str = ""
) -> QuestionnaireVersion:
    """Create a questionnaire of ``region`` (one of the regions ``actor`` runs surveys for;
    ``actor`` None: the command line) with an empty draft version 1, titled ``title``
    (else the name). Returns the draft."""
    if actor is not None and not selectors.managed_regions(actor).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("You do not run surveys for this region.")})
    if Questionnaire.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A questionnaire with this code already exists.")})
    with transaction.atomic():
        questionnaire = Questionnaire(code=code, name=name, region=region)
        questionnaire.full_clean()
        _save(questionnaire, actor)
        version = QuestionnaireVersion(
            questionnaire=questionnaire, number=1, title=title or name, intro=""
        )
        version.full_clean()
        _save(version, actor)
    return version


def version_edit(
    *,
    version: QuestionnaireVersion,
    title: str,
    intro: str,
    categories: Sequence[UnitCategory],
    actor: Any,
) -> QuestionnaireVersion:
    """Change a draft's title shown to respondents, its introduction and the unit
    categories it is written for (none: every category)."""
    _frozen(version)
    version.title, version.intro = title, intro
    version.full_clean()
    with transaction.atomic():
        _save(version, actor)
        version.categories.set(categories)
    return version


def _check_question(
    version: QuestionnaireVersion, spec: QuestionSpec, *, index: int, pk: int | None = None
) -> None:
    """Refuse a question with a problem (a ``ValidationError`` by form field)."""
    problems = question_problems(spec, index=index, locate=page_where)
    others = version.questions.filter(code=spec.code)
    if (others.exclude(pk=pk) if pk is not None else others).exists():
        problems.append(Problem("", _("Another question already has this code."), index, "code"))
    if problems:
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            field = "choices" if problem.field == "score" else problem.field or "__all__"
            message = problem.message
            if problem.choice is not None:  # which choice, as the form's lines count them
                message = _("choice %(number)s: %(message)s") % {
                    "number": problem.choice + 1,
                    "message": problem.message,
                }
            by_field.setdefault(field, []).append(message)
        raise ValidationError(by_field)


def _write_choices(question: Question, choices: Sequence[ChoiceSpec], actor: Any) -> None:
    for old in question.choices.all():
        stamp(old, actor)
        old.delete()
    for position, choice in enumerate(choices, start=1):
        _save(
            Choice(question=question, position=position, label=choice.label, score=choice.score),
            actor,
        )


def question_add(*, version: QuestionnaireVersion, spec: QuestionSpec, actor: Any) -> Question:
    """Add a question (with its choices) at the end of a draft."""
    _frozen(version)
    count = version.questions.count()
    if count >= MAX_QUESTIONS:
        raise ValidationError(_("At most %(max)s questions.") % {"max": MAX_QUESTIONS})
    _check_question(version, spec, index=count)
    with transaction.atomic():
        question = Question(
            version=version,
            position=count + 1,
            code=spec.code,
            kind=spec.kind,
            text=spec.text,
            required=spec.required,
        )
        _save(question, actor)
        _write_choices(question, spec.choices, actor)
    return question


def question_edit(*, question: Question, spec: QuestionSpec, actor: Any) -> Question:
    """Change a draft's question: code, kind, text, required and its choices (replaced)."""
    question.refresh_from_db()  # its position may have moved since it was read
    _frozen(question.version)
    _check_question(question.version, spec, index=question.position - 1, pk=question.pk)
    with transaction.atomic():
        question.code, question.kind, question.text = spec.code, spec.kind, spec.text
        question.required = spec.required
        stamp(question, actor)
        question.save(update_fields=["code", "kind", "text", "required"])
        _write_choices(question, spec.choices if spec.kind in ("single", "multiple") else [], actor)
    return question


def _renumber(version: QuestionnaireVersion, ordered: Sequence[Question], actor: Any) -> None:
    # Positions are not unique in the database, so two questions may swap in place.
    for position, question in enumerate(ordered, start=1):
        if question.position != position:
            question.position = position
            _save(question, actor)


def question_delete(*, question: Question, actor: Any) -> None:
    """Delete a draft's question (and its choices); the others close up."""
    version = question.version
    _frozen(version)
    with transaction.atomic():
        stamp(question, actor)
        question.delete()
        _renumber(version, list(version.questions.order_by("position")), actor)


def question_move(*, question: Question, up: bool, actor: Any) -> None:
    """Move a draft's question one place up (or down); at the end it stays."""
    question.refresh_from_db()
    version = question.version
    _frozen(version)
    ordered = list(version.questions.order_by("position"))
    at = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    to = at - 1 if up else at + 1
    if not 0 <= to < len(ordered):
        return
    ordered[at], ordered[to] = ordered[to], ordered[at]
    with transaction.atomic():
        _renumber(version, ordered, actor)


def version_problems(version: QuestionnaireVersion) -> list[Problem]:
    """What stands in the way of publishing a draft, each problem at its question."""
    return spec_problems(version_spec(version), locate=page_where)


def version_publish(*, version: QuestionnaireVersion, actor: Any) -> QuestionnaireVersion:
    """Publish a draft: checked (``spec_problems``), then frozen for good. Refused with
    every problem, located at its question, when the draft is not ready."""
    _frozen(version)
    problems = version_problems(version)
    if problems:
        raise ValidationError([str(problem) for problem in problems])
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    _save(version, actor)
    return version


def version_fill(
    *, version: QuestionnaireVersion, spec: VersionSpec, actor: Any
) -> QuestionnaireVersion:
    """Replace a draft's whole content (title, intro, categories by code, questions and
    choices) with ``spec``, which the caller has checked (``spec_problems``). Unknown
    category codes are refused."""
    _frozen(version)
    categories = list(UnitCategory.objects.filter(code__in=spec.categories))
    if len(categories) != len(set(spec.categories)):
        raise ValidationError(_("Unknown unit category."))
    with transaction.atomic():
        version.title = spec.title or version.questionnaire.name
        version.intro = spec.intro or ""
        version.full_clean()
        _save(version, actor)
        version.categories.set(categories)
        for old in version.questions.all():
            stamp(old, actor)
            old.delete()
        for position, item in enumerate(spec.questions, start=1):
            question = Question(
                version=version,
                position=position,
                code=item.code,
                kind=item.kind,
                text=item.text,
                required=bool(item.required),
            )
            _save(question, actor)
            _write_choices(question, item.choices, actor)
    return version


def version_new(*, questionnaire: Questionnaire, actor: Any) -> QuestionnaireVersion:
    """A new draft (number + 1) copying the latest published version's content; refused
    while a draft exists (edit that one) or when nothing is published yet."""
    if questionnaire.versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationError(_("This questionnaire already has a draft: edit that one."))
    latest = (
        questionnaire.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    )
    if latest is None:
        raise ValidationError(_("No version is published yet."))
    return draft_after(questionnaire=questionnaire, spec=version_spec(latest), actor=actor)


def draft_after(
    *, questionnaire: Questionnaire, spec: VersionSpec, actor: Any
) -> QuestionnaireVersion:
    """A new draft numbered after the highest version, filled with ``spec``."""
    highest = questionnaire.versions.aggregate(top=Max("number"))["top"] or 0
    with transaction.atomic():
        version = QuestionnaireVersion(
            questionnaire=questionnaire,
            number=highest + 1,
            title=spec.title or questionnaire.name,
            intro=spec.intro or "",
        )
        _save(version, actor)
        version_fill(version=version, spec=spec, actor=actor)
    return version
