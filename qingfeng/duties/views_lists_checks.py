"""Pages of the quarterly checks and accountability steps: the overview, recording a check
or a step of a list, a step's document (only to users who see its list) and the
statistics with their .xlsx export. Outside the visibility rule, a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability
from qingfeng.duties import checks, lists_selectors
from qingfeng.duties.forms_lists import CheckForm, StepForm
from qingfeng.duties.models import DutyList, QuarterlyCheck, TaskDue
from qingfeng.duties.views_lists import list_or_404, viewer_or_404
from qingfeng.lib.service_forms import add_service_errors
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import Sheet, download_name, xlsx_response
from qingfeng.records.evidence import content_type_of


def _year_of(request: AuthedRequest) -> int | None:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


@login_required
def checks_overview(request: AuthedRequest) -> HttpResponse:
    """The quarterly checks and accountability steps of the lists the user sees."""
    user = request.user
    viewer_or_404(user)
    today = timezone.localdate()
    year = _year_of(request) or today.year
    quarter = lists_selectors.quarter_to_check(year=year, today=today)
    awaiting = None
    if quarter is not None and has_capability(user, Capability.CHECK_DUTIES):
        awaiting = lists_selectors.lists_awaiting_check(user, year=year, quarter=quarter)
    context = {
        "year": year,
        "quarter": quarter,
        "awaiting": None if awaiting is None else list(awaiting[:200]),
        "awaiting_count": None if awaiting is None else awaiting.count(),
        "checks": lists_selectors.visible_checks(user)
        .filter(duty_list__year=year)
        .select_related(
            "duty_list__unit", "duty_list__person", "duty_list__discipline_group", "checked_by"
        )
        .order_by("-checked_on", "-pk")[:200],
        "steps": lists_selectors.visible_steps(user)
        .filter(duty_list__year=year)
        .select_related(
            "duty_list__unit",
            "duty_list__person",
            "duty_list__discipline_group",
            "step",
            "decided_by",
        )[:200],
    }
    return render(request, "duties/lists/checks.html", context)


def _checker_list_or_404(request: AuthedRequest, pk: int) -> DutyList:
    duty_list = list_or_404(request.user, pk)
    if not lists_selectors.may_check(request.user, duty_list):
        raise Http404
    return duty_list


@login_required
def check_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record the quarterly check of a list (a discipline group covering its unit, or the
    commission)."""
    duty_list = _checker_list_or_404(request, pk)
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checks.check_record(duty_list=duty_list, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The check is recorded."))
            return redirect("duties:list_detail", duty_list.pk)
    context = {"duty_list": duty_list, "form": form, "title": _("Record a quarterly check")}
    return render(request, "duties/lists/record_form.html", context)


def _follows_choices(duty_list: DutyList) -> list[tuple[str, str]]:
    today = timezone.localdate()
    choices = [("", "—")]
    choices += [
        (
            f"due:{due.pk}",
            _("Red light: %(task)s, due %(date)s") % {"task": due.task, "date": due.due},
        )
        for due in checks.red_dues(duty_list, today=today)
    ]
    choices += [
        (f"check:{check.pk}", _("Failed check of Q%(q)s") % {"q": check.quarter})
        for check in checks.failed_checks(duty_list)
    ]
    return choices


@login_required
def step_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record an accountability step after a red light or a failed check of the list."""
    duty_list = _checker_list_or_404(request, pk)
    form = StepForm(
        request.POST or None, request.FILES or None, follows=_follows_choices(duty_list)
    )
    if request.method == "POST" and form.is_valid():
        kind, _sep, ident = form.cleaned_data["follows"].partition(":")
        red_due = (
            TaskDue.objects.filter(pk=ident, duty_list=duty_list).first() if kind == "due" else None
        )
        failed = (
            QuarterlyCheck.objects.filter(pk=ident, duty_list=duty_list).first()
            if kind == "check"
            else None
        )
        try:
            checks.step_record(
                duty_list=duty_list,
                step=form.cleaned_data["step"],
                reason=form.cleaned_data["reason"],
                decided_on=form.cleaned_data["decided_on"],
                red_due=red_due,
                failed_check=failed,
                document=form.cleaned_data["document"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(
                form, error, field_of={"red_due": "follows", "failed_check": "follows"}
            )
        else:
            messages.success(request, _("The accountability step is recorded."))
            return redirect("duties:list_detail", duty_list.pk)
    context = {
        "duty_list": duty_list,
        "form": form,
        "title": _("Record an accountability step"),
        "multipart": True,
    }
    return render(request, "duties/lists/record_form.html", context)


@login_required
def step_document(request: AuthedRequest, pk: int) -> FileResponse:
    """A step's document, as an attachment, to users who see its list; 404 otherwise."""
    viewer_or_404(request.user)
    step = get_object_or_404(lists_selectors.visible_steps(request.user), pk=pk)
    if not step.document:
        raise Http404
    try:
        handle = step.document.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = step.document_name or step.document.name.rsplit("/", 1)[-1]
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=content_type_of(name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _stats_context(request: AuthedRequest) -> dict[str, Any]:
    year = _year_of(request)
    stats = checks.statistics(request.user, year=year)
    return {
        "stats": stats,
        "year": year,
        "step_rows": [
            (name, [stats.by_step.get(name, {}).get(y, 0) for y in stats.years])
            for name in stats.steps
        ],
        "year_rows": [
            (
                y,
                stats.by_year.get(y, 0),
                stats.checks_by_year.get(y, 0),
                stats.failed_by_year.get(y, 0),
            )
            for y in stats.years
        ],
    }


@login_required
def stats(request: AuthedRequest) -> HttpResponse:
    """Accountability steps per ladder step × year, per unit and per year, and failed
    checks, over the lists the user sees."""
    viewer_or_404(request.user)
    return render(request, "duties/lists/stats.html", _stats_context(request))


@login_required
def stats_xlsx(request: AuthedRequest) -> HttpResponse:
    """The statistics as an .xlsx workbook (Chinese sheets and headers, a Chinese name)."""
    viewer_or_404(request.user)
    context = _stats_context(request)
    data = context["stats"]
    years = data.years
    sheets = [
        Sheet(
            name=_("By step and year"),
            headers=[
                pgettext("duty statistics", "step"),
                *[str(y) for y in years],
                pgettext("duty statistics", "total"),
            ],
            rows=[[name, *counts, sum(counts)] for name, counts in context["step_rows"]],
        ),
        Sheet(
            name=_("By unit"),
            headers=[_("unit or group"), _("accountability steps")],
            rows=[list(row) for row in data.by_unit],
        ),
        Sheet(
            name=_("By year"),
            headers=[_("year"), _("accountability steps"), _("checks"), _("failed checks")],
            rows=[list(row) for row in context["year_rows"]],
        ),
    ]
    filename = download_name(_("Accountability statistics"), context["year"])
    return xlsx_response(filename, sheets)
