"""A leader's daily pages (fulfil part): "my duties" (我的履责), one list's tasks and
records, the quick entry of a fulfilment record (履责纪实) and deleting one's own record.

Every list is looked up among those the user fulfils (``fulfil_selectors.fulfil_q``):
outside it, a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability
from qingfeng.duties import fulfil_selectors as sel
from qingfeng.duties.forms_fulfil import FulfilmentForm
from qingfeng.duties.lights import Light
from qingfeng.duties.models import DutyList, DutyTask
from qingfeng.duties.services import fulfilment_delete, fulfilment_record
from qingfeng.lib.typing import AuthedRequest


def _require_fulfil(request: AuthedRequest) -> None:
    if not has_capability(request.user, Capability.FULFIL_DUTIES):
        raise Http404


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """My duties (我的履责): the lists the user fulfils this year, each with its dues to
    act on (red, yellow, then the current windows) and its light counts."""
    _require_fulfil(request)
    today = timezone.localdate()
    lists = sel.fulfillable_lists(request.user, year=today.year)
    return render(
        request,
        "duties/fulfil/mine.html",
        {
            "sections": sel.my_dues(lists, today=today),
            "year": today.year,
            "today": today,
            "lights": Light,
            "may_report": sel.report_posts(request.user).exists(),
        },
    )


def _own_list(request: AuthedRequest, pk: int) -> DutyList:
    return get_object_or_404(
        DutyList.objects.filter(sel.fulfil_q(request.user)).select_related(
            "unit", "person", "discipline_group"
        ),
        pk=pk,
    )


@login_required
def mine_list(request: AuthedRequest, pk: int) -> HttpResponse:
    """One list the user fulfils: every task with each of its dues (light, records so
    far) and the records of the list, newest first."""
    duty_list = _own_list(request, pk)
    today = timezone.localdate()
    rows = sel.due_rows(duty_list.dues.all(), today=today)
    by_task: dict[int, list[sel.DueRow]] = {}
    for row in sorted(rows, key=lambda r: r.due.due):
        by_task.setdefault(row.due.task_id, []).append(row)
    tasks = [
        (task, by_task.get(task.pk, []))
        for task in duty_list.tasks.select_related("category").order_by("order", "pk")
    ]
    records = list(sel.visible_fulfilments(request.user).filter(duty_list=duty_list)[:200])
    return render(
        request,
        "duties/fulfil/list.html",
        {
            "duty_list": duty_list,
            "tasks": tasks,
            "records": [
                (r, sel.is_late(r), sel.may_delete(request.user, r, today=today)) for r in records
            ],
            "today": today,
            "delete_days": sel.DELETE_DAYS,
        },
    )


@login_required
def entry(request: AuthedRequest, pk: int) -> HttpResponse:
    """Quick entry of a fulfilment record against a task of a list the user fulfils; the
    due defaults to the earliest open one (``?due=`` picks another). On success, back to
    "my duties" with a message; on an error, the form again with it at the field and
    nothing stored."""
    task = get_object_or_404(
        DutyTask.objects.filter(sel.fulfil_q(request.user, prefix="duty_list__")).select_related(
            "category", "duty_list__unit", "duty_list__person", "duty_list__discipline_group"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    dues = task.dues.filter(starts__lte=today).order_by("due")
    if not dues.exists():
        messages.info(request, _("This task's first window has not begun yet."))
        return redirect("duties:fulfil_mine")
    asked = request.GET.get("due", "")
    initial_due = (dues.filter(pk=int(asked)).first() if asked.isdigit() else None) or (
        sel.earliest_open_due(task, today=today)
    )
    if request.method == "POST":
        form = FulfilmentForm(request.POST, request.FILES, dues=dues)
        if form.is_valid():
            try:
                fulfilment_record(
                    due=form.cleaned_data["due"],
                    done_on=form.cleaned_data["done_on"],
                    content=form.cleaned_data["content"],
                    attachments=form.cleaned_data["attachments"],
                    actor=request.user,
                    today=today,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Recorded: %(task)s.") % {"task": task.title})
                if request.POST.get("back") == "list":
                    return redirect("duties:fulfil_list", task.duty_list_id)
                return redirect("duties:fulfil_mine")
    else:
        form = FulfilmentForm(initial={"due": initial_due, "done_on": today}, dues=dues)
    return render(
        request,
        "duties/fulfil/entry.html",
        {
            "task": task,
            "duty_list": task.duty_list,
            "form": form,
            "back": request.GET.get("back") or request.POST.get("back") or "",
        },
    )


@login_required
@require_POST
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete one's own record within the allowed days (``fulfil_selectors.may_delete``);
    any other record is a 404."""
    fulfilment = get_object_or_404(sel.visible_fulfilments(request.user), pk=pk)
    today = timezone.localdate()
    if not sel.may_delete(request.user, fulfilment, today=today):
        raise Http404
    list_pk = fulfilment.duty_list_id
    fulfilment_delete(fulfilment=fulfilment, actor=request.user)
    messages.success(request, _("The record was deleted."))
    return redirect("duties:fulfil_list", list_pk)
