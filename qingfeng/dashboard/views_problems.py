"""Problem analysis: problem records by type and period, by unit with concentration (top-10
share, Herfindahl-Hirschman index), type x unit category; every count drills down to the
records behind it. With the charts' JSON and .xlsx exports.

Thin views: access through ``dashboard.access`` (404 outside the analysis scope), the
reads in ``dashboard.problems``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qingfeng.dashboard import problems
from qingfeng.dashboard.access import analysis_framework
from qingfeng.dashboard.compare import portrait_url
from qingfeng.framework.selectors import ordered_indicators, version_in_force
from qingfeng.lib.json_response import FiniteJsonResponse
from qingfeng.lib.periods import Period, period_label, periods_containing
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import Sheet, download_name, xlsx_response

PAGE_SIZE = 50
EXPORT_LIMIT = 20000  # records in one drill-down export


def _window(request: AuthedRequest, code: str, period: Period) -> problems.ProblemWindow:
    framework = analysis_framework(request.user, code)
    return problems.problem_window(
        framework=framework,
        period=period,
        date_from=request.GET.get("from", ""),
        date_to=request.GET.get("to", ""),
        station=request.GET.get("station", ""),
    )


def _window_query(window: problems.ProblemWindow) -> str:
    """The drill-down's GET parameters carrying the window (range and station)."""
    parts = []
    if window.custom:
        parts += [f"from={window.start.isoformat()}", f"to={window.end.isoformat()}"]
    if window.station is not None:
        parts.append(f"station={window.station}")
    return "&".join(parts)


@login_required
def problem_analysis(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """The problem analysis page of a period (or a date range)."""
    window = _window(request, code, period)
    summary = problems.problem_summary(user=request.user, window=window)
    page = Paginator(summary.concentration.units, PAGE_SIZE).get_page(request.GET.get("page"))
    problems.name_units(list(page))
    params = request.GET.copy()
    params.pop("page", None)
    json_url = reverse("dashboard:problems_json", args=(window.framework.code, period))
    return render(
        request,
        "dashboard/problems.html",
        {
            "framework": window.framework,
            "period": str(window.period),
            "window": window,
            "types": summary.types,
            "concentration": summary.concentration,
            "page": page,
            "matrix": summary.matrix,
            "stations": problems.problem_stations(user=request.user, window=window),
            "window_query": _window_query(window),
            "query": params.urlencode(),
            "json_url": f"{json_url}?{_window_query(window)}",
            "top_units": problems.TOP_UNITS,
        },
    )


@login_required
def problems_json(request: AuthedRequest, code: str, period: Period) -> FiniteJsonResponse:
    """Everything the problem charts draw: counts per type, per type over the last eight
    periods, the concentration figures, and the type x category matrix. ``?part=trend``
    answers only the eight periods, ``?part=summary`` everything else (each chart asks
    for its own part, so a province's records are not counted twice)."""
    window = _window(request, code, period)
    part = request.GET.get("part", "")
    records_url = reverse("dashboard:problem_records", args=(window.framework.code, period))
    station = "" if window.station is None else f"station={window.station}"
    data: dict[str, Any] = {
        "framework": window.framework.code,
        "period": str(window.period),
        "from": window.start.isoformat(),
        "to": window.end.isoformat(),
        "records_url": f"{records_url}?{station}",
    }
    if part in ("", "trend"):
        trend = problems.by_type_over_periods(user=request.user, window=window)
        data["trend"] = {
            "periods": [
                {
                    "period": str(p),
                    "label": period_label(p),  # the chart's axis: the period in words
                    "from": p.start.isoformat(),
                    "to": p.end.isoformat(),
                }
                for p in trend.periods
            ],
            "series": [
                {"key": key, "label": label, "counts": counts}
                for key, label, counts in trend.series
            ],
        }
    if part in ("", "summary"):
        data.update(_summary_json(problems.problem_summary(user=request.user, window=window)))
    return FiniteJsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _summary_json(summary: problems.ProblemSummary) -> dict[str, Any]:
    concentration, matrix = summary.concentration, summary.matrix
    top = problems.name_units(concentration.units[: problems.TOP_UNITS])
    return {
        "by_type": [
            {"key": t.key, "label": t.label, "count": t.count, "points": t.points}
            for t in summary.types
        ],
        "units": {
            "records": concentration.total,
            "units_with_problems": concentration.units_with_problems,
            "top10_share": concentration.top_share,
            "hhi": concentration.hhi,
            "hhi_10000": concentration.hhi_10000,
            "top": [
                {"id": u.unit_id, "name": u.name, "count": u.count, "points": u.points} for u in top
            ],
        },
        "matrix": {
            "types": [{"key": k, "label": label} for k, label in matrix.types],
            "categories": [{"code": c, "name": n} for c, n in matrix.categories],
            "cells": [
                [x, y, matrix.counts[(key, code)]]
                for y, (key, _label) in enumerate(matrix.types)
                for x, (code, _name) in enumerate(matrix.categories)
                if (key, code) in matrix.counts
            ],
        },
    }


@login_required
def problems_xlsx(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """Three sheets: by type; by unit with the HHI and the top-10 share; type x category."""
    window = _window(request, code, period)
    summary = problems.problem_summary(user=request.user, window=window)
    concentration, matrix = summary.concentration, summary.matrix
    problems.name_units(concentration.units)
    title = f"{window.framework.name} · {window.start} – {window.end}"
    by_type = Sheet(
        _("By problem type"),
        [_("Problem type"), _("Number of records"), _("Points deducted")],
        [[t.label, t.count, t.points] for t in summary.types],
        title=title,
    )
    unit_rows: list[list[Any]] = [
        [i, u.code, u.name, u.category, u.count, u.points, round(100 * u.share, 2)]
        for i, u in enumerate(concentration.units, start=1)
    ]
    unit_rows.append([])
    unit_rows.append(["", "", _("Units with problems"), "", concentration.units_with_problems])
    unit_rows.append(
        ["", "", _("Share of the top 10 units (%)"), "", _pct(concentration.top_share)]
    )
    unit_rows.append(["", "", _("Herfindahl-Hirschman index (0-1)"), "", concentration.hhi])
    unit_rows.append(
        ["", "", _("Herfindahl-Hirschman index (0-10,000)"), "", concentration.hhi_10000]
    )
    by_unit = Sheet(
        _("By unit"),
        [
            _("No."),
            _("Unit code"),
            _("Unit"),
            _("Category"),
            _("Number of records"),
            _("Points deducted"),
            _("Share (%)"),
        ],
        unit_rows,
        title=title,
        number_format="0.0000",
    )
    matrix_rows: list[list[Any]] = [
        [label, *(n for _code, n in cells), total] for _key, label, cells, total in matrix.rows
    ]
    matrix_rows.append(
        [
            pgettext("sum", "Total"),
            *(total for _code, _name, total in matrix.columns),
            concentration.total,
        ]
    )
    by_category = Sheet(
        _("Type by category"),
        [_("Problem type"), *(name for _code, name in matrix.categories), pgettext("sum", "Total")],
        matrix_rows,
        title=title,
    )
    filename = download_name(
        window.framework.name, period_label(window.period), _("problem analysis")
    )
    return xlsx_response(filename, [by_type, by_unit, by_category])


def _pct(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 2)


def _records(request: AuthedRequest, window: problems.ProblemWindow) -> Any:
    return problems.record_list(
        user=request.user,
        window=window,
        problem_type=request.GET.get("type", ""),
        unit=request.GET.get("unit", ""),
        category=request.GET.get("category", ""),
    )


def _indicator_names(window: problems.ProblemWindow) -> dict[str, str]:
    version = version_in_force(framework=window.framework, period=window.period)
    return {n.code: n.name for n in ordered_indicators(version)} if version else {}


@login_required
def problem_records(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """The records behind a figure (type, unit, category, station, date range), 50 a page,
    each linking to its unit's portrait at its indicator."""
    window = _window(request, code, period)
    page = Paginator(_records(request, window), PAGE_SIZE).get_page(request.GET.get("page"))
    names = _indicator_names(window)
    evidence = problems.evidence_counts([r.pk for r in page])
    rows = []
    for record in page:
        in_period = next(p for p in periods_containing(record.date) if p.kind == window.period.kind)
        rows.append(
            {
                "record": record,
                "indicator": names.get(record.indicator_code, ""),
                "type": problems.type_label(record.problem_type),
                "evidence": evidence.get(record.pk, 0),
                "portrait": portrait_url(
                    window.framework, str(in_period), record.unit_id, record.indicator_code
                ),
            }
        )
    params = request.GET.copy()
    params.pop("page", None)
    filters = {
        "type": problems.type_label(request.GET["type"]) if request.GET.get("type") else "",
        "category": problems.category_name(request.GET["category"])
        if request.GET.get("category")
        else "",
        "unit": problems.unit_name(user=request.user, unit=request.GET.get("unit", "")),
    }
    return render(
        request,
        "dashboard/problems_records.html",
        {
            "framework": window.framework,
            "period": str(window.period),
            "window": window,
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": params.urlencode(),
        },
    )


@login_required
def problem_records_xlsx(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """The drill-down list as a workbook (at most 20,000 records, newest first)."""
    window = _window(request, code, period)
    records = list(_records(request, window)[:EXPORT_LIMIT])
    names = _indicator_names(window)
    evidence = problems.evidence_counts([r.pk for r in records])
    headers = [_("Date"), _("Unit code"), _("Unit"), _("Indicator code"), _("Indicator")]
    headers += [_("Data station"), _("Problem type"), _("Points"), _("Quantity")]
    headers += [_("Points deducted"), _("Note"), _("Evidence")]
    rows = [
        [
            r.date,
            r.unit.code,
            r.unit.name,
            r.indicator_code,
            names.get(r.indicator_code, ""),
            r.station.name if r.station else "",
            problems.type_label(r.problem_type),
            r.points,
            r.quantity,
            r.deducted,
            r.note,
            evidence.get(r.pk, 0),
        ]
        for r in records
    ]
    title = f"{window.framework.name} · {window.start} – {window.end}"
    sheet = Sheet(_("Problem records"), headers, rows, title=title)
    name = download_name(window.framework.name, period_label(window.period), _("problem records"))
    return xlsx_response(name, [sheet])
