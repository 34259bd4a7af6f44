"""Forms to create and edit the organisation. Not visible: 404; visible but not editable:
403. The services do the writing; these views only check access and render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import selectors
from qingfeng.accounts.roles import Capability
from qingfeng.lib.service_forms import save_posted
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org import services
from qingfeng.org.forms import (
    CategoryForm,
    DisciplineGroupForm,
    EndPostForm,
    InChargeForm,
    NewPersonForm,
    PersonForm,
    PostForm,
    RegionForm,
    ScopedModelForm,
    StationForm,
    UnitForm,
)
from qingfeng.org.models import (
    DisciplineGroup,
    InCharge,
    Person,
    Post,
    Region,
    Station,
    Unit,
    UnitCategory,
)
from qingfeng.org.selectors import leaders_in_charge


def _editable(visible: QuerySet[Any], editable: QuerySet[Any], pk: int) -> Any:
    """The object if the user may edit it; 404 if they cannot even see it, else 403."""
    obj = get_object_or_404(visible, pk=pk)
    if not editable.filter(pk=pk).exists():
        raise PermissionDenied
    return obj


def _editable_org(visible: Callable[..., QuerySet[Any]], user: Any, pk: int) -> Any:
    """``_editable`` for an organisation selector: what the user sees, and what they see
    with the capability to edit the organisation."""
    return _editable(visible(user), visible(user, Capability.EDIT_ORG), pk)


def _form_page(
    request: HttpRequest,
    *,
    form_class: type[ScopedModelForm],
    instance: Model,
    save: Callable[[Any], Model],
    title: str,
    success_url: Callable[[Model], str],
) -> HttpResponse:
    """Render a form; on a valid POST call ``save`` and redirect. A ValidationError from the
    service is shown on the form, and nothing is saved."""
    form = form_class(request.POST or None, instance=instance, user=request.user)
    saved = save_posted(request, form, lambda: save(form), done=_("Saved."), next_url=success_url)
    return saved or render(request, "org/form.html", {"form": form, "title": title})


def _require(user: Any, allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@dataclass(frozen=True)
class _Editor:
    """What the create and edit pages of one kind of object share: the form, the service
    that saves it (called with the form and the acting user) and where to go after."""

    form_class: type[ScopedModelForm]
    save: Callable[[Any, Any], Model]
    success_url: Callable[[Any], str]

    def page(self, request: AuthedRequest, *, instance: Model, title: str) -> HttpResponse:
        """The form page for ``instance`` (a new, unsaved one on a create page)."""
        user = request.user
        return _form_page(
            request,
            form_class=self.form_class,
            instance=instance,
            save=lambda form: self.save(form, user),
            title=title,
            success_url=self.success_url,
        )


def _detail(url_name: str) -> Callable[[Any], str]:
    """The saved object's own page."""
    return lambda obj: reverse(url_name, args=[obj.pk])


def _save_new_person(form: Any, user: Any) -> Person:
    """A new person together with their first post, in one transaction."""
    with transaction.atomic():
        person = services.person_save(person=form.instance, actor=user)
        data = form.cleaned_data
        services.post_start(
            person=person,
            unit=data["unit"],
            role=data["role"],
            title=data["title"],
            start=data["start"],
            actor=user,
        )
    return person


def _save_group(form: Any, user: Any) -> DisciplineGroup:
    return services.discipline_group_save(
        group=form.instance, units=list(form.cleaned_data["units"]), actor=user
    )


_REGION = _Editor(
    RegionForm,
    lambda form, user: services.region_save(region=form.instance, actor=user),
    _detail("org:region_detail"),
)
_CATEGORY = _Editor(
    CategoryForm,
    lambda form, user: services.category_save(category=form.instance, actor=user),
    lambda obj: reverse("org:category_list"),
)
_UNIT = _Editor(
    UnitForm,
    lambda form, user: services.unit_save(unit=form.instance, actor=user),
    _detail("org:unit_detail"),
)
_NEW_PERSON = _Editor(NewPersonForm, _save_new_person, _detail("org:person_detail"))
_PERSON = _Editor(
    PersonForm,
    lambda form, user: services.person_save(person=form.instance, actor=user),
    _detail("org:person_detail"),
)
# A post's page is its person's.
_POST = _Editor(
    PostForm,
    lambda form, user: services.post_save(post=form.instance, actor=user),
    lambda post: reverse("org:person_detail", args=[post.person_id]),
)
_STATION = _Editor(
    StationForm,
    lambda form, user: services.station_save(station=form.instance, actor=user),
    _detail("org:station_detail"),
)
_GROUP = _Editor(DisciplineGroupForm, _save_group, _detail("org:group_detail"))


def _require_region_admin(user: Any) -> None:
    """New regions, units, stations and groups need a region the user administers."""
    _require(user, selectors.editable_regions(user).exists())


@login_required
def region_create(request: AuthedRequest) -> HttpResponse:
    """A new region under one the user administers."""
    _require_region_admin(request.user)
    return _REGION.page(request, instance=Region(), title=_("New region"))


@login_required
def region_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    region = _editable(selectors.visible_regions(user), selectors.editable_regions(user), pk)
    return _REGION.page(request, instance=region, title=_("Edit region"))


@login_required
def category_create(request: AuthedRequest) -> HttpResponse:
    _require(request.user, selectors.can_edit_categories(request.user))
    return _CATEGORY.page(request, instance=UnitCategory(), title=_("New unit category"))


@login_required
def category_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request.user, selectors.can_edit_categories(request.user))
    category = get_object_or_404(UnitCategory, pk=pk)
    return _CATEGORY.page(request, instance=category, title=_("Edit unit category"))


@login_required
def unit_create(request: AuthedRequest) -> HttpResponse:
    _require_region_admin(request.user)
    return _UNIT.page(request, instance=Unit(), title=_("New unit"))


@login_required
def unit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = _editable_org(selectors.visible_units, user, pk)
    return _UNIT.page(request, instance=unit, title=_("Edit unit"))


@login_required
def person_create(request: AuthedRequest) -> HttpResponse:
    """A new person together with their first post."""
    user = request.user
    _require(user, selectors.visible_units(user, Capability.EDIT_ORG).exists())
    return _NEW_PERSON.page(request, instance=Person(), title=_("New leader"))


def _editable_person(user: Any, pk: int) -> Person:
    return _editable_org(selectors.visible_people, user, pk)


@login_required
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = _editable_person(request.user, pk)
    return _PERSON.page(request, instance=person, title=_("Edit leader"))


@login_required
def post_create(request: AuthedRequest, person_pk: int) -> HttpResponse:
    """A new post for a person, in a unit the user may edit."""
    person = _editable_person(request.user, person_pk)
    return _POST.page(
        request,
        instance=Post(person=person),
        title=_("New post for %(name)s") % {"name": person.name},
    )


def _editable_post(user: Any, pk: int) -> Post:
    visible = Post.objects.filter(unit__in=selectors.visible_units(user).values("pk"))
    editable = Post.objects.filter(
        unit__in=selectors.visible_units(user, Capability.EDIT_ORG).values("pk")
    )
    return _editable(visible.select_related("person", "unit"), editable, pk)


@login_required
def post_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    post = _editable_post(request.user, pk)
    return _POST.page(request, instance=post, title=_("Edit post"))


@login_required
def post_end(request: AuthedRequest, pk: int) -> HttpResponse:
    """End a current post (it stays in the history as a past post)."""
    user = request.user
    post = _editable_post(user, pk)
    if post.end is not None:
        raise Http404
    form = EndPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_end(post=post, end=form.cleaned_data["end"], actor=user)
        except ValidationError as error:
            form.add_error("end", error.messages)
        else:
            messages.success(request, _("The post has ended."))
            return redirect("org:person_detail", pk=post.person_id)
    return render(
        request, "org/form.html", {"form": form, "title": _("End post: %(post)s") % {"post": post}}
    )


@login_required
def station_create(request: AuthedRequest) -> HttpResponse:
    _require_region_admin(request.user)
    return _STATION.page(request, instance=Station(), title=_("New data station"))


@login_required
def station_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    station = _editable_org(selectors.visible_stations, user, pk)
    return _STATION.page(request, instance=station, title=_("Edit data station"))


@login_required
def group_create(request: AuthedRequest) -> HttpResponse:
    _require_region_admin(request.user)
    return _GROUP.page(request, instance=DisciplineGroup(), title=_("New discipline group"))


@login_required
def group_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    group = _editable_org(selectors.visible_discipline_groups, user, pk)
    return _GROUP.page(request, instance=group, title=_("Edit discipline group"))


@login_required
def unit_in_charge(request: AuthedRequest, pk: int) -> HttpResponse:
    """The leaders in charge of a unit and its liaison contacts: the list, a form to add
    one (POST) and a remove button per relation. 404 outside the scope, 403 without the
    right to edit the unit."""
    user = request.user
    unit = _editable_org(selectors.visible_units, user, pk)
    form = InChargeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.in_charge_add(
                unit=unit, person=data["person"], kind=data["kind"], title=data["title"], actor=user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("person", message)
        else:
            messages.success(request, _("Saved."))
            return redirect("org:unit_in_charge", pk=unit.pk)
    context = {"unit": unit, "form": form, "relations": leaders_in_charge(unit)}
    return render(request, "org/unit_in_charge.html", context)


@login_required
@require_POST
def in_charge_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    """Remove an in-charge relation (its history keeps it)."""
    user = request.user
    visible = InCharge.objects.filter(unit__in=selectors.visible_units(user).values("pk"))
    editable = selectors.visible_in_charge(user, Capability.EDIT_ORG)
    relation = _editable(visible.select_related("unit"), editable, pk)
    services.in_charge_remove(relation=relation, actor=user)
    messages.success(request, _("Removed."))
    return redirect("org:unit_in_charge", pk=relation.unit_id)
