"""Result pages (plain for now; the dashboard issue makes them rich): a period's ranking
table, and one unit's score tree down to the records behind every point."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.core.templatetags.qingfeng import BAND_ORDER
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import ordered_indicators, version_in_force, visible_frameworks
from qingfeng.lib.periods import Period
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org.models import UnitCategory
from qingfeng.records.models import Record
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.selectors import scored_periods, visible_snapshots


def _framework(request: AuthedRequest, code: str) -> Framework:
    return get_object_or_404(visible_frameworks(request.user), code=code)


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as error:
        raise Http404 from error


def _can_recompute(request: AuthedRequest, framework: Framework) -> bool:
    regions = scope.regions_held_with(request.user, Capability.RECOMPUTE)
    return regions.filter(pk=framework.region_id).exists()


@login_required
def ranking_latest(request: AuthedRequest, code: str) -> HttpResponse:
    """The most recent scored period of a framework."""
    framework = _framework(request, code)
    periods = scored_periods(framework)
    ended = [p for p in periods if Period.parse(p).end < timezone.localdate()]
    if not periods:
        return render(
            request,
            "scoring/ranking.html",
            {
                "framework": framework,
                "periods": [],
                "can_recompute": _can_recompute(request, framework),
            },
        )
    # The latest period that has ended (a quarter in progress has only part of its data).
    return redirect("scoring:ranking", code=code, period=(ended or periods)[0])


@login_required
def ranking(request: AuthedRequest, code: str, period: str) -> HttpResponse:
    """Rank, change, unit, category, total and band of every unit in scope."""
    framework = _framework(request, code)
    the_period = _period(period)
    version = version_in_force(framework=framework, period=the_period)
    snapshots = visible_snapshots(user=request.user, framework=framework, period=the_period)
    category = request.GET.get("category", "")
    if category:
        snapshots = snapshots.filter(category=category)
    rows = list(snapshots.select_related("unit__category").order_by("rank", "unit__code"))
    rows.sort(key=lambda s: (s.rank is None, s.rank or 0, s.unit.code))
    bands: dict[str, int] = defaultdict(int)
    for snap in rows:
        bands[snap.band or "none"] += 1
    codes = set(
        visible_snapshots(user=request.user, framework=framework, period=the_period).values_list(
            "category", flat=True
        )
    )
    context = {
        "framework": framework,
        "version": version,
        "period": str(the_period),
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
    return render(request, "scoring/ranking.html", context)


@login_required
@require_POST
def recompute(request: AuthedRequest, code: str) -> HttpResponse:
    """Recompute one period on demand (e.g. after a framework was published)."""
    framework = _framework(request, code)
    if not _can_recompute(request, framework):
        raise PermissionDenied
    the_period = _period(request.POST.get("period", ""))
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
def unit_scores(request: AuthedRequest, code: str, period: str, unit_pk: int) -> HttpResponse:
    """A unit's score tree: every node's score, max and band, and under each leaf the
    records that moved it."""
    framework = _framework(request, code)
    the_period = _period(period)
    snapshot = get_object_or_404(
        visible_snapshots(user=request.user, framework=framework, period=the_period).select_related(
            "unit__category", "version"
        ),
        unit_id=unit_pk,
    )
    nodes = ordered_indicators(snapshot.version)
    records_by_code: dict[str, list[Record]] = defaultdict(list)
    for record in Record.objects.filter(pk__in=snapshot.record_ids).select_related("station"):
        records_by_code[record.indicator_code].append(record)
    results = snapshot.node_results([n.code for n in nodes])
    depth: dict[int, int] = {}
    rows = []
    parents = {n.parent_id for n in nodes}
    for node in nodes:
        depth[node.pk] = depth[node.parent_id] + 1 if node.parent_id else 0
        stored = results.get(node.code)
        rows.append(
            {
                "node": node,
                "depth": depth[node.pk],
                "is_leaf": node.pk not in parents,
                "score": stored[0] if stored else None,
                "max": stored[1] if stored else None,
                "band": stored[2] if stored else None,
                "records": records_by_code.get(node.code, []),
            }
        )
    history = list(
        snapshot.unit.snapshots.filter(
            version__framework=framework, period__regex=_same_kind(the_period)
        )
        .order_by("period")
        .values("period", "total", "rank", "band")
    )
    return render(
        request,
        "scoring/unit_scores.html",
        {
            "framework": framework,
            "snapshot": snapshot,
            "unit": snapshot.unit,
            "period": str(the_period),
            "rows": rows,
            "history": history,
        },
    )


def _same_kind(period: Period) -> str:
    """A regex matching the periods of the same length (quarters with quarters …)."""
    return {"Y": r"^\d{4}$", "H": r"^\d{4}H\d$", "Q": r"^\d{4}Q\d$", "M": r"^\d{4}M\d\d$"}[
        period.kind
    ]
