"""The analysis index and the overview ("森林") of one framework and period: page, JSON for
its charts and heat map, and its .xlsx exports. Thin: access checks in ``access``, reads in
``overview`` and ``overview_tables``, workbooks in ``exports``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qingfeng.dashboard import access, exports
from qingfeng.dashboard import overview as ov
from qingfeng.dashboard import overview_tables as tables
from qingfeng.dashboard.overview_warnings import overview_warnings
from qingfeng.framework.selectors import assessment_note, unreported_rule_text
from qingfeng.lib.bands import band_label
from qingfeng.lib.json_response import FiniteJsonResponse
from qingfeng.lib.periods import Period, period_label
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import download_name, xlsx_response
from qingfeng.records.period_states import PeriodStates
from qingfeng.scoring.selectors import latest_period, scored_periods

# Warnings listed on the page; the export has them all.
WARNINGS_SHOWN = 50


def _load(
    request: AuthedRequest, code: str, period: Period
) -> tuple[access.PeriodResults, ov.OverviewQuery, list[str]]:
    """The framework and period the user may analyse (404 otherwise: no capability, a
    framework outside the scope, a period that is not one or was never scored, a region
    outside the scope), the checked GET parameters, and the scored periods."""
    framework = access.analysis_framework(request.user, code)
    periods = scored_periods(framework)
    if str(period) not in periods:
        raise Http404
    results = access.period_results(user=request.user, framework=framework, period=period)
    query = ov.overview_query(user=request.user, results=results, params=request.GET)
    return results, query, periods


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """The frameworks the user may analyse, each with its latest scored period."""
    access.require_analysis(request.user)
    entries = ov.analysable_frameworks(user=request.user)
    return render(request, "dashboard/index.html", {"entries": entries})


@login_required
def overview_latest(request: AuthedRequest, code: str) -> HttpResponse:
    """The overview of the latest scored period; an explanation when nothing is scored."""
    framework = access.analysis_framework(request.user, code)
    period = latest_period(framework)
    if period is None:
        return render(request, "dashboard/overview.html", {"framework": framework, "empty": True})
    return redirect("dashboard:overview", code=framework.code, period=period)


def _sort_headers(
    results: access.PeriodResults, query: ov.OverviewQuery
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The heat map's sortable headers (unit name, total; then one per level-1 indicator),
    each with the order a click on it asks for."""
    fixed: dict[str, dict[str, Any]] = {"name": {"key": "name"}, "total": {"key": "total"}}
    columns: list[dict[str, Any]] = [
        {"key": c.code, "name": c.name, "max": c.max} for c in ov.level_one_columns(results)
    ]
    for header in [*fixed.values(), *columns]:
        header["active"] = header["key"] == query.sort
        if header["active"]:
            header["next_order"] = "asc" if query.descending else "desc"
        else:
            header["next_order"] = "asc" if header["key"] == "name" else "desc"
    return fixed, columns


@login_required
def overview(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """Figures, distribution, then one tab: the heat map (by unit or by region) or the
    ranking; and the warnings. An open or incomplete period says so at the top."""
    results, query, periods = _load(request, code, period)
    user = request.user
    states = PeriodStates(results.framework)
    context: dict[str, Any] = {
        "framework": results.framework,
        "version": results.version,
        "period": str(results.period),
        "periods": periods,
        "period_state": states.state(results.period),
        "assessment_note": assessment_note(version=results.version, period=results.period),
        "period_choices": states.choices(periods),
        "query": query,
        "categories": ov.categories_in_scope(results=results),
        "figures": ov.overview_figures(user=user, results=results, query=query),
        "unreported_rule": unreported_rule_text(results.version),
    }
    context["headers"], context["column_headers"] = _sort_headers(results, query)
    # One read of every unit's ranks (and level-1 bands and ratios when the view needs
    # them), shared by the tables; the warnings read the figures off it only when the
    # register does not hold the period.
    matrix = tables.overview_matrix(results=results, query=query)
    if query.view == "regions":
        context["regions"] = tables.region_rows(
            user=user, results=results, query=query, matrix=matrix
        )
    elif query.view == "ranking":
        context["ranking_page"], context["ranking"] = tables.ranking_page(
            results=results, query=query, matrix=matrix
        )
    else:
        context["heatmap_page"], context["heatmap"] = tables.heatmap_page(
            results=results, query=query, matrix=matrix
        )
    found = overview_warnings(results=results, query=query, limit=WARNINGS_SHOWN, matrix=matrix)
    context["warnings"], context["warning_count"] = found.rows, found.count
    context["warnings_registered"], context["warnings_reason"] = found.registered, found.reason
    return render(request, "dashboard/overview.html", context)


@login_required
def overview_json(request: AuthedRequest, code: str, period: Period) -> FiniteJsonResponse:
    """Figures, band counts, histogram and totals: the data of the overview's two charts."""
    results, query, _periods = _load(request, code, period)
    figures = ov.overview_figures(user=request.user, results=results, query=query)
    shape = ov.distribution(results=results, query=query)
    return FiniteJsonResponse(
        {
            "period": str(results.period),
            "scale": results.version.scale,
            "figures": figures.as_dict(),
            "bands": [
                {"band": band, "label": band_label(band), "count": count}
                for band, count in figures.bands
            ],
            "distribution": {"bins": shape["bins"]},
            "totals": shape["totals"],
        }
    )


@login_required
def heatmap_json(request: AuthedRequest, code: str, period: Period) -> FiniteJsonResponse:
    """The heat map as data, for the same page and filters as the HTML: units (or, with
    ``view=regions``, regions) with their level-1 cells."""
    results, query, _periods = _load(request, code, period)
    columns = [{"code": c.code, "name": c.name} for c in ov.level_one_columns(results)]
    if query.view == "regions":
        regions = tables.region_rows(user=request.user, results=results, query=query)
        return FiniteJsonResponse(
            {
                "view": "regions",
                "columns": columns,
                "rows": [
                    {
                        "region": row.code,
                        "name": row.name,
                        "pk": row.pk,
                        "own": row.own,
                        "units": row.units,
                        "mean": row.mean,
                        "band": row.band,
                        "cells": [
                            {"code": c.code, "ratio": c.ratio, "units": c.units, "band": c.band}
                            for c in row.cells
                        ],
                    }
                    for row in regions
                ],
            }
        )
    page, rows = tables.heatmap_page(results=results, query=query)
    codes = results.codes
    return FiniteJsonResponse(
        {
            "view": "units",
            "page": page.number,
            "pages": page.paginator.num_pages,
            "count": page.paginator.count,
            "columns": columns,
            "rows": [
                {
                    "unit": row.code,
                    "name": row.name,
                    "pk": row.unit_pk,
                    "total": row.total,
                    "band": row.band,
                    "rank": row.rank,
                    "completeness": row.completeness,
                    "unreported": [codes[i] for i in row.unreported],
                    "cells": [
                        # "unreported" (how many leaves below) only when some are, like
                        # the snapshots' own lists.
                        {"code": c.code, "score": c.score, "max": c.max, "band": c.band}
                        | ({"unreported": c.unreported} if c.unreported else {})
                        for c in row.cells
                    ],
                }
                for row in rows
            ],
        }
    )


def _filename(results: access.PeriodResults, what: str) -> str:
    return download_name(results.framework.name, period_label(results.period), what)


@login_required
def ranking_xlsx(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """The ranking under the page's filters, every unit (not one page)."""
    results, query, _periods = _load(request, code, period)
    rows = tables.all_unit_rows(
        results=results, query=query, ordering=tables.ranking_order(query), cells=False
    )
    sheet = exports.ranking_sheet(results=results, rows=rows, query=query)
    return xlsx_response(_filename(results, _("Ranking")), [sheet], write_only=True)


@login_required
def heatmap_xlsx(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """The heat map under the page's filters and order, every unit (or every region)."""
    results, query, _periods = _load(request, code, period)
    if query.view == "regions":
        regions = tables.region_rows(user=request.user, results=results, query=query)
        sheet = exports.regions_sheet(results=results, rows=regions, query=query)
    else:
        ordering = tables.unit_ordering(results=results, query=query)
        rows = tables.all_unit_rows(results=results, query=query, ordering=ordering, cells=True)
        sheet = exports.heatmap_sheet(results=results, rows=rows, query=query)
    return xlsx_response(_filename(results, _("Heat map")), [sheet], write_only=True)


@login_required
def warnings_xlsx(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """Every current warning under the page's filters, most severe first."""
    results, query, _periods = _load(request, code, period)
    rows = overview_warnings(results=results, query=query).rows
    sheet = exports.warnings_sheet(results=results, rows=rows, query=query)
    return xlsx_response(_filename(results, _("Warnings")), [sheet], write_only=True)


@login_required
def results_xlsx(request: AuthedRequest, code: str, period: Period) -> HttpResponse:
    """The whole period in one workbook, every unit in scope (the page's filters do not
    apply): summary, ranking, every node of every unit, warnings, indicator tree."""
    results, _query, _periods = _load(request, code, period)
    everything = ov.OverviewQuery()
    sheets = exports.results_workbook(
        results=results,
        figures=ov.overview_figures(user=request.user, results=results, query=everything),
        ranking=tables.all_unit_rows(
            results=results,
            query=everything,
            ordering=tables.ranking_order(everything),
            cells=False,
        ),
        warnings=overview_warnings(results=results, query=everything).rows,
    )
    return xlsx_response(_filename(results, _("Results")), sheets, write_only=True)
