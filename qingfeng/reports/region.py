"""What the region reports (the half-year and annual analysis, the circular) share: the
period's results as the overview reads them for the report's user and region, the
ranking rows, and how a document writes numbers, bands and rank changes.

Every figure is the overview's (``dashboard.overview``, ``dashboard.overview_tables``):
the same selectors, the same scope (the units the user may analyse, within the
report's region), the stored ranks and bands. Nothing here computes a score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qingfeng.dashboard import access
from qingfeng.dashboard import overview as ov
from qingfeng.dashboard import overview_tables as tables
from qingfeng.framework.selectors import severity_of
from qingfeng.lib.bands import band_label
from qingfeng.lib.errors import NotFound
from qingfeng.lib.periods import Period
from qingfeng.reports.kinds import Subject
from qingfeng.scoring.selectors import scored_periods


@dataclass
class RegionPeriod:
    """One period of a region as the report's user may see it: the results, the query
    (the whole region, no other filter), the headline figures, the level-1 matrix, and
    the ranking (every unit, the official order)."""

    results: access.PeriodResults
    query: ov.OverviewQuery
    figures: ov.Figures
    matrix: tables.Matrix
    ranking: list[tables.UnitRow]

    @property
    def severity(self) -> dict[str, int]:
        return severity_of(self.results.version)

    @property
    def comparable(self) -> bool:
        """Whether a change since the previous period may be stated (both periods
        closed and covered, and the previous one scored), as the overview decides."""
        return self.figures.previous_mean is not None and not self.figures.not_comparable


def region_period(*, subject: Subject, user: Any, period: Period | None = None) -> RegionPeriod:
    """The subject's period (or ``period``) of its framework over the units ``user`` may
    analyse within the subject's region. NotFound (as the overview answers) when the
    user may not analyse the framework or the period was never scored; NotFound when
    no unit of the region is in the user's scope."""
    framework = access.analysis_framework(user, subject.framework.code)
    period = period or subject.period
    if str(period) not in scored_periods(framework):
        raise NotFound
    results = access.period_results(user=user, framework=framework, period=period)
    query = ov.OverviewQuery(region=subject.region)
    if not ov.filtered_snapshots(results=results, query=query).exists():
        raise NotFound
    return RegionPeriod(
        results=results,
        query=query,
        figures=ov.overview_figures(user=user, results=results, query=query),
        matrix=tables.level_one_matrix(results=results, query=query),
        ranking=tables.all_unit_rows(
            results=results, query=query, ordering=tables.ranking_order(query), cells=False
        ),
    )


def score(value: float | None, digits: int = 2) -> str:
    """A score or mean as the pages show it (two decimals), "—" for none."""
    return "—" if value is None else f"{value:.{digits}f}"


def percent(share: float | None, digits: int = 1) -> str:
    """A share (0..1) in per cent: 12.5%."""
    return "—" if share is None else f"{share * 100:.{digits}f}%"


def band_words(band: str | None) -> str:
    """A band as the pages name it (红色 …; the caller holds the Chinese language);
    "—" for none."""
    return band_label(band) if band and band != "none" else "—"


def rank_change_words(change: int | None, *, comparable: bool) -> str:
    """A stored rank change as a table shows it: ↑3, ↓2, 持平, or — when there is none
    (no previous rank, or the periods may not be compared)."""
    if change is None or not comparable:
        return "—"
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "持平"


def ranking_row(row: tables.UnitRow, *, comparable: bool) -> dict[str, Any]:
    """One line of a ranking table: rank, change, unit, category, total, band (with
    一票否决 when vetoed)."""
    band = band_words(row.band)
    return {
        "rank": "—" if row.rank is None else str(row.rank),
        "change": rank_change_words(row.rank_change, comparable=comparable),
        "name": row.name,
        "category": row.category or "—",
        "total": score(row.total),
        "band": f"{band}（一票否决）" if row.vetoed else band,
    }


def names(units: list[str], *, limit: int = 0) -> str:
    """Names joined as a document lists them (、), the first ``limit`` and 等N个 beyond."""
    if limit and len(units) > limit:
        return "、".join(units[:limit]) + f"等{len(units)}个单位"
    return "、".join(units)
