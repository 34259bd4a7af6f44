"""Nil return pages (零报告): a station clerk files nil returns (several indicators and units
in one action), lists the station's and withdraws them; a reviewer approves or returns the
submitted ones; both open a nil return's page with its units and its history.

Scope: a clerk sees their stations' nil returns, a reviewer those with a unit they review;
anything else (another station's, a station the user does not enter for) is 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability
from qingfeng.framework.models import Framework
from qingfeng.lib.ids import parse_id
from qingfeng.lib.periods import Period, period_label
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org.models import Station
from qingfeng.records import nil_selectors, selectors
from qingfeng.records.models import NIL_RETURN_ACTIVE, NilReturn, NilReturnStatus
from qingfeng.records.nil_returns import (
    nil_return_return,
    nil_return_withdraw,
    nil_returns_approve,
    nil_returns_file,
)
from qingfeng.records.periods import OpenDates
from qingfeng.records.review import entered_by
from qingfeng.records.views_review import ReturnForm


def _stations(request: AuthedRequest) -> list[Station]:
    stations = list(selectors.clerk_stations(request.user).order_by("code"))
    if not stations:
        raise Http404
    return stations


def _pick_station(request: AuthedRequest, stations: list[Station]) -> Station:
    wanted = request.POST.get("station") or request.GET.get("station") or ""
    if not wanted:
        return stations[0]
    found = next((s for s in stations if str(s.pk) == wanted), None)
    if found is None:
        raise Http404  # a station the user does not enter for
    return found


@login_required
def nil_list(request: AuthedRequest) -> HttpResponse:
    """A station's nil returns, newest first, with their status, units and who filed and
    reviewed them; the clerk withdraws an active one here."""
    stations = _stations(request)
    station = _pick_station(request, stations)
    rows = _mark_open(
        list(nil_selectors.station_nil_returns(user=request.user, station=station)[:500])
    )
    nil_selectors.with_indicator_names(rows)
    return render(
        request,
        "records/nil/list.html",
        {
            "stations": stations,
            "station": station,
            "rows": rows,
            "active": NIL_RETURN_ACTIVE,
        },
    )


def _mark_open(rows: list[NilReturn]) -> list[NilReturn]:
    """Set ``period_open`` on each row: whether its collection period is open (only then
    may it be withdrawn or reviewed); each framework's periods are read once."""
    dates: dict[int, list[Period]] = {}
    for row in rows:
        if row.framework_id not in dates:
            dates[row.framework_id] = OpenDates(row.framework).open_periods()
        row.period_open = Period.parse(row.period) in dates[row.framework_id]  # type: ignore[attr-defined]
    return rows


def _frameworks(request: AuthedRequest, station: Station) -> list[Framework]:
    """The frameworks with an open period in which the station has tracked leaves."""
    return [
        framework
        for framework in selectors.entry_frameworks(request.user, station)
        if any(
            nil_selectors.station_tracked_leaves(framework=framework, station=station, period=p)
            for p in OpenDates(framework).open_periods()
        )
    ]


def _chosen(request: AuthedRequest, name: str) -> str:
    return request.POST.get(name) or request.GET.get(name) or ""


@login_required
def nil_new(request: AuthedRequest) -> HttpResponse:
    """File nil returns: pick framework and open period, one or several of the station's
    tracked indicators and the units (by default those with neither records nor a nil
    return yet), and a note; one nil return per indicator, all or nothing."""
    stations = _stations(request)
    station = _pick_station(request, stations)
    frameworks = _frameworks(request, station)
    framework = next(
        (f for f in frameworks if str(f.pk) == _chosen(request, "framework")),
        frameworks[0] if frameworks else None,
    )
    periods = OpenDates(framework).open_periods() if framework else []
    period = next((p for p in periods if str(p) == _chosen(request, "period")), None)
    if period is None and periods and framework is not None:
        period = nil_selectors.default_period(framework=framework, periods=periods)
    leaves = []
    units: list[nil_selectors.FormUnit] = []
    if framework is not None and period is not None:
        leaves = nil_selectors.station_tracked_leaves(
            framework=framework, station=station, period=period
        )
        units = nil_selectors.nil_form_units(
            user=request.user, framework=framework, station=station, period=period, leaves=leaves
        )
    errors: list[str] = []
    codes = request.POST.getlist("codes")
    picked = {parse_id(value) for value in request.POST.getlist("units")}
    if request.method == "POST" and framework is not None and period is not None:
        by_pk = {row.unit.pk: row.unit for row in units}
        if None in picked or not picked <= by_pk.keys():
            raise Http404  # a unit not offered: outside the user's scope
        try:
            filed = nil_returns_file(
                framework=framework,
                station=station,
                indicator_codes=codes,
                period=str(period),
                units=[by_pk[pk] for pk in sorted(pk for pk in picked if pk is not None)],
                note=request.POST.get("note", ""),
                actor=request.user,
            )
        except ValidationError as error:
            errors = list(error.messages)
        else:
            messages.success(
                request,
                ngettext(
                    "Filed %(count)d nil return for %(period)s; it waits for review.",
                    "Filed %(count)d nil returns for %(period)s; they wait for review.",
                    len(filed),
                )
                % {"count": len(filed), "period": period_label(period)},
            )
            return redirect(f"{reverse('records:nil_list')}?station={station.pk}")
    posted = request.method == "POST"
    return render(
        request,
        "records/nil/new.html",
        {
            "stations": stations,
            "station": station,
            "frameworks": frameworks,
            "framework": framework,
            "periods": periods,
            "period": period,
            "leaves": leaves,
            "units": units,
            "codes": set(codes),
            "picked": picked if posted else {row.unit.pk for row in units if row.free},
            "note": request.POST.get("note", ""),
            "errors": errors,
        },
    )


def _history(nil_return: NilReturn) -> list[dict[str, Any]]:
    """The nil return's history as steps: who filed, approved, returned or withdrew it."""
    words = {
        NilReturnStatus.SUBMITTED: _("filed"),
        NilReturnStatus.APPROVED: _("approved"),
        NilReturnStatus.RETURNED: _("returned"),
        NilReturnStatus.WITHDRAWN: _("withdrawn"),
    }
    steps = []
    rows = nil_return.history.all()  # type: ignore[attr-defined]
    for row in rows.order_by("history_date", "history_id").select_related("history_user"):
        steps.append(
            {
                "when": row.history_date,
                "who": row.history_user,
                "what": words.get(row.status, row.status),
                "reason": row.return_reason if row.status == NilReturnStatus.RETURNED else "",
                "via": row.history_change_reason or "",
            }
        )
    return steps


@login_required
def nil_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A nil return: its indicator, period, units, note and history, with the actions the
    user may take (withdraw as the station's clerk; approve or return as its reviewer)."""
    nil_return = get_object_or_404(
        nil_selectors.visible_nil_returns(request.user).select_related(
            "framework", "station", "created_by", "reviewed_by"
        ),
        pk=pk,
    )
    clerk = selectors.clerk_stations(request.user).filter(pk=nil_return.station_id).exists()
    reviewer = nil_selectors.reviewable_nil_returns(request.user).filter(pk=pk).exists()
    open_now = Period.parse(nil_return.period) in OpenDates(nil_return.framework).open_periods()
    leaf = next(
        (
            node
            for node in nil_selectors.station_tracked_leaves(
                framework=nil_return.framework,
                station=nil_return.station,
                period=Period.parse(nil_return.period),
            )
            if node.code == nil_return.indicator_code
        ),
        None,
    )
    return render(
        request,
        "records/nil/detail.html",
        {
            "nil": nil_return,
            "leaf": leaf,
            "units": [
                line.unit for line in nil_return.lines.select_related("unit").order_by("unit__code")
            ],
            "history": _history(nil_return),
            "can_withdraw": clerk and open_now and nil_return.status in NIL_RETURN_ACTIVE,
            "can_review": reviewer
            and open_now
            and nil_return.status == NilReturnStatus.SUBMITTED
            and not entered_by(record=nil_return, user=request.user),
            # A reviewer who filed it is told why no review button is offered.
            "own": reviewer and entered_by(record=nil_return, user=request.user),
        },
    )


@login_required
@require_POST
def nil_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    """Withdraw one of the station's nil returns."""
    stations = selectors.clerk_stations(request.user).values("pk")
    nil_return = get_object_or_404(
        NilReturn.objects.filter(station__in=stations).select_related("framework", "station"),
        pk=pk,
    )
    try:
        nil_return_withdraw(nil_return=nil_return, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The nil return was withdrawn."))
    return redirect("records:nil_detail", pk=pk)


@login_required
def nil_review(request: AuthedRequest) -> HttpResponse:
    """The submitted nil returns awaiting the user's review."""
    if not has_capability(request.user, Capability.REVIEW_RECORDS):
        raise Http404
    rows = _mark_open(list(nil_selectors.nil_review_queue(request.user)[:500]))
    nil_selectors.with_indicator_names(rows)
    return render(
        request,
        "records/nil/review.html",
        {
            "rows": [
                {"nil": row, "own": entered_by(record=row, user=request.user)} for row in rows
            ],
        },
    )


@login_required
@require_POST
def nil_approve(request: AuthedRequest) -> HttpResponse:
    """Approve the checked nil returns (or the one named by a row's button), all or none."""
    one = request.POST.get("one", "")
    ids = {parse_id(value) for value in ([one] if one else request.POST.getlist("ids"))}
    if None in ids:
        raise Http404
    if not ids:
        messages.error(request, _("Choose at least one nil return."))
        return redirect("records:nil_review")
    found = list(
        nil_selectors.reviewable_nil_returns(request.user)
        .filter(pk__in=ids)
        .select_related("framework", "station")
    )
    if len(found) != len(ids):
        raise Http404
    try:
        count = nil_returns_approve(nil_returns=found, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "Approved %(count)d nil return; scores updated.",
                "Approved %(count)d nil returns; scores updated.",
                count,
            )
            % {"count": count},
        )
    return redirect("records:nil_review")


@login_required
def nil_return_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Return a submitted nil return to its station; the reason is required."""
    nil_return = get_object_or_404(
        nil_selectors.reviewable_nil_returns(request.user).select_related(
            "framework", "station", "created_by"
        ),
        pk=pk,
    )
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nil_return_return(
                nil_return=nil_return, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The nil return was returned to its station."))
            return redirect("records:nil_review")
    return render(request, "records/nil/return.html", {"nil": nil_return, "form": form})
