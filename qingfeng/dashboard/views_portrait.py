"""The unit portrait (树木): header figures, radar, trend, the indicator tree down to the
records behind every point, the unit's warnings, its export, and the leadership team.

Open to whoever sees the unit (``dashboard.access``); the reads are in
``dashboard.portrait``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from qingfeng.dashboard import portrait as selectors
from qingfeng.dashboard import portrait_summary as summary
from qingfeng.dashboard.portrait import Portrait
from qingfeng.framework.selectors import assessment_note, unreported_rule_text
from qingfeng.lib.bands import band_label
from qingfeng.lib.json_response import FiniteJsonResponse
from qingfeng.lib.periods import Period, period_label
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import Sheet, download_name, xlsx_response
from qingfeng.org.selectors import leaders_in_charge
from qingfeng.records.period_states import PeriodStates
from qingfeng.rectification.selectors import unit_problems

# A tree longer than this starts with its level-1 groups closed (but the focused one), so
# the portrait stays a few screens long; a short tree is shown whole.
TREE_OPEN_ROWS = 40


def _load(request: AuthedRequest, code: str, period: Period, unit_pk: int) -> Portrait:
    return selectors.portrait_load(user=request.user, code=code, period=period, unit_pk=unit_pk)


def _headline(data: Portrait) -> dict[str, Any]:
    """What every portrait page shows at its head: the unit, framework, period and
    snapshot."""
    return {
        "p": data,
        "framework": data.framework,
        "unit": data.unit,
        "snapshot": data.snapshot,
        "period": str(data.period),
    }


def _page(
    request: AuthedRequest, data: Portrait, focus: str, panel: dict[str, Any] | None = None
) -> HttpResponse:
    rows = selectors.tree_rows(portrait=data, focus=focus)
    states = PeriodStates(data.framework)
    periods = selectors.unit_periods(portrait=data)
    warnings = selectors.unit_warnings(portrait=data)
    comparison = states.comparison(period=data.period, previous=data.period.previous())
    leaders, _former = selectors.leadership(user=request.user, unit=data.unit)
    context = {
        **_headline(data),
        "periods": periods,
        "open_periods": states.open_periods(periods),
        "period_choices": states.choices(periods),
        "period_state": states.state(data.period),
        "assessment_note": assessment_note(version=data.version, period=data.period),
        "unreported_rule": unreported_rule_text(data.version),
        "not_comparable": comparison.reason,
        "not_comparable_short": comparison.short,
        "rows": rows,
        "groups": _tree_groups(rows, focus=focus),
        "focus": focus if focus in data.by_code else "",
        "making": summary.total_making(portrait=data),
        "band_notes": summary.band_notes(portrait=data),
        "warnings": warnings,
        "warning_groups": summary.warning_groups(
            warnings=warnings, periods=periods, current=data.period
        ),
        "history": selectors.trend(portrait=data),
        "leaders": leaders,
        "problems": unit_problems(request.user, unit=data.unit),
        "panel": panel,
    }
    return render(request, "dashboard/portrait.html", context)


def _tree_groups(rows: list[selectors.TreeRow], *, focus: str) -> list[dict[str, Any]]:
    """The tree rows cut into level-1 groups (each a collapsible section): all open for a
    short tree; for a long one only the group holding the focused node."""
    groups: list[dict[str, Any]] = []
    for row in rows:
        if row.depth == 0:
            groups.append({"head": row, "rows": [], "open": len(rows) <= TREE_OPEN_ROWS})
        groups[-1]["rows"].append(row)
        if focus and (row.focused or row.focus_path):
            groups[-1]["open"] = True
    return groups


@login_required
def portrait(request: AuthedRequest, code: str, period: Period, unit_pk: int) -> HttpResponse:
    """The portrait of one unit in one period; ``?node=CODE`` focuses a node of the tree."""
    data = _load(request, code, period, unit_pk)
    return _page(request, data, request.GET.get("node", "").strip())


@login_required
def portrait_records(
    request: AuthedRequest, code: str, period: Period, unit_pk: int, node: str
) -> HttpResponse:
    """The records that counted under a node: the panel for htmx, else the whole
    portrait with the panel filled and the node focused (no-JS fallback)."""
    data = _load(request, code, period, unit_pk)
    indicator, rows = selectors.node_records(portrait=data, code=node)
    panel = {"node": indicator, "rows": rows}
    if request.htmx:
        return render(request, "dashboard/_portrait_records.html", {**_headline(data), **panel})
    return _page(request, data, indicator.code, panel)


@login_required
def portrait_json(
    request: AuthedRequest, code: str, period: Period, unit_pk: int
) -> FiniteJsonResponse:
    """The radar and trend data, straight from the stored snapshots."""
    data = _load(request, code, period, unit_pk)
    snapshot = data.snapshot
    return FiniteJsonResponse(
        {
            "unit": {"pk": data.unit.pk, "code": data.unit.code, "name": data.unit.name},
            "period": str(data.period),
            "total": snapshot.total,
            "rank": snapshot.rank,
            "band": snapshot.band or None,
            "vetoed": snapshot.vetoed,
            "radar": selectors.radar(portrait=data),
            "trend": selectors.trend(portrait=data),
            # Parallel to ``trend``: each period in words, and whether it is still open.
            **_trend_periods(data),
            "labels": {
                "unit": data.unit.name,
                "mean": _("Mean of the units you analyse"),
                "total": _("Total"),
                "rank": _("Rank"),
                "not_assessed": _("not assessed"),
                "open": _("Collecting, data incomplete"),
                "incomplete": _("Data incomplete"),
            },
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _trend_periods(data: Portrait) -> dict[str, list[Any]]:
    """The trend's periods in words, and whether each is still open or otherwise
    incomplete (the chart marks those points: their totals are not final or not whole)."""
    periods = [point["period"] for point in selectors.trend(portrait=data)]
    states = PeriodStates(data.framework)
    found = [states.state(p) for p in periods]
    return {
        "trend_labels": [period_label(p) for p in periods],
        "trend_open": [state.open for state in found],
        "trend_incomplete": [not state.complete for state in found],
    }


def _sheets(data: Portrait) -> list[Sheet]:
    title = f"{data.unit.name} · {data.framework.name} · {period_label(data.period)}"
    if data.completeness_percent is not None:
        title += " · " + _("Data completeness %(rate)s%%") % {"rate": data.completeness_percent}
    tree = selectors.tree_rows(portrait=data)
    tree_bands = {(i, 5): row.band for i, row in enumerate(tree) if row.band}
    records = selectors.counted_records(portrait=data)
    history = selectors.trend(portrait=data)
    warnings = selectors.unit_warnings(portrait=data)
    return [
        Sheet(
            _("Indicator tree"),
            [
                _("Code"),
                _("Indicator"),
                _("Level"),
                _("Score"),
                capfirst(_("applicable max")),
                _("Band"),
                _("Rule"),
                _("Unreported"),
            ],
            [
                [
                    row.node.code,
                    row.node.name,
                    row.depth + 1,
                    row.score,
                    row.max,
                    band_label(row.band),
                    row.node.rule_label,
                    _("Unreported") if row.unreported else "",
                ]
                for row in tree
            ],
            title=title,
            band_of=tree_bands,
        ),
        Sheet(
            _("Records"),
            [
                _("Date"),
                _("Indicator"),
                _("Data station"),
                _("Problem type"),
                _("Points"),
                capfirst(_("quantity")),
                _("Grade"),
                _("Value"),
                _("Effect"),
                _("Note"),
                _("Status"),
                _("Evidence"),
            ],
            [
                [
                    r.record.date.isoformat(),
                    f"{r.leaf.code} {r.leaf.name}",
                    r.record.station.name if r.record.station else "",
                    r.record.problem_type,
                    r.record.points,
                    r.record.quantity,
                    r.record.grade,
                    r.record.value,
                    r.effect.text,
                    r.record.note,
                    r.record.get_status_display(),
                    "、".join(e.name for e in r.evidence),
                ]
                for r in records
            ],
            title=title,
        ),
        Sheet(
            _("Trend"),
            [_("Period"), _("Total"), _("Rank"), _("Band")],
            [
                [period_label(h["period"]), h["total"], h["rank"], band_label(h["band"])]
                for h in history
            ],
            title=title,
            band_of={(i, 3): h["band"] for i, h in enumerate(history) if h["band"]},
        ),
        Sheet(
            _("Warnings"),
            [_("Period"), _("Indicator"), _("Score"), _("Max"), _("Band"), _("vetoed")],
            [
                [
                    period_label(w.period),
                    f"{w.code} {w.name}" if w.code else _("Total score"),
                    w.score,
                    w.max,
                    band_label(w.band),
                    _("yes") if w.vetoed else "",
                ]
                for w in warnings
            ],
            title=title,
            band_of={(i, 4): w.band for i, w in enumerate(warnings) if w.band},
        ),
    ]


@login_required
def portrait_xlsx(request: AuthedRequest, code: str, period: Period, unit_pk: int) -> HttpResponse:
    """The portrait as a workbook: the tree, the records, the trend and the warnings."""
    data = _load(request, code, period, unit_pk)
    filename = download_name(data.unit.name, data.framework.name, period_label(data.period))
    return xlsx_response(filename, _sheets(data))


@login_required
def leadership(request: AuthedRequest, code: str, period: Period, unit_pk: int) -> HttpResponse:
    """The leadership team (班子画像): current leaders with their other posts, former
    members, and the unit's headline scores for context."""
    data = _load(request, code, period, unit_pk)
    leaders, former = selectors.leadership(user=request.user, unit=data.unit)
    context = {
        **_headline(data),
        "leaders": leaders,
        "former": former,
        "in_charge": leaders_in_charge(data.unit),
    }
    return render(request, "dashboard/leadership.html", context)
