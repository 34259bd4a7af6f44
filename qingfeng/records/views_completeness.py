"""Completeness pages: the commission's board (stations × collection periods) and a
station's view of one period (its indicators and their missing units).

The board needs a capability of ``completeness_board.can_see_board``; a framework, a
period or a station outside the user's scope is a 404 (a clerk or reviewer sees only
their own station).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.periods import Period
from qingfeng.lib.typing import AuthedRequest
from qingfeng.records.completeness_board import (
    board_collections,
    board_stations,
    can_see_board,
    completeness_board,
    period_completeness,
)
from qingfeng.records.models import CollectionPeriod


def _framework(request: AuthedRequest, code: str) -> Framework:
    if not can_see_board(user=request.user):
        raise Http404
    return get_object_or_404(visible_frameworks(request.user), code=code)


@login_required
def completeness(request: AuthedRequest) -> HttpResponse:
    """The board of ``?framework=`` up to the collection period ``?period=`` (default:
    the latest); without a framework, the frameworks to choose from."""
    if not can_see_board(user=request.user):
        raise Http404
    frameworks = visible_frameworks(request.user).order_by("code")
    code = request.GET.get("framework", "")
    if not code:
        return render(request, "records/completeness.html", {"frameworks": frameworks})
    framework = _framework(request, code)
    upto = None
    text = request.GET.get("period", "")
    if text:
        try:
            upto = Period.parse(text)
        except ValueError:
            raise Http404 from None
    board = completeness_board(user=request.user, framework=framework, upto=upto)
    choices = board_collections(framework=framework, count=1000)
    return render(
        request,
        "records/completeness.html",
        {
            "frameworks": frameworks,
            "framework": framework,
            "board": board,
            "choices": choices,
            "chosen": board.periods[0].collection.period if board.periods else "",
        },
    )


@login_required
def completeness_station(
    request: AuthedRequest, code: str, period: Period, station: int
) -> HttpResponse:
    """One station's completeness in one collection period, with the missing units of
    each of its indicators."""
    framework = _framework(request, code)
    get_object_or_404(CollectionPeriod, framework=framework, period=str(period))
    found_station = get_object_or_404(board_stations(user=request.user), pk=station)
    found = period_completeness(
        user=request.user,
        framework=framework,
        period=period,
        station=found_station,
        with_units=True,
    )
    assert found is not None  # the collection period exists
    return render(
        request,
        "records/completeness_station.html",
        {
            "framework": framework,
            "found": found,
            "station": found_station,
            "row": found.station(found_station.pk),
        },
    )
