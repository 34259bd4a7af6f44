"""Pages of the managers: building the missing duty lists of a region, and the
installation-wide configuration (duty categories, template items per subject kind, the
accountability ladder, restoring what was shipped). Anyone else gets a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability
from qingfeng.duties import configuration, lists_selectors
from qingfeng.duties.bulk import BulkCounts, duty_lists_for_region
from qingfeng.duties.forms_lists import (
    BuildForm,
    CategoryForm,
    LadderStepForm,
    TemplateItemForm,
)
from qingfeng.duties.models import DutyCategory, LadderStep, SubjectKind, TemplateItem
from qingfeng.lib.service_forms import add_service_errors
from qingfeng.lib.typing import AuthedRequest

# What the configuration pages edit: the model and its form.
KINDS: dict[str, tuple[type[Any], type[forms.ModelForm]]] = {
    "category": (DutyCategory, CategoryForm),
    "template": (TemplateItem, TemplateItemForm),
    "ladder": (LadderStep, LadderStepForm),
}


@login_required
def build(request: AuthedRequest) -> HttpResponse:
    """Build the missing draft lists of a year for every subject of a region the user
    manages (``duties.bulk.duty_lists_for_region``), showing what was created."""
    user = request.user
    regions = lists_selectors.build_regions(user)
    if not has_capability(user, Capability.MANAGE_DUTIES) or not regions.exists():
        raise Http404
    form = BuildForm(request.POST or None, regions=regions.order_by("path"))
    counts: BulkCounts | None = None
    if request.method == "POST" and form.is_valid():
        counts = duty_lists_for_region(
            region=form.cleaned_data["region"], year=form.cleaned_data["year"], actor=user
        )
        messages.success(
            request,
            _("%(lists)s lists, %(tasks)s tasks and %(dues)s due dates created.")
            % {"lists": counts.lists, "tasks": counts.tasks, "dues": counts.dues},
        )
    return render(request, "duties/lists/build.html", {"form": form, "counts": counts})


def _configurer_or_404(user: Any) -> None:
    if not lists_selectors.can_configure_duties(user):
        raise Http404


def _kind_of(request: AuthedRequest) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind") or SubjectKind.TEAM
    return kind if kind in SubjectKind.values else SubjectKind.TEAM


@login_required
def config(request: AuthedRequest) -> HttpResponse:
    """The categories, the template items of one subject kind, and the ladder: for every
    manager to read, for ``can_configure_duties`` users to change."""
    if not has_capability(request.user, Capability.MANAGE_DUTIES):
        raise Http404
    kind = _kind_of(request)
    context = {
        "may_configure": lists_selectors.can_configure_duties(request.user),
        "categories": DutyCategory.objects.all(),
        "kind": kind,
        "kinds": SubjectKind.choices,
        "items": TemplateItem.objects.filter(kind=kind).select_related("category"),
        "ladder": LadderStep.objects.all(),
    }
    return render(request, "duties/lists/config.html", context)


def _back(what: str, obj: Any) -> str:
    url = reverse("duties:lists_config")
    if what == "template":
        return f"{url}?kind={obj.kind}#templates"
    return f"{url}#{what}"


@login_required
def config_edit(request: AuthedRequest, what: str, pk: int | None = None) -> HttpResponse:
    """Add (``pk`` None) or change a category, template item or ladder step."""
    _configurer_or_404(request.user)
    if what not in KINDS:
        raise Http404
    model, form_class = KINDS[what]
    obj = get_object_or_404(model, pk=pk) if pk is not None else model()
    if pk is None and what == "template":
        obj.kind = _kind_of(request)
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            configuration.config_save(obj=form.instance, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_back(what, form.instance))
    context = {"form": form, "what": what, "obj": obj}
    return render(request, "duties/lists/config_form.html", context)


@login_required
@require_POST
def config_move(request: AuthedRequest, what: str, pk: int) -> HttpResponse:
    """Move an item one place up or down (``direction`` up/down)."""
    _configurer_or_404(request.user)
    if what not in KINDS:
        raise Http404
    obj = get_object_or_404(KINDS[what][0], pk=pk)
    configuration.config_move(obj=obj, up=request.POST.get("direction") == "up", actor=request.user)
    return redirect(_back(what, obj))


@login_required
@require_POST
def config_delete(request: AuthedRequest, what: str, pk: int) -> HttpResponse:
    """Delete an item; a category or ladder step in use is refused with a message."""
    _configurer_or_404(request.user)
    if what not in KINDS:
        raise Http404
    obj = get_object_or_404(KINDS[what][0], pk=pk)
    delete = {
        "category": lambda: configuration.category_delete(category=obj, actor=request.user),
        "template": lambda: configuration.template_item_delete(item=obj, actor=request.user),
        "ladder": lambda: configuration.ladder_step_delete(step=obj, actor=request.user),
    }[what]
    try:
        delete()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Deleted."))
    return redirect(_back(what, obj))


@login_required
@require_POST
def config_restore(request: AuthedRequest) -> HttpResponse:
    """Restore the shipped template of one kind (``kind``) or the shipped ladder
    (``ladder``)."""
    _configurer_or_404(request.user)
    if request.POST.get("ladder"):
        configuration.shipped_restore(actor=request.user, kinds=[], ladder=True)
        messages.success(request, _("The shipped ladder is restored."))
        return redirect(reverse("duties:lists_config") + "#ladder")
    kind = _kind_of(request)
    configuration.shipped_restore(actor=request.user, kinds=[kind])
    messages.success(request, _("The shipped template is restored."))
    return redirect(reverse("duties:lists_config") + f"?kind={kind}#templates")
