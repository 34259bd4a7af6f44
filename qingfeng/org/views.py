"""Pages to browse the organisation. Every query goes through the scope selectors; an
object outside the user's scope is a 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from qingfeng.accounts import selectors
from qingfeng.accounts.models import RoleAssignment
from qingfeng.accounts.roles import Capability, ScopeKind
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org.forms import UnitFilterForm
from qingfeng.org.models import Post, Region, UnitCategory
from qingfeng.org.selectors import leaders_in_charge, units_in_charge_of


def _can_edit(user: Any, obj_pk: int, editable: Any) -> bool:
    return bool(editable.filter(pk=obj_pk).exists())


@login_required
def region_list(request: AuthedRequest) -> HttpResponse:
    """The region tree within scope, each region with its number of visible units."""
    user = request.user
    regions = list(selectors.visible_regions(user).order_by("path"))
    counts = dict(
        selectors.visible_units(user)
        .filter(active=True)
        .values_list("region_id")
        .annotate(n=Count("pk"))
        .values_list("region_id", "n")
    )
    depth0 = min((r.depth for r in regions), default=0)
    rows = [
        {"region": r, "indent": r.depth - depth0, "units": counts.get(r.pk, 0)} for r in regions
    ]
    return render(request, "org/region_list.html", {"rows": rows})


@login_required
def region_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One region: its sub-regions, units by category, stations and discipline groups."""
    user = request.user
    region = get_object_or_404(selectors.visible_regions(user).select_related("parent"), pk=pk)
    units = selectors.visible_units(user).within(region).filter(active=True)
    by_category = (
        units.values("category__code", "category__name", "category_id")
        .annotate(n=Count("pk"))
        .order_by("category__code")
    )
    context = {
        "region": region,
        "ancestors": Region.objects.ancestors(region).order_by("path"),
        "children": selectors.visible_regions(user).filter(parent=region),
        "unit_total": units.count(),
        "by_category": by_category,
        "stations": selectors.visible_stations(user).filter(region=region),
        "groups": selectors.visible_discipline_groups(user).filter(region=region),
        "can_edit": _can_edit(user, region.pk, selectors.editable_regions(user)),
    }
    return render(request, "org/region_detail.html", context)


@login_required
def category_list(request: AuthedRequest) -> HttpResponse:
    """Unit categories with how many visible units each has."""
    counts = dict(
        selectors.visible_units(request.user)
        .filter(active=True)
        .values_list("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    categories = [(c, counts.get(c.pk, 0)) for c in UnitCategory.objects.all()]
    return render(
        request,
        "org/category_list.html",
        {"categories": categories, "can_edit": selectors.can_edit_categories(request.user)},
    )


@login_required
def unit_list(request: AuthedRequest) -> HttpResponse:
    """Units in scope: search by name or code, filter by category, region and status.

    htmx requests get only the table, so filtering does not reload the page.
    """
    user = request.user
    form = UnitFilterForm(request.GET or {"active": "1"}, user=user)
    units = selectors.visible_units(user).select_related("category", "region", "parent")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            units = units.filter(Q(name__contains=data["q"]) | Q(code__icontains=data["q"]))
        if data["category"]:
            units = units.filter(category=data["category"])
        if data["region"]:
            units = units.within(data["region"])
        if data["active"] in ("0", "1"):
            units = units.filter(active=data["active"] == "1")
    page = Paginator(units.order_by("code"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_create": selectors.editable_regions(user).exists(),
    }
    template = "org/_unit_table.html" if request.htmx else "org/unit_list.html"
    return render(request, template, context)


@login_required
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit: its data, sub-units, leadership team now and before, groups and stations."""
    user = request.user
    visible = selectors.visible_units(user)
    unit = get_object_or_404(visible.select_related("category", "region", "parent"), pk=pk)
    posts = Post.objects.filter(unit=unit).select_related("person").order_by("-role", "start")
    context = {
        "unit": unit,
        "parent_visible": unit.parent_id is not None and visible.filter(pk=unit.parent_id).exists(),
        "children": visible.filter(parent=unit).select_related("category"),
        "current_posts": [p for p in posts if p.end is None],
        "past_posts": sorted(
            (p for p in posts if p.end is not None),
            key=lambda p: p.end or datetime.date.min,
            reverse=True,
        ),
        "groups": unit.discipline_groups.all(),
        "stations": unit.stations.all(),
        "in_charge": leaders_in_charge(unit),
        "can_edit": _can_edit(user, unit.pk, selectors.visible_units(user, Capability.EDIT_ORG)),
    }
    return render(request, "org/unit_detail.html", context)


@login_required
def person_list(request: AuthedRequest) -> HttpResponse:
    """Leaders in scope with their current posts; search by name or code."""
    user = request.user
    people = selectors.visible_people(user)
    q = request.GET.get("q", "").strip()
    if q:
        people = people.filter(Q(name__contains=q) | Q(code__icontains=q))
    visible_unit_ids = selectors.visible_units(user).values("pk")
    current = Post.objects.filter(end__isnull=True, unit__in=visible_unit_ids).select_related(
        "unit"
    )
    people = people.prefetch_related(Prefetch("posts", queryset=current, to_attr="current_posts"))
    page = Paginator(people.order_by("code"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "can_create": selectors.visible_units(user, Capability.EDIT_ORG).exists(),
    }
    return render(request, "org/person_list.html", context)


@login_required
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A person with current and past posts (posts in units outside scope are not shown)."""
    user = request.user
    person = get_object_or_404(selectors.visible_people(user), pk=pk)
    visible = selectors.visible_units(user)
    posts = list(
        Post.objects.filter(person=person, unit__in=visible.values("pk"))
        .select_related("unit")
        .order_by("-start")
    )
    editable_units = set(
        selectors.visible_units(user, Capability.EDIT_ORG)
        .filter(pk__in=[p.unit_id for p in posts])
        .values_list("pk", flat=True)
    )
    context = {
        "person": person,
        "current_posts": [p for p in posts if p.end is None],
        "past_posts": [p for p in posts if p.end is not None],
        "in_charge": units_in_charge_of(person).filter(unit__in=visible.values("pk")),
        "editable_units": editable_units,
        "can_edit": _can_edit(user, person.pk, selectors.visible_people(user, Capability.EDIT_ORG)),
    }
    return render(request, "org/person_detail.html", context)


@login_required
def station_list(request: AuthedRequest) -> HttpResponse:
    """Data stations in scope, grouped by kind."""
    stations = selectors.visible_stations(request.user).select_related("region", "unit")
    return render(
        request,
        "org/station_list.html",
        {"stations": stations, "can_create": selectors.editable_regions(request.user).exists()},
    )


@login_required
def station_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A station and its members (the users holding a role scoped to it)."""
    user = request.user
    station = get_object_or_404(
        selectors.visible_stations(user).select_related("region", "unit"), pk=pk
    )
    members = RoleAssignment.objects.filter(
        scope_kind=ScopeKind.STATION, station=station
    ).select_related("user")
    context = {
        "station": station,
        "members": members,
        "unit_visible": station.unit_id is not None
        and selectors.visible_units(user).filter(pk=station.unit_id).exists(),
        "can_edit": _can_edit(
            user, station.pk, selectors.visible_stations(user, Capability.EDIT_ORG)
        ),
    }
    return render(request, "org/station_detail.html", context)


@login_required
def group_list(request: AuthedRequest) -> HttpResponse:
    """Discipline groups in scope with how many of their covered units the user sees."""
    user = request.user
    visible_ids = selectors.visible_units(user).values("pk")
    groups = (
        selectors.visible_discipline_groups(user)
        .select_related("region")
        .annotate(n=Count("units", filter=Q(units__in=visible_ids)))
    )
    return render(
        request,
        "org/group_list.html",
        {"groups": groups, "can_create": selectors.editable_regions(user).exists()},
    )


@login_required
def group_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A discipline group, its covered units (within scope) and its members."""
    user = request.user
    group = get_object_or_404(
        selectors.visible_discipline_groups(user).select_related("region"), pk=pk
    )
    units = selectors.visible_units(user).filter(discipline_groups=group).select_related("category")
    members = RoleAssignment.objects.filter(
        scope_kind=ScopeKind.DISCIPLINE_GROUP, discipline_group=group
    ).select_related("user")
    context = {
        "group": group,
        "units": units.order_by("code"),
        "members": members,
        "can_edit": _can_edit(
            user, group.pk, selectors.visible_discipline_groups(user, Capability.EDIT_ORG)
        ),
    }
    return render(request, "org/group_detail.html", context)
