"""Result pages: a period's ranking table and the on-demand recompute. A unit's score tree
is the dashboard's unit portrait (the old ``unit_scores`` URL redirects there)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import assessment_note, version_in_force, visible_frameworks
from qingfeng.lib.bands import BAND_ORDER
from qingfeng.lib.periods import Period
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org.models import UnitCategory
from qingfeng.records.period_states import PeriodStates
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.selectors import latest_period, scored_periods, visible_snapshots


def _framework(request: AuthedRequest, code: str) -> Framework:
    return get_object_or_404(visible_frameworks(request.user), code=code)


def _can_recompute(request: AuthedRequest, framework: Framework) -> bool:
    regions = scope.regions_held_with(request.user, Capability.RECOMPUTE)
    return regions.filter(pk=framework.region_id).exists()


@login_required
def ranking_latest(request: AuthedRequest, code: str) -> HttpResponse:
    """The most recent scored period of a framework."""
    framework = _framework(request, code)
    latest = latest_period(framework)
    if latest is None:
        return render(
            request,
            "scoring/ranking.html",
            {
                "framework": framework,
                "periods": [],
                "can_recompute": _can_recompute(request, framework),
            },
        )
    return redirect("scoring:ranking", code=code, period=latest)


@login_required
def ranking(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """Rank, change, unit, category, total and band of every unit in scope."""
    framework = _framework(request, code)
    version = version_in_force(framework=framework, period=period)
    snapshots = visible_snapshots(user=request.user, framework=framework, period=period)
    category = request.GET.get("category", "")
    if category:
        snapshots = snapshots.filter(category=category)
    rows = list(snapshots.select_related("unit__category").order_by("rank", "unit__code"))
    rows.sort(key=lambda s: (s.rank is None, s.rank or 0, s.unit.code))
    bands: dict[str, int] = defaultdict(int)
    for snap in rows:
        bands[snap.band or "none"] += 1
    codes = set(
        visible_snapshots(user=request.user, framework=framework, period=period).values_list(
            "category", flat=True
        )
    )
    context: dict[str, Any] = {
        "framework": framework,
        "version": version,
        "period": str(period),
        "periods": scored_periods(framework),
        "rows": rows,
        "band_counts": sorted(
            bands.items(),
            key=lambda item: (BAND_ORDER.index(item[0]) if item[0] in BAND_ORDER else 99, item[0]),
        ),
        "categories": UnitCategory.objects.filter(code__in=codes),
        "category": category,
        "can_recompute": _can_recompute(request, framework),
    }
    states = PeriodStates(framework)
    context["period_state"] = states.state(period)
    context["assessment_note"] = (
        assessment_note(version=version, period=period) if version is not None else ""
    )
    # No rank change against a previous period that is not comparable (or when this one
    # is still open): the stored change would compare with partial data.
    context["not_comparable"] = states.comparison(period=period, previous=period.previous()).reason
    return render(request, "scoring/ranking.html", context)


@login_required
@require_POST
def recompute(request: AuthedRequest, code: str) -> HttpResponse:
    """Recompute one period on demand (e.g. after a framework was published)."""
    framework = _framework(request, code)
    if not _can_recompute(request, framework):
        raise PermissionDenied
    try:
        the_period = Period.read(request.POST.get("period", ""))
    except ValueError:
        messages.error(request, _("Not a period: use 2026, 2026H1, 2026Q3 or 2026M07."))
        return redirect("scoring:ranking_latest", code=code)
    result = period_recompute(framework=framework, period=the_period)
    if result.version is None:
        messages.error(
            request, _("No published version is in force for %(period)s.") % {"period": the_period}
        )
        return redirect("scoring:ranking_latest", code=code)
    messages.success(
        request,
        _("Recomputed %(period)s: %(units)d units, %(records)d records.")
        % {"period": the_period, "units": result.units, "records": result.records},
    )
    return redirect("scoring:ranking", code=code, period=str(the_period))


@login_required
def unit_scores(request: AuthedRequest, code: str, period: Period, unit_pk: int) -> HttpResponse:
    """The old score page, retired: the unit portrait shows the same score tree, records
    and history. Old links and bookmarks move there for good; a framework or unit outside
    the user's scope stays a 404 (never a redirect that confirms it exists)."""
    framework = _framework(request, code)
    unit = get_object_or_404(scope.visible_units(request.user), pk=unit_pk)
    return redirect("dashboard:portrait", framework.code, period, unit.pk, permanent=True)
