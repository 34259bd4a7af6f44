"""The questionnaires' pages, for the commission (thin: reads in ``selectors``, writes in
``services_questionnaires``, files in ``questionnaire_io``). Every page answers 404 to
anyone who does not run surveys for the questionnaire's region."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.uploads import failed_import_context, max_upload_mb, read_upload
from qingfeng.lib.xlsx import XLSX_TYPE, attachment
from qingfeng.surveys import selectors
from qingfeng.surveys import services_questionnaires as services
from qingfeng.surveys.forms_questionnaires import QuestionForm, QuestionnaireForm, VersionForm
from qingfeng.surveys.models import Question, Questionnaire, QuestionnaireVersion, VersionStatus
from qingfeng.surveys.questionnaire_io import (
    questionnaire_export,
    questionnaire_import,
    template_xlsx,
)
from qingfeng.surveys.questionnaire_spec import (
    LIKERT_LABELS,
    ChoiceSpec,
    scoring_words,
)


def _questionnaires(request: AuthedRequest) -> QuerySet[Questionnaire]:
    if not selectors.may_manage(request.user):
        raise Http404
    return selectors.questionnaires_for(request.user, manage=True)


def _version(request: AuthedRequest, pk: int) -> QuestionnaireVersion:
    versions = QuestionnaireVersion.objects.filter(
        questionnaire__in=_questionnaires(request)
    ).select_related("questionnaire__region")
    return get_object_or_404(versions, pk=pk)


def _question(request: AuthedRequest, pk: int) -> Question:
    questions = Question.objects.filter(
        version__questionnaire__in=_questionnaires(request)
    ).select_related("version__questionnaire")
    return get_object_or_404(questions, pk=pk)


def _refused(request: AuthedRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def questionnaire_list(request: AuthedRequest) -> HttpResponse:
    """The questionnaires of the regions the user runs surveys for, with their versions
    and each version's status."""
    questionnaires = _questionnaires(request).prefetch_related(
        Prefetch("versions", queryset=QuestionnaireVersion.objects.order_by("-number"))
    )
    return render(request, "surveys/questionnaire_list.html", {"questionnaires": questionnaires})


@login_required
def questionnaire_create(request: AuthedRequest) -> HttpResponse:
    """A new questionnaire, with an empty draft version 1 to write its questions in."""
    _questionnaires(request)
    form = QuestionnaireForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.questionnaire_create(
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                region=form.cleaned_data["region"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Created. Now add the questions."))
            return redirect("surveys:questionnaire_version", pk=version.pk)
    return render(
        request,
        "surveys/questionnaire_form.html",
        {"form": form, "title": _("New questionnaire")},
    )


@login_required
def questionnaire_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A questionnaire and its versions (newest first)."""
    questionnaire = get_object_or_404(_questionnaires(request), pk=pk)
    versions = questionnaire.versions.order_by("-number").prefetch_related("categories")
    has_draft = any(version.status == VersionStatus.DRAFT for version in versions)
    has_published = any(version.status == VersionStatus.PUBLISHED for version in versions)
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "versions": versions,
            "can_start_version": has_published and not has_draft,
        },
    )


def _shown_questions(version: QuestionnaireVersion) -> list[dict[str, Any]]:
    """Each question as a respondent sees it, with its scoring in words."""
    rows = []
    for question in version.questions.prefetch_related("choices").order_by("position"):
        choices = [ChoiceSpec(c.label, c.score) for c in question.choices.all()]
        shown = (
            [str(LIKERT_LABELS[point]) for point in (5, 4, 3, 2, 1)]
            if question.kind == "likert"
            else [c.label for c in choices]
        )
        rows.append(
            {
                "question": question,
                "shown": shown,
                "scoring": scoring_words(question.kind, choices),
            }
        )
    return rows


@login_required
def version_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A version's questions exactly as a respondent sees them, each with its scoring in
    words; on a draft, the editing buttons and what stands in the way of publishing."""
    version = _version(request, pk)
    is_draft = version.status == VersionStatus.DRAFT
    return render(
        request,
        "surveys/questionnaire_version.html",
        {
            "version": version,
            "questionnaire": version.questionnaire,
            "rows": _shown_questions(version),
            "is_draft": is_draft,
            "problems": services.version_problems(version) if is_draft else [],
            "categories": list(version.categories.order_by("code")),
        },
    )


@login_required
def version_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """A draft's title, introduction and unit categories."""
    version = _version(request, pk)
    form = VersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_edit(
                version=version,
                title=form.cleaned_data["title"],
                intro=form.cleaned_data["intro"],
                categories=list(form.cleaned_data["categories"]),
                actor=request.user,
            )
        except ValidationError as exc:
            _refused(request, exc)
        return redirect("surveys:questionnaire_version", pk=version.pk)
    return render(
        request,
        "surveys/questionnaire_form.html",
        {"form": form, "title": _("Version settings"), "version": version},
    )


def _question_form_page(
    request: AuthedRequest, version: QuestionnaireVersion, question: Question | None
) -> HttpResponse:
    form = QuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            if question is None:
                services.question_add(version=version, spec=form.spec(), actor=request.user)
            else:
                services.question_edit(question=question, spec=form.spec(), actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc) if not hasattr(exc, "error_dict") else _add_errors(form, exc)
        else:
            return redirect("surveys:questionnaire_version", pk=version.pk)
    title = _("Add a question") if question is None else _("Edit the question")
    return render(
        request,
        "surveys/questionnaire_form.html",
        {"form": form, "title": title, "version": version, "question_form": True},
    )


def _add_errors(form: QuestionForm, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def question_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a question at the end of a draft."""
    version = _version(request, pk)
    if version.status != VersionStatus.DRAFT:
        messages.error(request, _("A published version can no longer change."))
        return redirect("surveys:questionnaire_version", pk=version.pk)
    return _question_form_page(request, version, None)


@login_required
def question_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit a draft's question."""
    question = _question(request, pk)
    if question.version.status != VersionStatus.DRAFT:
        messages.error(request, _("A published version can no longer change."))
        return redirect("surveys:questionnaire_version", pk=question.version.pk)
    return _question_form_page(request, question.version, question)


@login_required
@require_POST
def question_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete a draft's question."""
    question = _question(request, pk)
    version = question.version
    try:
        services.question_delete(question=question, actor=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("surveys:questionnaire_version", pk=version.pk)


@login_required
@require_POST
def question_move(request: AuthedRequest, pk: int, direction: str) -> HttpResponse:
    """Move a draft's question one place up or down."""
    question = _question(request, pk)
    if direction not in ("up", "down"):
        raise Http404
    try:
        services.question_move(question=question, up=direction == "up", actor=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("surveys:questionnaire_version", pk=question.version.pk)


@login_required
@require_POST
def version_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    """Publish a draft (refused, with every problem, when it is not ready)."""
    version = _version(request, pk)
    try:
        services.version_publish(version=version, actor=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Published: this version is now frozen."))
    return redirect("surveys:questionnaire_version", pk=version.pk)


@login_required
@require_POST
def version_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """A new draft copying the latest published version."""
    questionnaire = get_object_or_404(_questionnaires(request), pk=pk)
    try:
        version = services.version_new(questionnaire=questionnaire, actor=request.user)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("surveys:questionnaire_detail", pk=questionnaire.pk)
    messages.success(request, _("New draft version %(number)s.") % {"number": version.number})
    return redirect("surveys:questionnaire_version", pk=version.pk)


@login_required
def version_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    """A version as a YAML or .xlsx file of the interchange format."""
    version = _version(request, pk)
    if fmt not in ("yaml", "xlsx"):
        raise Http404
    data, name = questionnaire_export(version=version, fmt="yaml" if fmt == "yaml" else "xlsx")
    kind = XLSX_TYPE if fmt == "xlsx" else "application/yaml; charset=utf-8"
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = attachment(name)
    return response


@login_required
def questionnaire_template(request: AuthedRequest) -> HttpResponse:
    """The blank .xlsx template, with an example questionnaire."""
    _questionnaires(request)
    data, name = template_xlsx()
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachment(name)
    return response


@login_required
def questionnaire_import_page(request: AuthedRequest) -> HttpResponse:
    """Upload a questionnaire (YAML or .xlsx): a new questionnaire, a new draft, or the
    current draft replaced; on any problem nothing is stored and each is listed. A user
    running surveys for several regions picks the region of a new questionnaire."""
    _questionnaires(request)
    regions = list(selectors.managed_regions(request.user).order_by("path"))
    context: dict[str, Any] = {"max_mb": max_upload_mb(), "regions": regions}
    if request.method == "POST":
        upload = read_upload(request)
        chosen = request.POST.get("region", "")
        region = next((r for r in regions if str(r.pk) == chosen), None)
        context["chosen"] = region.pk if region else None
        issues: list[Any] = list(upload.issues)
        if not issues:
            result = questionnaire_import(
                data=upload.data, filename=upload.name, actor=request.user, region=region
            )
            if result.version is not None and not result.issues:
                messages.success(request, _("Imported as a draft. Check it, then publish it."))
                return redirect("surveys:questionnaire_version", pk=result.version.pk)
            issues = list(result.issues)
        context.update(failed_import_context(upload, issues))
    return render(request, "surveys/questionnaire_import.html", context)
