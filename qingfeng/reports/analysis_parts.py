"""The later sections of the region analysis (``analysis``): the problem analysis, the
weakest level-1 indicators, the warnings and responses, the trend inside the period.

Each returns the keys of its section: the figures of a dashboard selector as table rows
(strings, as the document prints them) and a sentence stating them by rule.
"""

from __future__ import annotations

from typing import Any

from qingfeng.dashboard import access
from qingfeng.dashboard import overview as ov
from qingfeng.dashboard import overview_tables as tables
from qingfeng.dashboard import problems as pb
from qingfeng.dashboard.overview_warnings import (
    overview_warnings,
    periods_within,
    registered_within,
)
from qingfeng.lib.documents import Picture
from qingfeng.lib.periods import Period, period_label
from qingfeng.monitoring.models import ResponseKind, ResponseState
from qingfeng.records.period_states import PeriodStates
from qingfeng.reports import charts_region as charts
from qingfeng.reports.kinds import Subject
from qingfeng.reports.region import RegionPeriod, band_words, names, percent, score
from qingfeng.scoring.selectors import scored_periods

TOP_TYPES = 3  # problem types named in the text
TOP_INDICATORS = 3  # weakest indicators named in the text
WEAKEST_LEAVES = 10  # leaves listed, weakest mean score rate first
BONUS = "bonus"  # the rule type of a leaf adding points for awards


# ------------------------------------------------------------------ problems


def problems(*, subject: Subject, user: Any) -> dict[str, Any]:
    """The period's problem records (``problems.problem_summary``, the problem page's
    figures) by type, by unit (the ten with most, their share) and by unit category."""
    window = pb.problem_window(
        framework=subject.framework, period=subject.period, date_from="", date_to="", station=""
    )
    summary = pb.problem_summary(user=user, window=window)
    concentration = summary.concentration
    total = concentration.total
    types = [
        {
            "label": t.label,
            "count": str(t.count),
            "points": score(t.points),
            "share": percent(t.count / total if total else None),
        }
        for t in summary.types
    ]
    top = pb.name_units(concentration.units[: pb.TOP_UNITS])
    units = [
        {
            "name": u.name,
            "category": u.category or "—",
            "count": str(u.count),
            "points": score(u.points),
            "share": percent(u.share),
        }
        for u in top
    ]
    categories = sorted(summary.matrix.columns, key=lambda c: (-c[2], c[1]))
    by_category = [
        {"name": name or "—", "count": str(n), "share": percent(n / total if total else None)}
        for _code, name, n in categories
    ]
    if not total:
        text = "本期未发现问题记录。"
    else:
        text = f"本期共发现问题记录{total}条，涉及{concentration.units_with_problems}个单位。"
        named = [f"{t.label}（{t.count}条，占{percent(t.count / total)}）" for t in summary.types]
        text += f"从问题类型看，{named[0]}最多"
        if len(named) > 1:
            text += "，其次为" + names(named[1:TOP_TYPES])
        text += "。"
        text += (
            f"问题最多的{len(top)}个单位共有问题{sum(u.count for u in top)}条，"
            f"占全部问题的{percent(concentration.top_share)}。"
        )
        if categories:
            _code, name, n = categories[0]
            text += f"从单位类别看，{name or '未分类单位'}问题最多（{n}条）。"
        text += _problem_change(subject=subject, user=user, window=window)
    return {
        "problems_text": text,
        "problem_total": str(total),
        "problem_types": types,
        "problem_units": units,
        "problem_categories": by_category,
    }


def _problem_change(*, subject: Subject, user: Any, window: pb.ProblemWindow) -> str:
    """How the count of problem records moved since the previous period of the same
    length, and the type that grew most (``problems.by_type_over_periods``); "" when the
    two periods may not be compared (the overview's rule)."""
    previous = subject.period.previous()
    if not PeriodStates(subject.framework).comparison(period=subject.period, previous=previous).ok:
        return ""
    trend = pb.by_type_over_periods(user=user, window=window)
    then = sum(counts[-2] for _key, _label, counts in trend.series)
    now = sum(counts[-1] for _key, _label, counts in trend.series)
    if not then:
        return ""
    if now == then:
        text = f"与{period_label(previous)}相比，问题记录数持平（{now}条）"
    else:
        moved = "增加" if now > then else "减少"
        text = f"与{period_label(previous)}相比，问题记录由{then}条{moved}至{now}条"
    grown = max(trend.series, key=lambda item: (item[2][-1] - item[2][-2], item[0]), default=None)
    if grown is not None and grown[2][-1] > grown[2][-2]:
        text += f"，其中增加最多的类型是{grown[1]}（增加{grown[2][-1] - grown[2][-2]}条）"
    return text + "。"


# ------------------------------------------------------------------ indicators


def indicators(now: RegionPeriod) -> dict[str, Any]:
    """The level-1 indicators, weakest first: the mean score rate over the units assessed
    on each (``overview_tables.indicator_means``), its band, and how many units' stored
    band on it is a warning band."""
    means = tables.indicator_means(matrix=now.matrix)
    severity = now.severity
    rows = []
    for position, (column, cell) in enumerate(zip(now.matrix.columns, means, strict=True)):
        warned = sum(
            1
            for row in now.matrix.rows
            if severity.get(row[tables.FIXED + 2 * position] or "", 0) > 0
        )
        rows.append((cell.ratio, column.name, cell, warned))
    rows.sort(key=lambda item: (item[0] is None, item[0] or 0.0))
    table = [
        {
            "name": name,
            "rate": percent(cell.ratio),
            "band": band_words(cell.band),
            "units": str(cell.units),
            "warned": str(warned),
        }
        for _ratio, name, cell, warned in rows
    ]
    rated = [item for item in rows if item[0] is not None]
    text = ""
    if rated:
        named = [
            f"{name}（平均得分率{percent(ratio)}，{band_words(cell.band)}）"
            for ratio, name, cell, _warned in rated[:TOP_INDICATORS]
        ]
        text = f"各一级指标中，平均得分率最低的是{named[0]}"
        if len(named) > 1:
            text += "，其次为" + names(named[1:])
        text += "。"
        most = max(rated, key=lambda item: item[3])
        if most[3]:
            text += f"{most[1]}指标处于预警档次的单位最多，共{most[3]}个。"
    return {"indicators_text": text, "indicators": table, **leaves(now)}


def leaves(now: RegionPeriod) -> dict[str, Any]:
    """The leaf indicators with the lowest mean score rate over the units assessed on
    them (``overview.node_means``), with their level-1 branch. Bonus leaves are left
    out: their points are added for awards, so a low rate there is no weakness."""
    nodes = now.results.indicators
    parents = {node.parent_id for node in nodes if node.parent_id is not None}
    by_pk = {node.pk: node for node in nodes}

    def branch(node: Any) -> str:
        while node.parent_id is not None and node.parent_id in by_pk:
            node = by_pk[node.parent_id]
        return str(node.name)

    indexes = [
        i
        for i, node in enumerate(nodes)
        if node.pk not in parents and (node.rule or {}).get("type") != BONUS
    ]
    means = ov.node_means(results=now.results, query=now.query, indexes=indexes)
    rated = sorted(
        (mean, i, units) for i, (mean, units) in means.items() if mean is not None and units
    )[:WEAKEST_LEAVES]
    rows = [
        {
            "name": nodes[i].name,
            "branch": branch(nodes[i]),
            "rate": percent(mean),
            "units": str(units),
        }
        for mean, i, units in rated
    ]
    text = ""
    if rows:
        named = [f"{row['name']}（{row['rate']}）" for row in rows[:TOP_INDICATORS]]
        text = f"从末级指标看，平均得分率最低的是{names(named)}。"
    return {"leaves_text": text, "leaves": rows}


# ------------------------------------------------------------------ warnings


def warnings(now: RegionPeriod) -> dict[str, Any]:
    """The period's warnings as the overview lists them (``overview_warnings``: the
    register when it holds the period, else read off the snapshots by the same rule):
    the units whose total is in a warning band or vetoed, the count of level-1 warnings;
    and the responses to the warnings the register holds for the periods inside this
    one (``registered_within``)."""
    found = overview_warnings(results=now.results, query=now.query, matrix=now.matrix)
    totals = [row for row in found.rows if not row.code]
    unit_rows = [
        {
            "name": row.unit_name,
            "category": row.category or "—",
            "total": score(row.score),
            "band": "一票否决" if row.vetoed else band_words(row.band),
        }
        for row in totals
    ]
    by_band: dict[str, int] = {}
    for row in totals:
        key = "一票否决" if row.vetoed else band_words(row.band)
        by_band[key] = by_band.get(key, 0) + 1
    nodes = sum(1 for row in found.rows if row.code)
    if totals:
        counted = "、".join(f"{band}{n}个" for band, n in by_band.items())
        text = f"本期综合得分处于预警档次的单位共{len(totals)}个（{counted}）"
    else:
        text = "本期无综合得分处于预警档次的单位"
    text += f"，一级指标处于预警档次的共{nodes}项次。" if nodes else "。"
    return {
        "warnings_text": text,
        "warning_units": unit_rows,
        **responses(now),
    }


def responses(now: RegionPeriod) -> dict[str, Any]:
    """The register's warnings of the periods inside this one and what was done about
    them: one row per kind of response, with how many are issued, answered, closed."""
    held = registered_within(results=now.results, query=now.query)
    rows: list[dict[str, str]] = []
    kinds: dict[str, dict[str, int]] = {}
    for kind, state, n in held.responses:
        kinds.setdefault(kind, {})[state] = n
    for kind in ResponseKind.values:
        if kind not in kinds:
            continue
        counts = kinds[kind]
        rows.append(
            {
                "kind": str(ResponseKind(kind).label),
                "count": str(sum(counts.values())),
                "issued": str(counts.get(ResponseState.ISSUED, 0)),
                "answered": str(counts.get(ResponseState.ANSWERED, 0)),
                "closed": str(counts.get(ResponseState.CLOSED, 0)),
            }
        )
    if not held.warnings:
        text = "预警登记簿中无本期的预警记录。"
    else:
        periods = "、".join(period_label(p) for p in held.periods)
        text = f"预警登记簿中，{periods}共登记预警{held.warnings}条，涉及{held.units}个单位"
        if rows:
            done = "、".join(f"{row['kind']}{row['count']}次" for row in rows)
            text += f"；已采取的处置措施有{done}"
        text += f"；尚未采取处置措施的预警{held.without_response}条。"
    return {"responses_text": text, "responses": rows}


# ------------------------------------------------------------------ trend


def trend(*, subject: Subject, user: Any, now: RegionPeriod) -> dict[str, Any]:
    """The headline figures of the quarters (and, in a year, the half-years) inside the
    period where they are scored (``overview_figures`` of each), as a table and a line
    chart of the mean."""
    framework = now.results.framework
    scored = set(scored_periods(framework))
    states = PeriodStates(framework)
    inside = [p for p in periods_within(subject.period) if p != subject.period]
    found: dict[Period, ov.Figures] = {}
    for period in inside:
        if str(period) not in scored:
            continue
        results = access.period_results(user=user, framework=framework, period=period)
        found[period] = ov.overview_figures(user=user, results=results, query=now.query)
    rows = []
    for period, f in found.items():
        state = states.state(period)
        rows.append(
            {
                "period": period_label(period) + ("（采集中）" if state.open else ""),
                "units": str(f.units),
                "mean": score(f.mean),
                "bands": "、".join(f"{band_words(b)}{n}" for b, n in f.bands),
            }
        )
    quarters = [p for p in inside if p.kind == "Q"]
    if not found:
        return {"trend_text": "", "trend_rows": [], "trend_chart": None}
    means = [found[q].mean if q in found else None for q in quarters]
    halves = [
        (2 * (p.index - 1) + 0.5, found[p].mean, period_label(p))
        for p in inside
        if p.kind == "H" and p in found
    ]
    scale = float(now.results.version.scale)
    image = charts.trend(
        [period_label(q) for q in quarters],
        means,
        scale=scale,
        series_label="季度平均得分",
        halves=halves or None,
        halves_label="半年平均得分",
    )
    stated = "，".join(f"{row['period']}{row['mean']}分" for row in rows)
    text = f"分期看，各期平均得分为：{stated}。"
    return {
        "trend_text": text,
        "trend_rows": rows,
        "trend_chart": Picture(image, width_mm=150),
    }
