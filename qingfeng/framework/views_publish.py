"""Publishing a draft: the confirmation page, with what the draft still lacks and the
preview of its effect on a scored period (``scoring.preview``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from qingfeng.accounts import selectors as scope
from qingfeng.framework.checks import sum_warnings, version_problems
from qingfeng.framework.views import editable_version
from qingfeng.lib.periods import Period
from qingfeng.lib.typing import AuthedRequest
from qingfeng.records.completeness import reporting_for_scoring
from qingfeng.records.selectors import records_for_scoring
from qingfeng.scoring.preview import publish_preview
from qingfeng.scoring.selectors import latest_period, scored_periods

# The largest moves listed; the counts cover every unit.
SHOWN_MOVES = 30


@login_required
def version_publish_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ask before publishing a draft: the problems that block it, the warnings, and the
    chosen scored period (``?period=``, by default the latest) re-scored with the draft
    beside the version in force."""
    version = editable_version(request, pk)
    if not version.is_draft:
        raise PermissionDenied
    framework = version.framework
    periods = scored_periods(framework)
    chosen = request.GET.get("period", "")
    period_text = chosen if chosen in periods else latest_period(framework)
    problems = version_problems(version=version)
    preview = None
    rows = []
    if period_text is not None and not problems:
        preview = publish_preview(
            draft=version,
            period=Period.parse(period_text),
            read_records=records_for_scoring,
            read_reporting=reporting_for_scoring,
        )
        # Only the units the user sees are named; the counts are the whole framework's.
        ids = [move.unit_id for move in preview.moves[:SHOWN_MOVES]]
        units = scope.visible_units(request.user).filter(pk__in=ids)
        named = {unit.pk: unit for unit in units.select_related("category")}
        rows = [
            {"move": move, "unit": named[move.unit_id]}
            for move in preview.moves[:SHOWN_MOVES]
            if move.unit_id in named
        ]
    return render(
        request,
        "framework/publish_confirm.html",
        {
            "version": version,
            "framework": framework,
            "problems": problems,
            "warnings": sum_warnings(version=version),
            "periods": periods,
            "period": period_text,
            "preview": preview,
            "rows": rows,
        },
    )
