"""Forms to create and edit the organisation. Not visible: 404; visible but not editable:
403. The services do the writing; these views only check access and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from qingfeng.accounts import selectors
from qingfeng.accounts.roles import Capability
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org import services
from qingfeng.org.forms import (
    CategoryForm,
    DisciplineGroupForm,
    EndPostForm,
    NewPersonForm,
    PersonForm,
    PostForm,
    RegionForm,
    ScopedModelForm,
    StationForm,
    UnitForm,
)
from qingfeng.org.models import DisciplineGroup, Person, Post, Region, Station, Unit, UnitCategory


def _editable(visible: QuerySet[Any], editable: QuerySet[Any], pk: int) -> Any:
    """The object if the user may edit it; 404 if they cannot even see it, else 403."""
    obj = get_object_or_404(visible, pk=pk)
    if not editable.filter(pk=pk).exists():
        raise PermissionDenied
    return obj


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
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(success_url(obj))
    return render(request, "org/form.html", {"form": form, "title": title})


def _require(user: Any, allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def region_create(request: AuthedRequest) -> HttpResponse:
    """A new region under one the user administers."""
    _require(request.user, selectors.editable_regions(request.user).exists())
    return _form_page(
        request,
        form_class=RegionForm,
        instance=Region(),
        save=lambda f: services.region_save(region=f.instance, actor=request.user),
        title=_("New region"),
        success_url=lambda o: reverse("org:region_detail", args=[o.pk]),
    )


@login_required
def region_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    region = _editable(selectors.visible_regions(user), selectors.editable_regions(user), pk)
    return _form_page(
        request,
        form_class=RegionForm,
        instance=region,
        save=lambda f: services.region_save(region=f.instance, actor=user),
        title=_("Edit region"),
        success_url=lambda o: reverse("org:region_detail", args=[o.pk]),
    )


@login_required
def category_create(request: AuthedRequest) -> HttpResponse:
    _require(request.user, selectors.can_edit_categories(request.user))
    return _form_page(
        request,
        form_class=CategoryForm,
        instance=UnitCategory(),
        save=lambda f: services.category_save(category=f.instance, actor=request.user),
        title=_("New unit category"),
        success_url=lambda o: reverse("org:category_list"),
    )


@login_required
def category_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request.user, selectors.can_edit_categories(request.user))
    category = get_object_or_404(UnitCategory, pk=pk)
    return _form_page(
        request,
        form_class=CategoryForm,
        instance=category,
        save=lambda f: services.category_save(category=f.instance, actor=request.user),
        title=_("Edit unit category"),
        success_url=lambda o: reverse("org:category_list"),
    )


@login_required
def unit_create(request: AuthedRequest) -> HttpResponse:
    _require(request.user, selectors.editable_regions(request.user).exists())
    return _form_page(
        request,
        form_class=UnitForm,
        instance=Unit(),
        save=lambda f: services.unit_save(unit=f.instance, actor=request.user),
        title=_("New unit"),
        success_url=lambda o: reverse("org:unit_detail", args=[o.pk]),
    )


@login_required
def unit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = _editable(
        selectors.visible_units(user), selectors.visible_units(user, Capability.EDIT_ORG), pk
    )
    return _form_page(
        request,
        form_class=UnitForm,
        instance=unit,
        save=lambda f: services.unit_save(unit=f.instance, actor=user),
        title=_("Edit unit"),
        success_url=lambda o: reverse("org:unit_detail", args=[o.pk]),
    )


@login_required
def person_create(request: AuthedRequest) -> HttpResponse:
    """A new person together with their first post."""
    user = request.user
    _require(user, selectors.visible_units(user, Capability.EDIT_ORG).exists())

    def save(form: Any) -> Person:
        from django.db import transaction

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

    return _form_page(
        request,
        form_class=NewPersonForm,
        instance=Person(),
        save=save,
        title=_("New leader"),
        success_url=lambda o: reverse("org:person_detail", args=[o.pk]),
    )


@login_required
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    person = _editable(
        selectors.visible_people(user), selectors.visible_people(user, Capability.EDIT_ORG), pk
    )
    return _form_page(
        request,
        form_class=PersonForm,
        instance=person,
        save=lambda f: services.person_save(person=f.instance, actor=user),
        title=_("Edit leader"),
        success_url=lambda o: reverse("org:person_detail", args=[o.pk]),
    )


@login_required
def post_create(request: AuthedRequest, person_pk: int) -> HttpResponse:
    """A new post for a person, in a unit the user may edit."""
    user = request.user
    person = _editable(
        selectors.visible_people(user),
        selectors.visible_people(user, Capability.EDIT_ORG),
        person_pk,
    )
    return _form_page(
        request,
        form_class=PostForm,
        instance=Post(person=person),
        save=lambda f: services.post_save(post=f.instance, actor=user),
        title=_("New post for %(name)s") % {"name": person.name},
        success_url=lambda o: reverse("org:person_detail", args=[person.pk]),
    )


def _editable_post(user: Any, pk: int) -> Post:
    visible = Post.objects.filter(unit__in=selectors.visible_units(user).values("pk"))
    editable = Post.objects.filter(
        unit__in=selectors.visible_units(user, Capability.EDIT_ORG).values("pk")
    )
    return _editable(visible.select_related("person", "unit"), editable, pk)


@login_required
def post_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    post = _editable_post(user, pk)
    return _form_page(
        request,
        form_class=PostForm,
        instance=post,
        save=lambda f: services.post_save(post=f.instance, actor=user),
        title=_("Edit post"),
        success_url=lambda o: reverse("org:person_detail", args=[post.person_id]),
    )


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
    _require(request.user, selectors.editable_regions(request.user).exists())
    return _form_page(
        request,
        form_class=StationForm,
        instance=Station(),
        save=lambda f: services.station_save(station=f.instance, actor=request.user),
        title=_("New data station"),
        success_url=lambda o: reverse("org:station_detail", args=[o.pk]),
    )


@login_required
def station_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    station = _editable(
        selectors.visible_stations(user), selectors.visible_stations(user, Capability.EDIT_ORG), pk
    )
    return _form_page(
        request,
        form_class=StationForm,
        instance=station,
        save=lambda f: services.station_save(station=f.instance, actor=user),
        title=_("Edit data station"),
        success_url=lambda o: reverse("org:station_detail", args=[o.pk]),
    )


def _save_group(user: Any) -> Callable[[Any], DisciplineGroup]:
    def save(form: Any) -> DisciplineGroup:
        return services.discipline_group_save(
            group=form.instance, units=list(form.cleaned_data["units"]), actor=user
        )

    return save


@login_required
def group_create(request: AuthedRequest) -> HttpResponse:
    _require(request.user, selectors.editable_regions(request.user).exists())
    return _form_page(
        request,
        form_class=DisciplineGroupForm,
        instance=DisciplineGroup(),
        save=_save_group(request.user),
        title=_("New discipline group"),
        success_url=lambda o: reverse("org:group_detail", args=[o.pk]),
    )


@login_required
def group_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    group = _editable(
        selectors.visible_discipline_groups(user),
        selectors.visible_discipline_groups(user, Capability.EDIT_ORG),
        pk,
    )
    return _form_page(
        request,
        form_class=DisciplineGroupForm,
        instance=group,
        save=_save_group(user),
        title=_("Edit discipline group"),
        success_url=lambda o: reverse("org:group_detail", args=[o.pk]),
    )
