"""The light boards (亮灯看板): a region's, a unit's and one duty list's. Thin views over
``duties.boards``; anything outside the user's scope is a 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability
from qingfeng.duties import boards
from qingfeng.duties.models import SubjectKind
from qingfeng.lib.periods import Period, period_label
from qingfeng.lib.typing import AuthedRequest

QUARTERS = (1, 2, 3, 4)


def _year(request: AuthedRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= 2100 else today.year


def _quarter(request: AuthedRequest) -> int | None:
    value = request.GET.get("quarter", "")
    return int(value) if value in {"1", "2", "3", "4"} else None


def _check(request: AuthedRequest) -> None:
    if not has_capability(request.user, Capability.VIEW_DUTIES):
        raise Http404


def _keep(year: int, quarter: int | None, kind: str = "") -> str:
    """The filters a drill-down link keeps, as a query string."""
    params = {"year": str(year), "quarter": str(quarter or ""), "kind": kind}
    return urlencode({key: value for key, value in params.items() if value})


def _quarters(year: int) -> list[tuple[int, str]]:
    """The quarters of ``year`` in words (2026年第三季度)."""
    return [(q, period_label(Period(year, "Q", q))) for q in QUARTERS]


def _years(year: int) -> list[int]:
    current = timezone.localdate().year
    return sorted({current - 2, current - 1, current, current + 1, year}, reverse=True)


@login_required
def region_board(request: AuthedRequest) -> HttpResponse:
    """The region board: ``?region=CODE`` (default: the user's top regions), ``year``,
    ``quarter`` (dues due in it) and ``kind`` (one subject kind)."""
    _check(request)
    user = request.user
    region = None
    code = request.GET.get("region", "")
    if code:
        region = boards.board_regions(user).filter(code=code).first()
        if region is None:
            raise Http404
    else:
        tops = boards.top_regions(user)
        if len(tops) == 1:
            region = tops[0]
    kind = request.GET.get("kind", "")
    if kind not in SubjectKind.values:
        kind = ""
    year, quarter = _year(request), _quarter(request)
    board = boards.region_board(
        user=user,
        region=region,
        year=year,
        today=timezone.localdate(),
        quarter=quarter,
        kind=kind or None,
    )
    visible = boards.board_regions(user)
    lineage = list(visible.lineage(region).order_by("path")) if region is not None else []
    context = {
        "board": board,
        "region": region,
        "lineage": lineage[:-1],
        "year": year,
        "years": _years(year),
        "quarter": quarter,
        "quarters": _quarters(year),
        "kind": kind,
        "kinds": SubjectKind.choices,
        "keep": _keep(year, quarter, kind),
        "unit_keep": _keep(year, quarter),
    }
    return render(request, "duties/boards/region.html", context)


@login_required
def unit_board(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit's board: per subject and per category; the covering groups apart."""
    _check(request)
    unit = boards.board_unit(user=request.user, pk=pk)
    if unit is None:
        raise Http404
    year, quarter = _year(request), _quarter(request)
    board = boards.unit_board(
        user=request.user, unit=unit, year=year, today=timezone.localdate(), quarter=quarter
    )
    context = {
        "board": board,
        "unit": unit,
        "year": year,
        "years": _years(year),
        "quarter": quarter,
        "quarters": _quarters(year),
        "keep": _keep(year, quarter),
    }
    return render(request, "duties/boards/unit.html", context)


@login_required
def list_board(request: AuthedRequest, pk: int) -> HttpResponse:
    """One duty list's board: per task, its dues and their lights."""
    _check(request)
    duty_list = boards.board_list(user=request.user, pk=pk)
    if duty_list is None:
        raise Http404
    board = boards.list_board(duty_list=duty_list, today=timezone.localdate())
    return render(request, "duties/boards/list.html", {"board": board, "duty_list": duty_list})
