"""The cross evaluations' pages (thin: reads in ``selectors_cross``, writes in
``services_cross``). The commission runs them (create, raters and their links, a paper
table typed in, close); analysts and leadership read the results. Every page answers 404
outside the user's regions, and shows only the units the user sees."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import XLSX_TYPE, attachment
from qingfeng.surveys import cross_files, forms_cross, selectors, selectors_cross
from qingfeng.surveys.models import CrossEvaluation
from qingfeng.surveys.services_cross import (
    cross_close,
    cross_create,
    cross_rater_add,
    cross_rater_remove,
    ratings_submit,
)


def _download(name: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachment(name)
    return response


def _managed(request: AuthedRequest, pk: int) -> CrossEvaluation:
    return selectors_cross.evaluation_for(request.user, pk, manage=True)


@login_required
def cross_list(request: AuthedRequest) -> HttpResponse:
    """The cross evaluations of the user's regions, newest period first."""
    if not selectors.may_read(request.user):
        raise Http404
    evaluations = list(selectors.cross_evaluations_for(request.user)[:500])
    for evaluation in evaluations:
        evaluation.url = reverse("surveys:cross_detail", args=[evaluation.pk])  # type: ignore[attr-defined]
    may_create = selectors.managed_regions(request.user).exists()
    context = {
        "heading": _("Cross evaluations"),
        "explanation": _(
            "Units of one category (or named leaders) give points to units of another, "
            "never to their own; the mean points become each rated unit's record."
        ),
        "items": evaluations,
        "new_url": reverse("surveys:cross_new") if may_create else "",
        "new_label": _("New cross evaluation"),
    }
    return render(request, "surveys/instrument_list.html", context)


@login_required
def cross_new(request: AuthedRequest) -> HttpResponse:
    """The commission creates a cross evaluation: rated units, rater units and leaders,
    the period and the leaf it feeds."""
    if not selectors.managed_regions(request.user).exists():
        raise Http404
    form = forms_cross.CrossForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        framework, indicator_code = data["leaf"]
        try:
            evaluation = cross_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                region=data["region"],
                period=data["period"],
                framework=framework,
                indicator_code=indicator_code,
                rated_units=data["rated_units"],
                rater_units=data["rater_units"],
                rater_people=data["rater_people"],
            )
        except ValidationError as error:
            forms_cross.refuse(form, error)
        else:
            messages.success(request, _("Cross evaluation created: send each rater its link."))
            return redirect("surveys:cross_detail", pk=evaluation.pk)
    context = {
        "form": form,
        "rated_groups": form.unit_groups("rated_units"),
        "rater_groups": form.unit_groups("rater_units"),
    }
    return render(request, "surveys/cross_form.html", context)


@login_required
def cross_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """An evaluation: its raters (missing ones first, with their links for the
    commission), each rated unit's result and the matrix of every rater's points."""
    evaluation = selectors_cross.evaluation_for(request.user, pk)
    may_manage = selectors.cross_evaluations_for(request.user, manage=True).filter(pk=pk).exists()
    board = selectors_cross.board(evaluation, user=request.user)
    if may_manage:  # the links are the commission's to hand out, not the readers'
        for row in board.raters:
            row.link = request.build_absolute_uri(reverse("answer:rater", args=[row.rater.token]))
    add_form = None
    if may_manage and evaluation.is_open:
        add_form = forms_cross.RaterAddForm(
            units=selectors_cross.candidate_rater_units(evaluation, request.user),
            user=request.user,
        )
    context = {
        "evaluation": evaluation,
        "board": board,
        "may_manage": may_manage,
        "add_form": add_form,
        "leaf": selectors_cross.fed_leaf_label(evaluation),
    }
    return render(request, "surveys/cross_detail.html", context)


@login_required
def cross_results_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The results as .xlsx: the means and the matrix, within the user's units."""
    evaluation = selectors_cross.evaluation_for(request.user, pk)
    board = selectors_cross.board(evaluation, user=request.user)
    return _download(cross_files.results_name(evaluation), cross_files.results_workbook(board))


@login_required
def cross_rater_entry(request: AuthedRequest, pk: int, rater: int) -> HttpResponse:
    """The commission types in a rater's paper table (or corrects it) on its behalf:
    the same rules as the rater's own page, the clerk recorded in the history."""
    evaluation = _managed(request, pk)
    found = selectors_cross.rater_for(request.user, evaluation, rater)
    units = selectors_cross.rateable_units(found)
    form = forms_cross.RatingForm(
        request.POST or None,
        units=units,
        full=evaluation.full_points,
        given=selectors_cross.rater_points(found),
    )
    if request.method == "POST" and evaluation.is_open and form.is_valid():
        try:
            ratings_submit(rater=found, points=form.points(), actor=request.user)
        except ValidationError as error:
            forms_cross.refuse(form, error)
        else:
            messages.success(request, _("The table of %(rater)s is stored.") % {"rater": found})
            return redirect("surveys:cross_detail", pk=evaluation.pk)
    context = {"evaluation": evaluation, "rater": found, "form": form}
    return render(request, "surveys/cross_entry.html", context)


@login_required
def cross_rater_blank(request: AuthedRequest, pk: int, rater: int) -> HttpResponse:
    """A rater's blank table as .xlsx, to print and fill on paper."""
    evaluation = _managed(request, pk)
    found = selectors_cross.rater_for(request.user, evaluation, rater)
    units = selectors_cross.rateable_units(found)
    return _download(cross_files.blank_name(found), cross_files.blank_workbook(found, units))


@login_required
@require_POST
def cross_rater_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a rater unit or leader while the evaluation is open."""
    evaluation = _managed(request, pk)
    form = forms_cross.RaterAddForm(
        request.POST,
        units=selectors_cross.candidate_rater_units(evaluation, request.user),
        user=request.user,
    )
    if not form.is_valid():
        messages.error(request, _("Choose a rater unit or a leader."))
        return redirect("surveys:cross_detail", pk=pk)
    try:
        added = cross_rater_add(
            evaluation=evaluation,
            actor=request.user,
            unit=form.cleaned_data["unit"],
            person=form.cleaned_data["person"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(rater)s added: send it its link.") % {"rater": added})
    return redirect("surveys:cross_detail", pk=pk)


@login_required
@require_POST
def cross_rater_remove_view(request: AuthedRequest, pk: int, rater: int) -> HttpResponse:
    """Remove a rater (and its table) while the evaluation is open."""
    evaluation = _managed(request, pk)
    found = selectors_cross.rater_for(request.user, evaluation, rater)
    try:
        cross_rater_remove(rater=found, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(rater)s removed.") % {"rater": found})
    return redirect("surveys:cross_detail", pk=pk)


@login_required
@require_POST
def cross_close_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Close the evaluation: each rated unit's mean points become its record."""
    evaluation = _managed(request, pk)
    try:
        result = cross_close(evaluation=evaluation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Closed: %(created)d records written, %(updated)d updated.")
            % {"created": result.created, "updated": result.updated},
        )
    return redirect("surveys:cross_detail", pk=pk)
