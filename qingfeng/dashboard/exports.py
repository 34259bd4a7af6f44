"""The overview's .xlsx exports: the ranking, the heat map (by unit or by region), the
warnings, and the whole period's results in one workbook.

Headers go through gettext, so they are Chinese in the default UI. Every builder takes rows
the selectors already restricted to the viewer's scope. The whole-period workbook puts the
indicator scores in "wide" form: one row per unit and one column per node (in tree order)
holding its score, a warning band shown as the cell's colour; Excel's filter then works on
units (rows) and on any node (column), and a province (~11,800 units x ~60 nodes) stays far
under Excel's row limit, which the long form (unit x node rows) would not for large trees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qingfeng.dashboard.access import PeriodResults
from qingfeng.dashboard.overview import Figures, OverviewQuery, indicator_tree, level_one_columns
from qingfeng.dashboard.overview_tables import (
    ROW_FIELDS,
    Cell,
    RegionCell,
    RegionRow,
    UnitRow,
    WarningRow,
    ranking_order,
)
from qingfeng.lib.bands import band_label as _band_label
from qingfeng.lib.periods import period_label
from qingfeng.lib.xlsx import Sheet
from qingfeng.scoring.selectors import unreported_indexes


def band_label(band: str | None) -> str:
    """The band in words; memoised per request language (a province's warnings sheet has
    ~100,000 rows)."""
    key = (get_language(), band)
    if key not in _LABELS:
        _LABELS[key] = _band_label(band)
    return _LABELS[key]


_LABELS: dict[tuple[str | None, str | None], str] = {}


def _band_labeller() -> Callable[[str | None], str]:
    """``band_label`` with the request's language looked up once (a sheet calls it for
    every row: the lookup was a third of the warnings sheet's time)."""
    language = get_language()

    def label(band: str | None) -> str:
        key = (language, band)
        if key not in _LABELS:
            _LABELS[key] = _band_label(band)
        return _LABELS[key]

    return label


def _title(results: PeriodResults, what: str, query: OverviewQuery | None = None) -> str:
    parts = [results.framework.name, period_label(results.period), what]
    if query is not None and query.category:
        parts.append(f"{_('Category')}: {query.category}")
    if query is not None and query.region is not None:
        parts.append(f"{_('Region')}: {query.region.name}")
    if query is not None and query.complete:
        parts.append(_("Fully reported units only"))
    return " · ".join(parts)


def _yes(flag: bool) -> str:
    return _("yes") if flag else ""


def _percent(completeness: float | None) -> float | None:
    """A unit's data completeness in per cent (stored to 4 decimals: 2 here, exact)."""
    return None if completeness is None else round(completeness * 100, 2)


def _codes(indexes: list[int], codes: list[str]) -> str | None:
    """The codes of the unreported leaves, for an export's 未报送 column (an empty cell
    when there are none)."""
    return " ".join(codes[i] for i in indexes if 0 <= i < len(codes)) or None


def ranking_sheet(
    *, results: PeriodResults, rows: list[UnitRow], query: OverviewQuery | None = None
) -> Sheet:
    """Rank, change (positive: moved up), unit, category, rank in category, total, band,
    veto; the band cell coloured."""
    band_label = _band_labeller()
    headers = [
        _("Rank"),
        _("Change"),
        _("Code"),
        _("Unit"),
        _("Category"),
        _("Rank in category"),
        _("Total"),
        _("Band"),
        _("vetoed"),
        _("Data completeness (%)"),
    ]
    band_of = {(r, 7): row.band for r, row in enumerate(rows)}
    data = [
        [
            row.rank,
            row.rank_change,
            row.code,
            row.name,
            row.category,
            row.category_rank,
            row.total,
            band_label(row.band),
            _yes(row.vetoed),
            _percent(row.completeness),
        ]
        for row in rows
    ]
    title = _title(results, _("Ranking"), query) + " · " + _("Ranks are the official ones.")
    return Sheet(_("Ranking"), headers, data, title=title, band_of=band_of)


def _heat_bands(
    rows: Sequence[UnitRow | RegionRow], *, band_column: int
) -> dict[tuple[int, int], str]:
    """The colours of a heat map sheet by (row, column): each row's own band in
    ``band_column``, its cells' bands in the columns after it."""
    band_of: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        band_of[(r, band_column)] = row.band
        cells: Sequence[Cell | RegionCell] = row.cells
        for i, cell in enumerate(cells):
            band_of[(r, band_column + 1 + i)] = cell.band
    return band_of


def heatmap_sheet(*, results: PeriodResults, rows: list[UnitRow], query: OverviewQuery) -> Sheet:
    """The heat map by unit: one column per level-1 indicator, each score coloured by its
    band; then the unit's data completeness and its unreported leaves."""
    band_label = _band_labeller()
    columns = level_one_columns(results)
    codes = results.codes
    headers = [
        _("Rank"),
        _("Code"),
        _("Unit"),
        _("Category"),
        _("Total"),
        _("Band"),
        *(f"{c.code} {c.name} ({c.max:g})" for c in columns),
        _("Data completeness (%)"),
        _("Unreported indicators"),
    ]
    data = [
        [
            row.rank,
            row.code,
            row.name,
            row.category,
            row.total,
            band_label(row.band),
            *(cell.score for cell in row.cells),
            _percent(row.completeness),
            _codes(row.unreported, codes),
        ]
        for row in rows
    ]
    return Sheet(
        _("Heat map"),
        headers,
        data,
        title=_title(results, _("Heat map"), query),
        band_of=_heat_bands(rows, band_column=5),
    )


def regions_sheet(*, results: PeriodResults, rows: list[RegionRow], query: OverviewQuery) -> Sheet:
    """The heat map by region: units assessed, mean total and, per level-1 indicator, the
    mean score rate in per cent, coloured by the band it falls in."""
    columns = level_one_columns(results)
    headers = [
        _("Region"),
        _("Units assessed"),
        _("Mean total"),
        _("Band"),
        *(f"{c.code} {c.name} (%)" for c in columns),
    ]
    data = [
        [
            _("%(region)s (own units)") % {"region": row.name} if row.own else row.name,
            row.units,
            row.mean,
            band_label(row.band),
            *(None if c.ratio is None else round(c.ratio * 100, 2) for c in row.cells),
        ]
        for row in rows
    ]
    title = _title(results, _("Heat map by region"), query)
    return Sheet(
        _("Heat map by region"),
        headers,
        data,
        title=title,
        band_of=_heat_bands(rows, band_column=3),
    )


def warnings_sheet(
    *, results: PeriodResults, rows: list[WarningRow], query: OverviewQuery | None = None
) -> Sheet:
    """Every current warning, most severe first; the band cell coloured."""
    band_label = _band_labeller()
    headers = [
        _("Code"),
        _("Unit"),
        _("Category"),
        _("Indicator"),
        _("Score"),
        _("Max"),
        _("Score rate (%)"),
        _("Band"),
        _("vetoed"),
    ]
    band_of = {(r, 7): row.band for r, row in enumerate(rows)}
    data = [
        [
            row.unit_code,
            row.unit_name,
            row.category,
            f"{row.code} {row.name}" if row.code else _("Total"),
            row.score,
            row.max,
            None if row.ratio is None else round(row.ratio * 100, 2),
            band_label(row.band),
            _yes(row.vetoed),
        ]
        for row in rows
    ]
    return Sheet(
        _("Warnings"), headers, data, title=_title(results, _("Warnings"), query), band_of=band_of
    )


def summary_sheet(*, results: PeriodResults, figures: Figures) -> Sheet:
    """The framework, version and period, and the headline figures (with the period's data
    completeness)."""
    version = results.version
    data: list[list[Any]] = [
        [_("Framework"), f"{results.framework.code} {results.framework.name}"],
        [_("Version"), f"{version.name} v{version.number} ({version.year})"],
        [_("Scale"), version.scale],
        [_("Period"), period_label(results.period)],
        [_("Units assessed"), figures.units],
        [_("Units not assessed"), figures.not_assessed],
    ]
    data += [[band_label(band), count] for band, count in figures.bands]
    data += [
        [_("vetoed"), figures.vetoed],
        [_("Mean total"), figures.mean],
        [_("Previous period"), period_label(figures.previous_period or "")],
        [_("Mean total in the previous period"), figures.previous_mean],
        [_("Change of the mean total"), figures.change],
        [_("Units that moved band"), figures.moved],
    ]
    completeness = figures.completeness
    if completeness is not None:
        data += [
            [_("Data completeness of the period (%)"), _percent(completeness.rate)],
            [_("Units with unreported data"), completeness.incomplete],
        ]
    data += [
        [_("Exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
    ]
    title = _title(results, _("Whole-period results"))
    return Sheet(_("Summary"), [_("Item"), _("Value")], data, title=title)


def nodes_sheet(*, results: PeriodResults) -> Sheet:
    """Every node of every unit in scope, wide: one row per unit (official rank order),
    one column per node in tree order with its score; warning bands as cell colours; then
    the unit's data completeness and the codes of its unreported leaves."""
    band_label = _band_labeller()
    indicators = results.indicators
    codes = results.codes
    fixed = [_("Rank"), _("Code"), _("Unit"), _("Category"), _("Total"), _("Band")]
    headers = [
        *fixed,
        *(f"{node.code} {node.name}" for node in indicators),
        _("Data completeness (%)"),
        _("Unreported indicators"),
    ]
    band_rows: dict[int, dict[int, str]] = {}
    values = (
        results.snapshots.order_by(*ranking_order(OverviewQuery()))
        .values_list(*ROW_FIELDS, "nodes")
        .iterator(chunk_size=2000)
    )
    data = []
    offset = len(fixed)
    for r, row in enumerate(values):
        (_unit, code, name, category, _cat, total, band, _veto, rank, _crank, _change) = row[:11]
        completeness, nodes = row[-2], row[-1] or {}
        scores = nodes.get("score") or []
        bands = nodes.get("band") or []
        # Aligned: a short node list (never stored so, but cheap to guard) keeps the columns.
        scores = [*scores, *([None] * (len(codes) - len(scores)))][: len(codes)]
        data.append(
            [
                rank,
                code,
                name,
                category,
                total,
                band_label(band),
                *scores,
                _percent(completeness),
                _codes(unreported_indexes(nodes), codes),
            ]
        )
        # One dict a row (not a (row, column) key a cell): ~600,000 fills in a province.
        fills = {offset + i: b for i, b in enumerate(bands) if b and b != "green"}
        if band and band != "green":
            fills[5] = band
        if fills:
            band_rows[r] = fills
    title = _title(results, _("Indicator scores"))
    return Sheet(_("Indicator scores"), headers, data, title=title, band_rows=band_rows)


def tree_sheet(*, results: PeriodResults) -> Sheet:
    """The indicator tree: code, name, level, parent, points, rule, categories, bands."""
    headers = [
        _("Code"),
        _("Name"),
        _("Level"),
        _("parent indicator"),
        _("Points"),
        _("Rule"),
        _("Unit categories"),
        _("Component"),
        _("warning bands"),
    ]
    codes = {node.pk: node.code for node in results.indicators}
    data = [
        [
            node.code,
            node.name,
            depth + 1,
            codes.get(node.parent_id or 0, ""),
            node.max,
            node.rule_label,
            "、".join(node.applies_to or []),
            node.component,
            "; ".join(f"{band_label(b['level'])} < {b['below']}" for b in node.bands or []),
        ]
        for node, depth in indicator_tree(results)
    ]
    return Sheet(_("Indicator tree"), headers, data, title=_title(results, _("Indicator tree")))


def results_workbook(
    *, results: PeriodResults, figures: Figures, ranking: list[UnitRow], warnings: list[WarningRow]
) -> list[Sheet]:
    """The whole period in one workbook: summary, ranking, every node of every unit,
    warnings, indicator tree."""
    return [
        summary_sheet(results=results, figures=figures),
        ranking_sheet(results=results, rows=ranking),
        nodes_sheet(results=results),
        warnings_sheet(results=results, rows=warnings),
        tree_sheet(results=results),
    ]
