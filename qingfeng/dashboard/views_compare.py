"""The comparison pages: across units on one indicator (sorted bars with the mean), units
over periods (lines), and year on year for every unit; with their JSON and .xlsx.

Thin views: access through ``dashboard.access`` (404 outside the analysis scope), the
reads in ``dashboard.compare``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qingfeng.dashboard import compare
from qingfeng.dashboard.access import analysis_framework
from qingfeng.framework.selectors import assessment_note, version_in_force
from qingfeng.lib.bands import band_label
from qingfeng.lib.json_response import FiniteJsonResponse
from qingfeng.lib.periods import Period, period_label
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import Sheet, download_name, xlsx_response
from qingfeng.records.period_states import PeriodStates

PAGE_SIZE = 50
NOT_ASSESSED_SHOWN = 100


def _query(request: HttpRequest, *drop: str) -> str:
    """The GET parameters without ``page`` (and ``drop``), for pager and export links."""
    params = request.GET.copy()
    for key in ("page", *drop):
        params.pop(key, None)
    return params.urlencode()


def measure_label(measure: str) -> str:
    return {"total": _("Total"), "score": _("Score"), "ratio": _("Ratio (%)")}[measure]


def _common(request: AuthedRequest, code: str) -> dict[str, Any]:
    """What every comparison read takes from the request: the user, the framework (404
    outside the analysis scope), the chosen node and the label of the total."""
    return {
        "user": request.user,
        "framework": analysis_framework(request.user, code),
        "node": request.GET.get("node", ""),
        "total_label": _("Total"),
    }


def _assessment_note(data: Any) -> str:
    """The version's word on the period (assessment or monitoring), "" when none."""
    version = version_in_force(framework=data.framework, period=data.period)
    return assessment_note(version=version, period=data.period) if version else ""


def _table_context(request: AuthedRequest, data: Any, period: Period) -> dict[str, Any]:
    """What both paged comparison tables show: the data with its framework, period and
    measure, and this page of the rows, each with the link to its unit's portrait."""
    page = Paginator(data.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.portrait = compare.portrait_url(data.framework, str(period), row.unit_id, data.node)
    return {
        "data": data,
        "framework": data.framework,
        "period": str(data.period),
        "period_state": PeriodStates(data.framework).state(data.period),
        "assessment_note": _assessment_note(data),
        "page": page,
        "query": _query(request),
        "measure_label": measure_label(data.measure),
    }


def _indicator(request: AuthedRequest, code: str, period: Period) -> compare.IndicatorComparison:
    return compare.compare_indicator(
        **_common(request, code), period=period, category=request.GET.get("category", "")
    )


@login_required
def compare_indicator(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """Units of the scope on one indicator in one period: sorted bars with the mean, the
    same data as a table, and the units where the indicator was not assessed."""
    data = _indicator(request, code, period)
    return render(
        request,
        "dashboard/compare_indicator.html",
        {
            **_table_context(request, data, period),
            "not_assessed": data.not_assessed[:NOT_ASSESSED_SHOWN],
            "not_assessed_more": max(0, len(data.not_assessed) - NOT_ASSESSED_SHOWN),
        },
    )


@login_required
def compare_indicator_json(request: AuthedRequest, code: str, period: Period) -> FiniteJsonResponse:
    """The bars of the comparison (every unit assessed, best first), the mean, and the
    portrait URL pattern for a click on a bar."""
    data = _indicator(request, code, period)
    return FiniteJsonResponse(
        {
            "framework": data.framework.code,
            "period": str(data.period),
            "node": data.node,
            "node_name": data.node_name,
            "measure": data.measure,
            "measure_label": measure_label(data.measure),
            "mean": data.mean,
            "mean_label": _("Mean"),
            "units": [
                {
                    "id": r.unit_id,
                    "code": r.code,
                    "name": r.name,
                    "value": r.value,
                    "score": r.score,
                    "max": r.maximum,
                    "band": r.band,
                    "rank": r.rank,
                }
                for r in data.rows
            ],
            "not_assessed": [
                {"id": r.unit_id, "code": r.code, "name": r.name} for r in data.not_assessed
            ],
            "portrait": compare.portrait_pattern(data.framework, str(data.period), data.node),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
def compare_indicator_xlsx(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """The comparison table, and the units not assessed on a second sheet."""
    data = _indicator(request, code, period)
    headers = [_("Rank"), _("Unit code"), _("Unit"), _("Category"), _("Score"), _("Applicable max")]
    headers += [_("Ratio (%)"), _("Band"), _("Data completeness (%)")]
    rows: list[list[Any]] = []
    bands: dict[tuple[int, int], str] = {}
    for i, r in enumerate(data.rows):
        ratio = None if r.ratio is None else round(100 * r.ratio, 2)
        done = None if r.completeness is None else round(100 * r.completeness, 2)
        rows.append(
            [
                r.rank,
                r.code,
                r.name,
                r.category_name,
                r.score,
                r.maximum,
                ratio,
                band_label(r.band),
                done,
            ]
        )
        bands[(i, 7)] = r.band
    title = (
        f"{data.framework.name} · {period_label(data.period)} · {data.node_name} "
        f"({measure_label(data.measure)})"
    )
    sheets = [
        Sheet(_("Comparison"), headers, rows, title=title, band_of=bands),
        Sheet(
            _("Not assessed"),
            [_("Unit code"), _("Unit"), _("Category")],
            [[r.code, r.name, r.category_name] for r in data.not_assessed],
        ),
    ]
    name = download_name(
        data.framework.name, period_label(data.period), data.node_name, _("comparison")
    )
    return xlsx_response(name, sheets)


def _trend(request: AuthedRequest, code: str) -> compare.TrendComparison:
    return compare.compare_trend(
        **_common(request, code),
        unit_ids=request.GET.getlist("unit"),
        kind=request.GET.get("kind", "").upper(),
    )


@login_required
def compare_trend(request: AuthedRequest, code: str) -> HttpResponse:
    """One or several units on one indicator over the periods of one length (lines), with
    the mean of the scope; a unit picker searching by name (50 hits at most)."""
    data = _trend(request, code)
    q = request.GET.get("q", "")
    chosen = {s.unit_id for s in data.series}
    hits = [u for u in compare.search_units(user=request.user, query=q) if u.pk not in chosen]
    return render(
        request,
        "dashboard/compare_trend.html",
        {
            "data": data,
            "framework": data.framework,
            "measure_label": measure_label(data.measure),
            "kind_labels": _kind_labels(),
            "open_periods": PeriodStates(data.framework).open_periods(data.periods),
            "q": q,
            "hits": hits,
            "query": _query(request, "q"),
        },
    )


def _kind_labels() -> dict[str, str]:
    return {"Y": _("Years"), "H": _("Half-years"), "Q": _("Quarters"), "M": _("Months")}


@login_required
def compare_trend_json(request: AuthedRequest, code: str) -> FiniteJsonResponse:
    """The lines: one per unit over the periods, and the mean over the units in scope."""
    data = _trend(request, code)
    return FiniteJsonResponse(
        {
            "framework": data.framework.code,
            "kind": data.kind,
            "node": data.node,
            "node_name": data.node_name,
            "measure": data.measure,
            "measure_label": measure_label(data.measure),
            "periods": data.periods,
            # The axis says the periods in words; the codes above build the links.
            "period_labels": [period_label(period) for period in data.periods],
            "series": [
                {"id": s.unit_id, "code": s.code, "name": s.name, "values": s.values}
                for s in data.series
            ],
            "mean": data.mean,
            "mean_label": _("Mean of the units in scope"),
            "portrait": compare.portrait_pattern(data.framework, "{period}", data.node),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
def compare_trend_xlsx(request: AuthedRequest, code: str) -> HttpResponse:
    """The trend table: units x periods, and the mean of the scope as the last row."""
    data = _trend(request, code)
    rows: list[list[Any]] = [[s.code, s.name, *s.values] for s in data.series]
    rows.append(["", _("Mean of the units in scope"), *data.mean])
    title = f"{data.framework.name} · {data.node_name} ({measure_label(data.measure)})"
    periods = [period_label(period) for period in data.periods]
    sheet = Sheet(_("Trend"), [_("Unit code"), _("Unit"), *periods], rows, title=title)
    return xlsx_response(download_name(data.framework.name, data.node_name, _("trend")), [sheet])


@login_required
def compare_unit_search(request: AuthedRequest, code: str) -> HttpResponse:
    """The unit picker's hits for ``q`` (htmx fragment): at most 50 units of the scope."""
    analysis_framework(request.user, code)
    units = compare.search_units(user=request.user, query=request.GET.get("q", ""))
    return render(
        request, "dashboard/compare_units.html", {"hits": units, "q": request.GET.get("q", "")}
    )


def _yoy(request: AuthedRequest, code: str, period: Period) -> compare.YearOnYear:
    return compare.compare_yoy(
        **_common(request, code), period=period, sort=request.GET.get("sort", "")
    )


@login_required
def compare_yoy(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """Every unit now and a year earlier: values, difference, ranks and bands."""
    data = _yoy(request, code, period)
    return render(
        request,
        "dashboard/compare_yoy.html",
        {
            **_table_context(request, data, period),
            "sort_query": _query(request, "sort"),
            "sort": request.GET.get("sort", "") or "rank",
        },
    )


@login_required
def compare_yoy_xlsx(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """The year-on-year table, every unit, in the page's order."""
    data = _yoy(request, code, period)
    label = measure_label(data.measure)
    then = _("%(what)s, %(period)s") % {"what": label, "period": period_label(data.previous)}
    now = _("%(what)s, %(period)s") % {"what": label, "period": period_label(data.period)}
    headers = [_("Unit code"), _("Unit"), _("Category"), then, now, _("Difference")]
    headers += [_("Rank then"), _("Rank now"), _("Rank difference"), _("Band then"), _("Band now")]
    rows: list[list[Any]] = []
    bands: dict[tuple[int, int], str] = {}
    for i, r in enumerate(data.rows):
        rows.append(
            [
                r.code,
                r.name,
                r.category,
                r.then,
                r.now,
                r.difference,
                r.rank_then,
                r.rank_now,
                r.rank_difference,
                band_label(r.band_then),
                band_label(r.band_now),
            ]
        )
        bands[(i, 9)], bands[(i, 10)] = r.band_then, r.band_now
    title = (
        f"{data.framework.name} · {period_label(data.previous)} → {period_label(data.period)}"
        f" · {data.node_name}"
    )
    sheet = Sheet(_("Year on year"), headers, rows, title=title, band_of=bands)
    name = download_name(data.framework.name, period_label(data.period), _("year on year"))
    return xlsx_response(name, [sheet])
