"""Home page and the change-history page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from qingfeng.accounts import selectors
from qingfeng.accounts.roles import Capability
from qingfeng.core.history import object_history
from qingfeng.dashboard.overview import analysable_frameworks
from qingfeng.lib.typing import AuthedRequest

# A liaison sees a unit and its few sub-units; a station clerk a whole region: the home
# page lists a handful and the unit list has the rest.
OWN_UNITS_SHOWN = 10


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """What the user can reach, counted within their scope."""
    user = request.user
    units = selectors.visible_units(user)
    context = {
        "unit_count": units.filter(active=True).count(),
        "region_count": selectors.visible_regions(user).count(),
        "people_count": selectors.visible_people(user).count(),
        "group_count": selectors.visible_discipline_groups(user).count(),
        "station_count": selectors.visible_stations(user).count(),
        "assignments": selectors.user_assignments(user),
        "is_superuser": user.is_superuser,
    }
    if selectors.has_capability(user, Capability.VIEW_ANALYSIS):
        # What the commission opens every morning: each framework's latest results.
        context["entries"] = analysable_frameworks(user=user)
    else:
        # Liaisons and leaders: the portraits of their own units.
        context["own_units"] = list(
            units.filter(active=True).select_related("category")[:OWN_UNITS_SHOWN]
        )
    return render(request, "core/home.html", context)


@login_required
def history(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    """Who changed this object, when, and which fields from what to what."""
    obj, entries = object_history(user=request.user, kind=kind, pk=pk)
    return render(request, "core/history.html", {"object": obj, "entries": entries, "kind": kind})
