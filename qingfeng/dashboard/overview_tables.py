"""The overview's tables: the heat map (by unit or by region), the ranking and the current
warnings, each over the units the viewer may analyse (see ``overview``).

At province scale (~11,800 units) the page makes one pass over the snapshots in scope, the
"matrix": per snapshot its band, total, ranks and each level-1 node's band and ratio
score / max, taken out of the JSON by the database. The heat map's and the ranking's order,
the region view and the warnings are computed from it in Python; then only the 50 rows of
the page are read in full. Only the exports read every row's names and nodes.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import CharField, F, FloatField, OrderBy, Value

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.dashboard.access import PeriodResults
from qingfeng.dashboard.overview import (
    Column,
    OverviewQuery,
    band_of_ratio,
    filtered_snapshots,
    level_one_columns,
)
from qingfeng.framework.selectors import severity_of
from qingfeng.org.models import Region, path_step, path_tops
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.selectors import (
    completeness_percent,
    is_fully_reported,
    level_one_item,
    level_one_ratio,
    unreported_indexes,
)

PAGE_SIZE = 50
# The columns read for a table row (heat map, ranking, exports); ``nodes`` is added when
# the row needs its indicator scores.
ROW_FIELDS = (
    "unit_id",
    "unit__code",
    "unit__name",
    "unit__category__name",
    "category",
    "total",
    "band",
    "vetoed",
    "rank",
    "category_rank",
    "rank_change",
    "completeness",
)
# Read with a page's rows (heat map, ranking): what its totals are made of, for the hover.
MAKING_FIELDS = ("raw", "applicable_max")


# ---------------------------------------------------------------------------- rows


def _two_decimals(value: float) -> str:
    """Like ``floatformat:"-2"``, without the template filter's cost (500 cells a page)."""
    text = f"{value:.2f}"
    return text[:-3] if text.endswith(".00") else text


@dataclass
class Cell:
    """A heat-map cell: a level-1 node's score, applicable max and band ("none" when the
    node does not apply or was not assessed), and how many leaves of its branch no data
    station reported on for the unit (``unreported``)."""

    code: str
    score: float | None
    max: float | None
    band: str
    unreported: int = 0

    @property
    def text(self) -> str:
        """The score as the heat map shows it: two decimals, none when whole."""
        return "—" if self.score is None else _two_decimals(self.score)

    @property
    def max_text(self) -> str:
        """The applicable max as the cell's hover shows it ("—" when unknown)."""
        return "—" if self.max is None else _two_decimals(self.max)

    @property
    def percent_text(self) -> str:
        """The score rate score ÷ applicable max in percent, which colours and sorts the
        cell ("—" when there is none)."""
        if self.score is None or not self.max:
            return "—"
        return f"{self.score / self.max * 100:.1f}"


@dataclass
class UnitRow:
    """One unit's line in the heat map, the ranking and the exports."""

    unit_pk: int
    code: str
    name: str
    category: str
    category_code: str
    total: float | None
    band: str
    vetoed: bool
    rank: int | None
    category_rank: int | None
    rank_change: int | None
    cells: list[Cell] = field(default_factory=list)
    raw: float | None = None
    applicable_max: float | None = None
    # The share of the unit's tracked leaves reported (None: nothing owed), and the
    # tree-order indexes of the leaves unreported.
    completeness: float | None = None
    unreported: list[int] = field(default_factory=list)

    @property
    def total_text(self) -> str:
        return "—" if self.total is None else f"{self.total:.2f}"

    @property
    def fully_reported(self) -> bool:
        return is_fully_reported(self.completeness)

    @property
    def completeness_percent(self) -> int | None:
        """The completeness in whole per cent as the pages show it (None: nothing owed)."""
        return completeness_percent(self.completeness)


def unit_row(values: dict[str, Any], columns: list[Column] | None = None) -> UnitRow:
    """A row from ``values(*ROW_FIELDS[, "nodes"])``; cells for ``columns`` when given."""
    cells = []
    unreported: list[int] = []
    if columns is not None:
        nodes = values.get("nodes") or {}
        scores = nodes.get("score") or []
        maxima = nodes.get("max") or []
        bands = nodes.get("band") or []
        unreported = unreported_indexes(nodes)
        for column in columns:
            i = column.index
            missing = sum(1 for n in unreported if n in column.branch) if unreported else 0
            score = scores[i] if i < len(scores) else None
            if score is None:
                cells.append(
                    Cell(code=column.code, score=None, max=None, band="none", unreported=missing)
                )
                continue
            maximum = maxima[i] if i < len(maxima) else None
            band = (bands[i] if i < len(bands) else None) or "none"
            cells.append(
                Cell(code=column.code, score=score, max=maximum, band=band, unreported=missing)
            )
    return UnitRow(
        unit_pk=values["unit_id"],
        code=values["unit__code"],
        name=values["unit__name"],
        category=values["unit__category__name"],
        category_code=values["category"],
        total=values["total"],
        band=values["band"] or "none",
        vetoed=values["vetoed"],
        rank=values["rank"],
        category_rank=values["category_rank"],
        rank_change=values["rank_change"],
        cells=cells,
        raw=values.get("raw"),
        applicable_max=values.get("applicable_max"),
        completeness=values.get("completeness"),
        unreported=unreported,
    )


# ---------------------------------------------------------------------------- matrix

# A matrix row: these fixed values, then band and ratio score / max per level-1 column.
PK, UNIT, REGION, BAND, VETOED, TOTAL, RANK, CATEGORY_RANK = range(8)
FIXED = 8


@dataclass
class Matrix:
    """Every snapshot under the filters with its level-1 bands and ratios, read in one
    pass: the heat map's and the ranking's order, the region view and the warnings come
    from it. ``REGION`` holds the unit's region pk (the unit pk when read without)."""

    columns: list[Column]
    rows: list[tuple[Any, ...]]
    regions: bool = False
    # The codes of the columns whose band and ratio were read (the others hold None).
    read: frozenset[str] = frozenset()

    @property
    def complete(self) -> bool:
        """Whether every column's figures were read."""
        return all(column.code in self.read for column in self.columns)


def level_one_matrix(
    *,
    results: PeriodResults,
    query: OverviewQuery,
    regions: bool = False,
    only: Collection[str] | None = None,
) -> Matrix:
    """One query, no per-row JSON decoding in Python: each level-1 band and ratio comes out
    of the snapshot's small ``level_one`` JSON in SQL (SQLite parses a row's JSON once for
    all of them; reaching into ``nodes`` instead read and parsed every node), and the rows are
    read with a plain cursor (Django's per-value converters would cost more than the query).
    ``regions`` adds the unit's region (a join), for the region view. ``only`` names the
    columns whose figures are wanted (the others are NULL): the JSON look-ups, three per
    column and row, are most of a province's query (170 of 200 ms on SQLite)."""
    columns = level_one_columns(results)
    read = frozenset(c.code for c in columns if only is None or c.code in only)
    extracted: dict[str, Any] = {}
    for position, column in enumerate(columns):
        i, wanted = column.index, column.code in read
        band = level_one_item("band", i, position) if wanted else Value(None, CharField())
        extracted[f"b_{i}"] = band
        extracted[f"r_{i}"] = level_one_ratio(i, position) if wanted else Value(None, FloatField())
    snapshots = filtered_snapshots(results=results, query=query).order_by().annotate(**extracted)
    region = "unit__region_id" if regions else "unit_id"
    fixed = ("pk", "unit_id", region, "band", "vetoed", "total", "rank", "category_rank")
    sql, params = snapshots.values_list(*fixed, *extracted).query.sql_with_params()
    with connections[snapshots.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return Matrix(columns=columns, rows=rows, regions=regions, read=read)


def overview_matrix(*, results: PeriodResults, query: OverviewQuery) -> Matrix:
    """The matrix the overview page's tables need: every column's figures for the region
    view (its means); the sorted column's for the heat map sorted by a level-1 indicator;
    none for the heat map by total or name and for the ranking (their orders need the
    ranks only)."""
    if query.view == "regions":
        return level_one_matrix(results=results, query=query, regions=True)
    only = [] if query.view == "ranking" else [query.sort]
    return level_one_matrix(results=results, query=query, only=only)


def _official_order(rows: list[tuple[Any, ...]], field_index: int, descending: bool) -> list[Any]:
    """``rows`` in the official order (``_by_rank``): rank 1 first when ``descending``, the
    last rank first otherwise, unranked last, then by unit; two stable sorts on plain keys,
    without a key tuple per row."""
    rows = sorted(rows, key=itemgetter(UNIT))
    ranked = [row for row in rows if row[field_index] is not None]
    ranked.sort(key=itemgetter(field_index), reverse=not descending)
    return ranked + [row for row in rows if row[field_index] is None]


def _matrix_order(matrix: Matrix, query: OverviewQuery, *, ranking: bool) -> list[int]:
    """The snapshot pks in the heat map's order (``ranking``: the ranking table's), sorted
    in Python exactly as ``unit_ordering`` / ``ranking_order`` sort in SQL.

    By a level-1 indicator the rows are first put in the official order, then sorted
    stably by the indicator's ratio alone (unassessed last): the same order as one sort by
    (ratio, rank, unit), at the cost of the default order (issue 17)."""
    rows = matrix.rows
    if ranking:
        field_index = CATEGORY_RANK if query.category else RANK
        return [row[PK] for row in _official_order(rows, field_index, True)]
    position = next((i for i, c in enumerate(matrix.columns) if c.code == query.sort), None)
    if position is None:  # by total: the official rank
        return [row[PK] for row in _official_order(rows, RANK, query.descending)]
    ratio_index = FIXED + 2 * position + 1
    official = _official_order(rows, RANK, True)
    assessed = [row for row in official if row[ratio_index] is not None]
    # ``reverse`` keeps equal ratios in their official order, as the SQL's tie-break does.
    assessed.sort(key=itemgetter(ratio_index), reverse=query.descending)
    return [row[PK] for row in assessed] + [row[PK] for row in official if row[ratio_index] is None]


def _by_rank(descending: bool, field_name: str = "rank") -> list[OrderBy]:
    """Official order (rank 1 first) when ``descending`` (by total); unranked units last."""
    rank = F(field_name)
    first = rank.asc(nulls_last=True) if descending else rank.desc(nulls_last=True)
    return [first, F("unit_id").asc()]


def unit_ordering(*, results: PeriodResults, query: OverviewQuery) -> list[OrderBy]:
    """The heat map's order: by total (the stored rank), by unit name, or by a level-1
    indicator's ratio score / max (what decides its colour), unassessed cells last."""
    if query.sort == "name":
        name = F("unit__name")
        return [name.asc() if not query.descending else name.desc(), F("unit_id").asc()]
    for position, column in enumerate(level_one_columns(results)):
        if column.code == query.sort:
            ratio = level_one_ratio(column.index, position)
            first = ratio.desc(nulls_last=True) if query.descending else ratio.asc(nulls_last=True)
            return [first, *_by_rank(True)]
    return _by_rank(query.descending)


def _rows_of(pks: list[int], columns: list[Column] | None) -> list[UnitRow]:
    """The rows of these snapshots, in this order, with their unit's name and category
    (and the level-1 cells for ``columns``)."""
    fields = (*ROW_FIELDS, *MAKING_FIELDS, *(("nodes",) if columns is not None else ()))
    by_pk = {v["pk"]: v for v in Snapshot.objects.filter(pk__in=pks).values("pk", *fields)}
    return [unit_row(by_pk[pk], columns) for pk in pks]


def heatmap_page(
    *, results: PeriodResults, query: OverviewQuery, matrix: Matrix | None = None
) -> tuple[Page[Any], list[UnitRow]]:
    """One page (50 units) of the heat map in the chosen order, with the level-1 cells.

    With the page's matrix at hand the order is sorted from it in Python (by name it needs
    the names: SQL); without (the JSON endpoint) the database orders and pages the pks.
    Either way only the page's 50 rows are then read in full; both orders are the same
    (a test holds them to it)."""
    pks: Any
    by_figures = any(column.code == query.sort for column in level_one_columns(results))
    if matrix is None or query.sort == "name" or (by_figures and query.sort not in matrix.read):
        ordered = filtered_snapshots(results=results, query=query).order_by(
            *unit_ordering(results=results, query=query)
        )
        pks = ordered.values_list("pk", flat=True)
    else:
        pks = _matrix_order(matrix, query, ranking=False)
    page = Paginator(pks, PAGE_SIZE).get_page(query.page)
    return page, _rows_of(list(page.object_list), level_one_columns(results))


def ranking_order(query: OverviewQuery) -> list[OrderBy]:
    """The ranking table's order: the official rank, or the rank in the chosen category."""
    return _by_rank(True, "category_rank" if query.category else "rank")


def ranking_page(
    *, results: PeriodResults, query: OverviewQuery, matrix: Matrix | None = None
) -> tuple[Page[Any], list[UnitRow]]:
    """One page of the ranking table (same ``page`` parameter as the heat map), ordered
    from the matrix when given, else by the database."""
    pks: Any
    if matrix is None:
        ordered = filtered_snapshots(results=results, query=query).order_by(*ranking_order(query))
        pks = ordered.values_list("pk", flat=True)
    else:
        pks = _matrix_order(matrix, query, ranking=True)
    page = Paginator(pks, PAGE_SIZE).get_page(query.page)
    return page, _rows_of(list(page.object_list), None)


def all_unit_rows(
    *, results: PeriodResults, query: OverviewQuery, ordering: list[OrderBy], cells: bool
) -> list[UnitRow]:
    """Every row under the filters (exports): with the level-1 cells when ``cells``."""
    snapshots = filtered_snapshots(results=results, query=query).order_by(*ordering)
    if not cells:
        return [unit_row(values) for values in snapshots.values(*ROW_FIELDS)]
    columns = level_one_columns(results)
    return [unit_row(values, columns) for values in snapshots.values(*ROW_FIELDS, "nodes")]


# ---------------------------------------------------------------------------- regions


@dataclass
class RegionCell:
    """A region's mean ratio on one level-1 indicator, over its units assessed on it."""

    code: str
    ratio: float | None
    units: int
    band: str

    @property
    def percent(self) -> float | None:
        return None if self.ratio is None else round(self.ratio * 100, 1)


@dataclass
class RegionRow:
    """A child region of the viewer's top region (or the top region's own units)."""

    pk: int
    code: str
    name: str
    own: bool  # the units directly in the top region, not in a child
    units: int
    mean: float | None
    band: str
    cells: list[RegionCell]


def _top_paths(*, user: Any, query: OverviewQuery) -> list[str]:
    """The region paths the region view starts from: the chosen region, else the highest
    regions of the user's analysis scope."""
    if query.region is not None:
        return [query.region.path]
    return path_tops(
        scope.visible_regions(user, Capability.VIEW_ANALYSIS).values_list("path", flat=True)
    )


def _group_path(path: str, tops: list[str]) -> str | None:
    """The path of the child region (of a top region) containing ``path``; the top region
    itself for units directly in it."""
    for top in tops:
        step = path_step(path, top)
        if step is not None:
            return step
    return None


def region_rows(
    *, user: Any, results: PeriodResults, query: OverviewQuery, matrix: Matrix | None = None
) -> list[RegionRow]:
    """The heat map aggregated by child region: per region the units assessed, the mean
    total and, per level-1 indicator, the mean of the units' ratios score / max and the band
    that mean falls in. Sums the level-1 matrix by unit region, then folds the regions into
    the child regions of the viewer's top regions."""
    if matrix is None or not matrix.regions or not matrix.complete:
        matrix = level_one_matrix(results=results, query=query, regions=True)
    columns = matrix.columns
    width = len(columns)
    by_region: dict[int, list[float]] = {}
    for row in matrix.rows:
        # [units with a total, sum of totals, then per column: sum of ratios, count]
        acc = by_region.setdefault(row[REGION], [0.0] * (2 + 2 * width))
        if row[TOTAL] is not None:
            acc[0] += 1
            acc[1] += row[TOTAL]
        for position in range(width):
            ratio = row[FIXED + 2 * position + 1]
            if ratio is not None:
                acc[2 + 2 * position] += ratio
                acc[3 + 2 * position] += 1
    paths = dict(Region.objects.filter(pk__in=list(by_region)).values_list("pk", "path"))
    tops = _top_paths(user=user, query=query)
    sums: dict[str, list[float]] = {}
    for region_pk, acc in by_region.items():
        group = _group_path(paths[region_pk], tops)
        if group is not None:
            total = sums.setdefault(group, [0.0] * len(acc))
            for i, value in enumerate(acc):
                total[i] += value
    regions = {
        region.path: region
        for region in Region.objects.filter(path__in=list(sums)).only("pk", "code", "name", "path")
    }
    scale = float(results.version.scale)
    rows = []
    for path, acc in sums.items():
        region = regions[path]
        mean = acc[1] / acc[0] if acc[0] else None
        cells = []
        for position, column in enumerate(columns):
            count = int(acc[3 + 2 * position])
            ratio = acc[2 + 2 * position] / count if count else None
            band = band_of_ratio(column.bands, ratio) if ratio is not None else "none"
            cells.append(RegionCell(code=column.code, ratio=ratio, units=count, band=band))
        rows.append(
            RegionRow(
                pk=region.pk,
                code=region.code,
                name=region.name,
                own=path in tops,
                units=int(acc[0]),
                mean=mean,
                band=band_of_ratio(results.version.bands, mean / scale)
                if mean is not None
                else "none",
                cells=cells,
            )
        )
    return _sort_regions(rows, query)


def _sort_regions(rows: list[RegionRow], query: OverviewQuery) -> list[RegionRow]:
    """Regions in the chosen order (own units of the top region first when by name)."""

    def value(row: RegionRow) -> float | None:
        if query.sort == "total":
            return row.mean
        for cell in row.cells:
            if cell.code == query.sort:
                return cell.ratio
        return None

    if query.sort == "name":
        return sorted(rows, key=lambda r: (not r.own, r.code), reverse=query.descending)
    known = [r for r in rows if value(r) is not None]
    unknown = sorted((r for r in rows if value(r) is None), key=lambda r: r.code)
    known.sort(key=lambda r: (value(r) or 0.0, r.code), reverse=query.descending)
    return known + unknown


# ---------------------------------------------------------------------------- warnings


@dataclass
class WarningRow:
    """A current warning: a unit's total (``code`` empty) or one of its level-1 nodes."""

    unit_pk: int
    unit_code: str
    unit_name: str
    category: str
    code: str
    name: str
    score: float | None
    max: float | None
    band: str
    vetoed: bool
    severity: int
    # The stored warning (``monitoring``), None when read off the snapshots.
    warning_pk: int | None = None

    @property
    def ratio(self) -> float | None:
        if self.score is None or not self.max:
            return None
        return self.score / self.max


# (-severity, ratio score / max, unit pk, column position (-1: the total), snapshot pk, band)
WarningKey = tuple[int, float, int, int, int, str]


def _warning_keys(*, results: PeriodResults, matrix: Matrix) -> list[WarningKey]:
    """Every warning in the matrix as a sort key."""
    severity = severity_of(results.version)
    vetoed_severity = max(severity.values()) + 1
    scale = float(results.version.scale)
    keys: list[WarningKey] = []
    positions = range(len(matrix.columns))
    for row in matrix.rows:
        pk, unit_id, band, vetoed, total = row[PK], row[UNIT], row[BAND], row[VETOED], row[TOTAL]
        level = vetoed_severity if vetoed else severity.get(band, 0)
        if level > 0:
            ratio = total / scale if total is not None else 0.0
            keys.append((-level, ratio, unit_id, -1, pk, band or "none"))
        for position in positions:
            node_band = row[FIXED + 2 * position]
            level = severity.get(node_band, 0)
            if level > 0:
                ratio = row[FIXED + 2 * position + 1] or 0.0
                keys.append((-level, ratio, unit_id, position, pk, node_band))
    return keys


def warning_rows(
    *,
    results: PeriodResults,
    query: OverviewQuery,
    limit: int | None = None,
    matrix: Matrix | None = None,
) -> tuple[list[WarningRow], int]:
    """Units whose total is in a warning band or who are vetoed, and level-1 nodes in a
    warning band, most severe first (vetoed, then by band, then by ratio score / max);
    the first ``limit`` of them (all by default) and how many there are in all."""
    if matrix is None or not matrix.complete:
        matrix = level_one_matrix(results=results, query=query)
    keys = _warning_keys(results=results, matrix=matrix)
    chosen = heapq.nsmallest(limit, keys) if limit is not None else sorted(keys)
    pks = {key[4] for key in chosen}
    source = (
        Snapshot.objects.filter(pk__in=pks)
        if len(pks) <= PAGE_SIZE
        else filtered_snapshots(results=results, query=query)
    )
    units = {values["pk"]: values for values in source.values("pk", *ROW_FIELDS, "nodes")}
    columns = level_one_columns(results)
    scale = float(results.version.scale)
    rows = []
    made: dict[int, UnitRow] = {}
    for level, _ratio, _unit, position, pk, band in chosen:
        unit = made.get(pk) or made.setdefault(pk, unit_row(units[pk], columns))
        cell = unit.cells[position] if position >= 0 else None
        rows.append(
            WarningRow(
                unit_pk=unit.unit_pk,
                unit_code=unit.code,
                unit_name=unit.name,
                category=unit.category,
                code=columns[position].code if cell else "",
                name=columns[position].name if cell else "",
                score=cell.score if cell else unit.total,
                max=cell.max if cell else scale,
                band=band,
                vetoed=cell is None and unit.vetoed,
                severity=-level,
            )
        )
    return rows, len(keys)


def indicator_means(*, matrix: Matrix) -> list[RegionCell]:
    """Per level-1 indicator (the matrix's columns, in tree order) the mean of the units'
    ratios score / max over the units assessed on it, and the band that mean falls in:
    the region view's arithmetic over every row of the matrix at once (the region
    reports' weakest indicators)."""
    cells = []
    for position, column in enumerate(matrix.columns):
        ratios = [r for row in matrix.rows if (r := row[FIXED + 2 * position + 1]) is not None]
        ratio = sum(ratios) / len(ratios) if ratios else None
        band = band_of_ratio(column.bands, ratio) if ratio is not None else "none"
        cells.append(RegionCell(code=column.code, ratio=ratio, units=len(ratios), band=band))
    return cells
