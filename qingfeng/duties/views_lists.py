"""Pages of the duty lists (责任清单): the index, a list's page with its tasks, dues and
lights, personalising a draft (tasks added, changed, deleted), and the endorsement moves
(confirm, endorse, reopen).

Every list is looked up within ``lists_selectors.visible_lists``: outside it, a 404. A
move the user may not make comes back on the list's page with the service's message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability
from qingfeng.duties import endorsement, lists_selectors, lists_services
from qingfeng.duties.checks import failed_checks, red_dues
from qingfeng.duties.forms_lists import ListFilterForm, ReasonForm, TaskForm
from qingfeng.duties.fulfil_selectors import fulfil_q, light_counts
from qingfeng.duties.lights import Light, light
from qingfeng.duties.models import DutyList, DutyTask, ListStatus, SubjectKind
from qingfeng.lib.service_forms import add_service_errors
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org.models import Unit

PAGE_SIZE = 50
# Teams first, then principals, members and groups (the order a unit's lists are read in).
_KIND_ORDER = Case(
    When(kind=SubjectKind.TEAM, then=Value(0)),
    When(kind=SubjectKind.PRINCIPAL, then=Value(1)),
    When(kind=SubjectKind.MEMBER, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def viewer_or_404(user: Any) -> None:
    """A 404 for users without ``VIEW_DUTIES`` (the pages do not exist for them)."""
    if not has_capability(user, Capability.VIEW_DUTIES):
        raise Http404


def list_or_404(user: Any, pk: int) -> DutyList:
    """The list ``pk`` if the user sees it, else a 404."""
    viewer_or_404(user)
    return get_object_or_404(lists_selectors.visible_lists(user), pk=pk)


@login_required
def list_index(request: AuthedRequest) -> HttpResponse:
    """The lists the user sees for a year, filtered by kind, unit and status, the user's
    own first; each with its status, tasks and today's lights (counted in the database)."""
    user = request.user
    viewer_or_404(user)
    filters = ListFilterForm(request.GET).values()
    year = filters["year"]
    lists = lists_selectors.visible_lists(user).filter(year=year)
    units = Unit.objects.filter(pk__in=lists.values("unit_id")).order_by("code")
    for name in ("kind", "unit", "status"):
        if name in filters:
            lists = lists.filter(**{name if name != "unit" else "unit_id": filters[name]})
    lists = lists.annotate(
        own=Case(
            When(fulfil_q(user), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        kind_order=_KIND_ORDER,
        task_count=Count("tasks", distinct=True),
    ).order_by(
        "own",
        F("unit__code").asc(nulls_last=True),
        "discipline_group__code",
        "kind_order",
        "person__name",
        "pk",
    )
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = Paginator(lists, PAGE_SIZE).get_page(number)
    today = timezone.localdate()
    counts = light_counts([item.pk for item in page], today=today)
    rows = [
        {
            "list": item,
            "lights": [(each, counts.get(item.pk, {}).get(each.value, 0)) for each in Light],
        }
        for item in page
    ]
    base: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "page" and v}
    context = {
        "page": page,
        "rows": rows,
        "year": year,
        "filters": filters,
        "units": units,
        "kinds": SubjectKind.choices,
        "statuses": ListStatus.choices,
        "lights": list(Light),
        "query": urlencode(base),
        "today": today,
    }
    return render(request, "duties/lists/index.html", context)


def endorsement_state(duty_list: DutyList) -> dict[str, Any]:
    """What the list's page says about its endorsement: who must act next."""
    people = list(lists_selectors.endorser_people(duty_list))
    titles = lists_selectors.in_charge_titles(duty_list.unit_id)
    return {
        "endorser_names": [
            f"{person.name}（{titles[person.pk]}）" if titles.get(person.pk) else person.name
            for person in people
        ],
        "admin_endorses": lists_selectors.admin_endorses(duty_list),
    }


def _history(duty_list: DutyList) -> list[dict[str, Any]]:
    """The list's own saved versions whose status changed: who, when, to what, why."""
    entries = []
    previous = None
    versions = duty_list.history.select_related("history_user").order_by("history_date", "pk")  # type: ignore[attr-defined]
    for version in versions:
        if version.status != previous:
            entries.append(
                {
                    "when": version.history_date,
                    "who": version.history_user,
                    "status": ListStatus(version.status).label,
                    "reason": version.history_change_reason or "",
                }
            )
        previous = version.status
    return entries


@login_required
def list_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A list's page: subject, status and endorsement, tasks by category with each due's
    light, checks and accountability steps, and the moves the user may make."""
    user = request.user
    duty_list = list_or_404(user, pk)
    today = timezone.localdate()
    tasks = (
        DutyTask.objects.filter(duty_list=duty_list)
        .select_related("category")
        .prefetch_related("dues")
        .order_by("category__order", "category__code", "order", "pk")
    )
    groups: list[dict[str, Any]] = []
    for task in tasks:
        if not groups or groups[-1]["category"] != task.category:
            groups.append({"category": task.category, "tasks": []})
        dues = [
            {"due": due, "light": light(due=due.due, completed_on=due.completed_on, today=today)}
            for due in task.dues.all()
        ]
        groups[-1]["tasks"].append({"task": task, "dues": dues})
    may_check = lists_selectors.may_check(user, duty_list)
    context = {
        "duty_list": duty_list,
        "groups": groups,
        "task_count": sum(len(group["tasks"]) for group in groups),
        "today": today,
        "may_edit": lists_selectors.may_edit_list(user, duty_list),
        "may_confirm": lists_selectors.may_confirm(user, duty_list),
        "may_endorse": lists_selectors.may_endorse(user, duty_list),
        "may_reopen": lists_selectors.may_reopen(user, duty_list),
        "may_check": may_check,
        "may_step": may_check
        and (bool(red_dues(duty_list, today=today)) or failed_checks(duty_list).exists()),
        "reason_form": ReasonForm(),
        "checks": duty_list.checks.select_related("checked_by").order_by("quarter"),
        "steps": duty_list.accountability_steps.select_related(
            "step", "decided_by", "red_due__task", "failed_check"
        ),
        "history": _history(duty_list),
        **endorsement_state(duty_list),
    }
    return render(request, "duties/lists/detail.html", context)


def _task_form_page(
    request: AuthedRequest, duty_list: DutyList, task: DutyTask, *, title: str
) -> HttpResponse:
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        try:
            lists_services.list_task_save(task=form.instance, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The task is saved."))
            return redirect("duties:list_detail", duty_list.pk)
    context = {"duty_list": duty_list, "form": form, "title": title, "task": task}
    return render(request, "duties/lists/task_form.html", context)


@login_required
def task_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a task to a draft list (its holder or a manager)."""
    duty_list = list_or_404(request.user, pk)
    if not lists_selectors.may_edit_list(request.user, duty_list):
        raise Http404
    task = DutyTask(duty_list=duty_list)
    return _task_form_page(request, duty_list, task, title=_("New task"))


def _task_or_404(request: AuthedRequest, pk: int) -> DutyTask:
    viewer_or_404(request.user)
    task = get_object_or_404(
        DutyTask.objects.filter(duty_list__in=lists_selectors.visible_lists(request.user)),
        pk=pk,
    )
    if not lists_selectors.may_edit_list(request.user, task.duty_list):
        raise Http404
    return task


@login_required
def task_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a task of a draft list (its dues regenerated)."""
    task = _task_or_404(request, pk)
    return _task_form_page(request, task.duty_list, task, title=_("Change the task"))


@login_required
@require_POST
def task_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete a task of a draft list; refused with a message while records answer it."""
    task = _task_or_404(request, pk)
    duty_list = task.duty_list
    try:
        lists_services.list_task_delete(task=task, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The task is deleted."))
    return redirect("duties:list_detail", duty_list.pk)


def _move(
    request: AuthedRequest, pk: int, run: Callable[[DutyList], Any], done: str
) -> HttpResponse:
    duty_list = list_or_404(request.user, pk)
    try:
        run(duty_list)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(reverse("duties:list_detail", args=[duty_list.pk]))


@login_required
@require_POST
def list_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """The holder confirms the list (its endorsers are told)."""
    return _move(
        request,
        pk,
        lambda duty_list: endorsement.list_confirm(duty_list=duty_list, actor=request.user),
        _("The list is confirmed; it now awaits endorsement."),
    )


@login_required
@require_POST
def list_endorse(request: AuthedRequest, pk: int) -> HttpResponse:
    """The level above endorses the confirmed list."""
    return _move(
        request,
        pk,
        lambda duty_list: endorsement.list_endorse(duty_list=duty_list, actor=request.user),
        _("The list is endorsed."),
    )


@login_required
@require_POST
def list_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    """A manager puts the list back to draft, with a reason."""
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _move(
        request,
        pk,
        lambda duty_list: endorsement.list_reopen(
            duty_list=duty_list, actor=request.user, reason=reason
        ),
        _("The list is a draft again."),
    )
