"""The half-year analysis (半年分析报告) and the annual report (年度综合报告) of a region:
one builder, the period's length choosing which.

What the document holds (docs/reports-region.md): the headline figures and the period's
state, the distribution (band counts and histogram), the heat map of the weakest units,
the whole ranking, the movers since the previous period, the problem analysis, the
weakest level-1 indicators, the warnings and the responses to them, and the trend of the
periods inside it. Every figure comes from the dashboard selectors over the stored
snapshots (``region.region_period``, ``analysis_parts``); the sentences stating facts
are written here by rules from those figures. Addressed to the region's party
committee; no unit receives it (``Built.units`` is empty).
"""

from __future__ import annotations

from typing import Any

from qingfeng.dashboard import overview as ov
from qingfeng.dashboard import overview_tables as tables
from qingfeng.lib.documents import Picture, chinese_date
from qingfeng.lib.periods import period_label
from qingfeng.records.period_states import PeriodStates
from qingfeng.reports import analysis_parts as parts
from qingfeng.reports import charts_region as charts
from qingfeng.reports.kinds import Built, Subject
from qingfeng.reports.region import (
    RegionPeriod,
    band_words,
    names,
    ranking_row,
    region_period,
    score,
)

# The heat map draws the weakest units only: 112 rows would be unreadable on A4.
HEAT_MAP_UNITS = 25
MOVERS = 5  # units named as rising or falling most


def recipient(subject: Subject) -> str:
    """The party committee the report goes to, in its usual short form: 中共黎城县委
    (中共 + the region's name + 委, i.e. its 委员会)."""
    return f"中共{subject.region.name}委"


def build(*, subject: Subject, user: Any) -> Built:
    """The analysis of ``subject``'s region and period (a half-year or a year) as
    ``user`` may see it."""
    return _build(subject=subject, user=user)


def _build(*, subject: Subject, user: Any) -> Built:
    now = region_period(subject=subject, user=user)
    label = period_label(subject.period)
    annual = subject.period.kind == "Y"
    title = (
        f"{subject.region.name}{subject.period.year}年度政治生态综合报告"
        if annual
        else f"{subject.region.name}{label}政治生态分析报告"
    )
    context: dict[str, Any] = {
        "recipient": recipient(subject),
        "opening": opening(subject=subject),
        "period_note": period_note(subject=subject),
        **figures(now),
        **distribution(now),
        **heat_map(now),
        "ranking": [ranking_row(row, comparable=now.comparable) for row in now.ranking],
        "ranking_note": ranking_note(now),
        **movers(subject=subject, user=user, now=now),
        **parts.problems(subject=subject, user=user),
        **parts.indicators(now),
        **parts.warnings(now),
        **parts.trend(subject=subject, user=user, now=now),
    }
    return Built(context=context, title=title, filename=title, units=[])


# ------------------------------------------------------------------ opening and figures


def opening(*, subject: Subject) -> str:
    """The first paragraph: what was assessed, by which framework, for which period."""
    return (
        f"按照《{subject.framework.name}》，现将{period_label(subject.period)}"
        f"{subject.region.name}政治生态监测评价情况报告如下。"
    )


def period_note(*, subject: Subject) -> str:
    """Words when the period is still being collected or its data do not cover it
    (PeriodStates, as the overview says it); "" when it is closed and covered."""
    states = PeriodStates(subject.framework)
    state = states.state(subject.period)
    label = period_label(subject.period)
    if state.open:
        return f"{label}数据尚在采集中，本报告所列数据为截至目前的结果，今后可能变化。"
    if not state.covered and states.first_data is not None:
        return (
            f"本体系数据自{chinese_date(states.first_data)}起采集，"
            f"未覆盖{label}全期，本报告所列数据仅反映已采集部分。"
        )
    return ""


def figures(now: RegionPeriod) -> dict[str, Any]:
    """The headline figures (overview_figures) as a paragraph and as a table's rows."""
    f = now.figures
    scale = float(now.results.version.scale)
    bands = [
        {"band": band_words(band), "count": str(count), "share": _share(count, f.units)}
        for band, count in f.bands
    ]
    text = f"纳入评价单位{f.units}个，平均得分{score(f.mean)}分（满分{scale:g}分）"
    if now.comparable and f.change is not None:
        text += f"，较上期（{period_label(f.previous_period)}）{_up_down(f.change, '分')}"
    text += "。"
    counted = "、".join(f"{band_words(band)}{count}个" for band, count in f.bands)
    text += f"按档次分，{counted}。"
    if f.vetoed:
        text += f"{f.vetoed}个单位被一票否决。"
    if f.not_assessed:
        text += f"另有{f.not_assessed}个单位无可评价指标，未计得分。"
    if f.completeness is not None and f.completeness.percent is not None:
        text += f"数据完整率{f.completeness.percent}%"
        if f.completeness.incomplete:
            text += f"，{f.completeness.incomplete}个单位有指标未报送。"
        else:
            text += "，各单位指标均已报送。"
    if not now.comparable and f.previous_mean is not None and f.not_comparable_short:
        text += f"因{f.not_comparable_short}，本报告不与上期比较。"
    return {
        "summary": text,
        "units": str(f.units),
        "mean": score(f.mean),
        "scale": f"{scale:g}",
        "vetoed": str(f.vetoed),
        "completeness": "—"
        if f.completeness is None or f.completeness.percent is None
        else f"{f.completeness.percent}%",
        "bands": bands,
    }


def _share(count: int, whole: int) -> str:
    return f"{count / whole * 100:.1f}%" if whole else "—"


def _up_down(change: float, unit: str) -> str:
    if abs(change) < 0.005:
        return "持平"
    return f"{'上升' if change > 0 else '下降'}{abs(change):.2f}{unit}"


# ------------------------------------------------------------------ distribution, heat map


def distribution(now: RegionPeriod) -> dict[str, Any]:
    """The histogram of totals (``overview.distribution``: ten bins, each the band of its
    lower edge) and a sentence on where most units lie."""
    shape = ov.distribution(results=now.results, query=now.query)
    bars = [
        charts.Bar(label=f"{b['from']:g}–{b['to']:g}", count=b["count"], band=b["band"])
        for b in shape["bins"]
    ]
    text = ""
    if shape["totals"]:
        top = max(bars, key=lambda bar: bar.count)
        totals = shape["totals"]
        text = (
            f"各单位得分在{score(min(totals))}分至{score(max(totals))}分之间，"
            f"{top.label}分段单位最多，共{top.count}个。"
        )
    return {
        "distribution_text": text,
        "histogram": Picture(
            charts.histogram(bars, x_label="得分区间", y_label="单位数"), width_mm=150
        ),
    }


def heat_map(now: RegionPeriod) -> dict[str, Any]:
    """The overview's heat map (stored level-1 bands, score rates) for the weakest units
    by the official rank, as an image; the note says which units it shows."""
    columns = now.matrix.columns
    by_unit = {row[tables.UNIT]: row for row in now.matrix.rows}
    ranked = [row for row in now.ranking if row.rank is not None]
    shown = ranked[-HEAT_MAP_UNITS:]
    heat_rows = []
    for unit in shown:
        values = by_unit.get(unit.unit_pk)
        cells: list[tuple[str, float | None]] = []
        for position in range(len(columns)):
            band = values[tables.FIXED + 2 * position] if values else None
            ratio = values[tables.FIXED + 2 * position + 1] if values else None
            cells.append((band or "none", None if ratio is None else ratio * 100))
        heat_rows.append(charts.HeatRow(label=f"{unit.rank} {unit.name}", cells=cells))
    legend = [(band, band_words(band)) for band, _count in now.figures.bands]
    if len(ranked) > len(shown):
        note = (
            f"下图为综合排名后{len(shown)}位单位（第{shown[0].rank}名至第{shown[-1].rank}名）"
            f"各一级指标的得分率（%），颜色为该指标所处档次；全部单位见排名表。"
        )
    else:
        note = "下图为各单位各一级指标的得分率（%），颜色为该指标所处档次。"
    image = charts.heat_map(heat_rows, columns=[c.name for c in columns], legend=legend)
    return {"heatmap_note": note, "heatmap": Picture(image, width_mm=160)}


def ranking_note(now: RegionPeriod) -> str:
    """What the ranking table shows, in words."""
    text = f"全部{len(now.ranking)}个单位按综合得分排名如下（名次为全体系的正式排名）"
    if now.comparable:
        text += f"，升降为与{period_label(now.figures.previous_period)}相比的名次变化。"
    else:
        text += "。"
    return text


# ------------------------------------------------------------------ movers


def movers(*, subject: Subject, user: Any, now: RegionPeriod) -> dict[str, Any]:
    """The units whose stored rank rose or fell most since the previous period of the
    same length, and those whose band changed (their band then read from the previous
    period's snapshots); nothing when the two periods may not be compared."""
    empty: dict[str, Any] = {"movers_text": "", "risers": [], "fallers": [], "band_changes": []}
    previous_label = period_label(now.figures.previous_period)
    if not now.comparable:
        reason = now.figures.not_comparable_short
        empty["movers_text"] = (
            f"因{reason}，不作与上期的比较。"
            if reason
            else f"{previous_label}无评价结果，不作比较。"
        )
        return empty
    changed = [row for row in now.ranking if row.rank_change]
    risers = sorted(
        (r for r in changed if (r.rank_change or 0) > 0),
        key=lambda r: (-(r.rank_change or 0), r.rank or 0),
    )[:MOVERS]
    fallers = sorted(
        (r for r in changed if (r.rank_change or 0) < 0),
        key=lambda r: ((r.rank_change or 0), r.rank or 0),
    )[:MOVERS]
    before = region_period(subject=subject, user=user, period=subject.period.previous())
    band_then = {row.unit_pk: row.band for row in before.ranking}
    severity = now.severity
    found: list[tuple[tuple[bool, int], dict[str, str]]] = []
    for row in now.ranking:
        was = band_then.get(row.unit_pk)
        if not was or was == "none" or row.band == "none" or was == row.band:
            continue
        better = severity.get(row.band, 0) < severity.get(was, 0)
        change = {
            "name": row.name,
            "before": band_words(was),
            "now": band_words(row.band),
            "direction": "好转" if better else "变差",
        }
        found.append(((not better, row.rank or 0), change))
    band_changes = [change for _order, change in sorted(found, key=lambda item: item[0])]
    f = now.figures
    text = f"与{previous_label}相比，"
    text += f"{f.moved_up or 0}个单位档次好转，{f.moved_down or 0}个单位档次变差"
    if risers:
        text += "；排名上升较多的有" + names([f"{r.name}（上升{r.rank_change}名）" for r in risers])
    if fallers:
        text += "；排名下降较多的有" + names(
            [f"{r.name}（下降{-(r.rank_change or 0)}名）" for r in fallers]
        )
    text += "。"
    return {
        "movers_text": text,
        "risers": [_mover(r) for r in risers],
        "fallers": [_mover(r) for r in fallers],
        "band_changes": band_changes,
    }


def _mover(row: tables.UnitRow) -> dict[str, str]:
    change = row.rank_change or 0
    return {
        "name": row.name,
        "rank": str(row.rank),
        "before": str((row.rank or 0) + change),
        "change": f"上升{change}名" if change > 0 else f"下降{-change}名",
        "band": band_words(row.band),
    }
