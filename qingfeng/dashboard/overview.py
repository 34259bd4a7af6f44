"""Reads of the overview ("森林") of one framework and period, over the units the viewer may
analyse: the GET parameters, the headline figures, the distribution of totals and the
analysis index. The tables (heat map, regions, ranking, warnings) are in ``overview_tables``.

Province scale (~11,800 units) shapes every read: the figures are a handful of SQL
aggregates whatever the number of units.

Ranks are the stored ones: the official rank over every unit the framework assesses, not a
re-ranking within the viewer's scope (the page says so).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.dashboard.access import PeriodResults, analysis_units
from qingfeng.framework.models import Framework, Indicator
from qingfeng.framework.selectors import (
    band_levels,
    severity_of,
    version_in_force,
    visible_frameworks,
)
from qingfeng.lib.errors import NotFound, get_or_not_found
from qingfeng.lib.periods import Period
from qingfeng.org.models import Region, UnitCategory, within_q
from qingfeng.records.period_states import PeriodStates
from qingfeng.scoring import engine
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.selectors import (
    COMPLETENESS_AGGREGATES,
    PeriodCompleteness,
    completeness_of,
    fully_reported_q,
    latest_period,
    period_completeness,
    period_snapshots,
)

# ---------------------------------------------------------------------------- bands


def band_of_ratio(bands: list[dict[str, Any]] | None, ratio: float) -> str:
    """The band of a ratio the engine did not store (a region's mean, a histogram bin),
    given a version's or node's stored bands: the engine's own rule (``engine.band_of``,
    with its tolerance at the thresholds), so these agree with the stored bands."""
    return engine.band_of(
        (engine.Band(level=str(b["level"]), below=float(b["below"])) for b in bands or []), ratio
    )


# ---------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Column:
    """A level-1 indicator as a heat-map column; ``index`` is its place in the snapshot's
    node lists and ``bands`` the bands that apply to it."""

    code: str
    name: str
    index: int
    max: float
    bands: list[dict[str, Any]]
    # The indexes of the nodes in its branch (itself included): where its cell looks for
    # unreported leaves.
    branch: frozenset[int] = frozenset()


def level_one_columns(results: PeriodResults) -> list[Column]:
    """The heat map's columns, in tree order."""
    version_bands = results.version.bands or []
    # Tree order puts a branch right after its level-1 node.
    branches: dict[int, set[int]] = {}
    top = -1
    for i, node in enumerate(results.indicators):
        if node.parent_id is None:
            top = i
        branches.setdefault(top, set()).add(i)
    return [
        Column(
            code=node.code,
            name=node.name,
            index=i,
            max=node.max,
            bands=node.bands if node.bands is not None else version_bands,
            branch=frozenset(branches.get(i, ())),
        )
        for i, node in enumerate(results.indicators)
        if node.parent_id is None
    ]


@dataclass
class OverviewQuery:
    """The overview's GET parameters, checked."""

    category: str = ""
    sort: str = "total"
    order: str = "desc"
    page: str = "1"
    view: str = "units"  # units, regions (the heat map by unit or region) or ranking
    region: Region | None = None
    # Only the fully reported units (``scoring.selectors.is_fully_reported``).
    complete: bool = False

    @property
    def descending(self) -> bool:
        return self.order == "desc"


def overview_query(*, user: Any, results: PeriodResults, params: QueryDict) -> OverviewQuery:
    """Read ``category``, ``sort`` (total, name or a level-1 code), ``order``, ``page``,
    ``view`` (units, regions or ranking: the page's tabs), ``region`` (a region pk
    within the user's scope, else 404) and ``complete`` (1: fully reported units only)
    from the request."""
    codes = {node.code for node in results.level_one}
    sort = params.get("sort", "total")
    if sort not in codes and sort not in ("total", "name"):
        sort = "total"
    order = params.get("order", "")
    if order not in ("asc", "desc"):
        order = "asc" if sort == "name" else "desc"
    region = None
    region_text = str(params.get("region", "")).strip()
    if region_text:
        try:
            region_pk = int(region_text)
        except ValueError as error:
            raise NotFound from error
        region = get_or_not_found(
            scope.visible_regions(user, Capability.VIEW_ANALYSIS), pk=region_pk
        )
    return OverviewQuery(
        category=params.get("category", "").strip(),
        sort=sort,
        order=order,
        page=params.get("page", "1"),
        view=view if (view := params.get("view", "")) in ("regions", "ranking") else "units",
        region=region,
        complete=params.get("complete", "") == "1",
    )


def filtered_snapshots(*, results: PeriodResults, query: OverviewQuery) -> QuerySet[Snapshot]:
    """The period's snapshots in scope, narrowed to the chosen category and region, and to
    the fully reported units when asked."""
    snapshots = results.snapshots
    if query.category:
        snapshots = snapshots.filter(category=query.category)
    if query.region is not None:
        snapshots = snapshots.filter(within_q(query.region, prefix="unit__"))
    if query.complete:
        snapshots = snapshots.filter(fully_reported_q())
    return snapshots


def categories_in_scope(*, results: PeriodResults) -> list[UnitCategory]:
    """The unit categories among the period's snapshots in scope (the category filter)."""
    present = results.snapshots.filter(category=OuterRef("code"))
    return list(UnitCategory.objects.filter(Exists(present)).order_by("code"))


# ---------------------------------------------------------------------------- figures


@dataclass
class Figures:
    """The overview's headline figures."""

    units: int  # snapshots with a total
    not_assessed: int  # snapshots without (nothing applicable was assessed)
    bands: list[tuple[str, int]]  # (band, count) green first, then by severity
    vetoed: int
    mean: float | None
    previous_period: str
    previous_mean: float | None
    moved_up: int | None  # units whose band got milder since the previous period
    moved_down: int | None  # … more severe
    # Why no change is computed against the previous period ("" when one is): one of the
    # two is open or not covered from start to end (``records.period_states.PeriodStates``).
    not_comparable: str = ""
    not_comparable_short: str = ""  # the same in a few words
    # The data completeness of the units under the category and region filters (whether
    # or not only the fully reported ones are shown): docs/completeness-scores.md.
    completeness: PeriodCompleteness | None = None

    @property
    def change(self) -> float | None:
        if self.mean is None or self.previous_mean is None or self.not_comparable:
            return None
        return self.mean - self.previous_mean

    @property
    def moved(self) -> int | None:
        if self.moved_up is None or self.moved_down is None:
            return None
        return self.moved_up + self.moved_down

    def as_dict(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "not_assessed": self.not_assessed,
            "bands": dict(self.bands),
            "vetoed": self.vetoed,
            "mean": self.mean,
            "previous_period": self.previous_period,
            "previous_mean": self.previous_mean,
            "change": self.change,
            "moved": self.moved,
            "moved_up": self.moved_up,
            "moved_down": self.moved_down,
            "not_comparable": self.not_comparable or None,
            "completeness": None if self.completeness is None else self.completeness.rate,
            "incomplete_units": None if self.completeness is None else self.completeness.incomplete,
        }


def _previous_snapshots(
    *, user: Any, results: PeriodResults, query: OverviewQuery
) -> QuerySet[Snapshot]:
    """The previous period's snapshots (same length) under the same scope and filters."""
    previous = results.period.previous()
    if version_in_force(framework=results.framework, period=previous) is None:
        return Snapshot.objects.none()
    snapshots = period_snapshots(framework=results.framework, period=previous).filter(
        unit__in=analysis_units(user).values("pk")
    )
    if query.category:
        snapshots = snapshots.filter(category=query.category)
    if query.region is not None:
        snapshots = snapshots.filter(within_q(query.region, prefix="unit__"))
    return snapshots


def overview_figures(*, user: Any, results: PeriodResults, query: OverviewQuery) -> Figures:
    """Units assessed, count per band, vetoed, mean total, its change since the previous
    period of the same length, and how many units changed band: SQL aggregates only. No
    change and no band moves when either period is incomplete (``not_comparable`` says
    why): a period still being collected, or one whose data begins after it started, would
    make a change that means nothing. The period's data completeness comes with the same
    aggregate (a second one when only fully reported units are shown: it is taken over all
    of them)."""
    snapshots = filtered_snapshots(results=results, query=query)
    levels = band_levels(results.version)
    scored = Q(total__isnull=False)
    counts = snapshots.aggregate(
        **({} if query.complete else COMPLETENESS_AGGREGATES),
        units=Count("pk", filter=scored),
        everyone=Count("pk"),
        vetoed=Count("pk", filter=scored & Q(vetoed=True)),
        mean=Avg("total"),
        **{
            f"band_{i}": Count("pk", filter=scored & Q(band=level))
            for i, level in enumerate(levels)
        },
    )
    previous = _previous_snapshots(user=user, results=results, query=query)
    previous_mean = previous.aggregate(mean=Avg("total"))["mean"]
    comparison = PeriodStates(results.framework).comparison(
        period=results.period, previous=results.period.previous()
    )
    moved_up = moved_down = None
    if previous_mean is not None and comparison.ok:
        severity = severity_of(results.version)
        # The unit's own band then (whatever its category or scope then): an index lookup.
        before = (
            period_snapshots(framework=results.framework, period=results.period.previous())
            .filter(unit_id=OuterRef("unit_id"))
            .order_by()
            .values("band")[:1]
        )
        moved_up = moved_down = 0
        pairs = (
            snapshots.filter(scored)
            .order_by()
            .annotate(before=Subquery(before))
            .values_list("band", "before")
            .annotate(n=Count("pk"))
        )
        for band, was, n in pairs:
            if not was or was == band:
                continue
            if severity.get(band, 0) < severity.get(was, 0):
                moved_up += n
            else:
                moved_down += n
    if query.complete:
        everyone = filtered_snapshots(results=results, query=replace(query, complete=False))
        completeness = period_completeness(everyone)
    else:
        completeness = completeness_of(counts)
    return Figures(
        completeness=completeness,
        units=counts["units"],
        not_assessed=counts["everyone"] - counts["units"],
        bands=[(level, counts[f"band_{i}"]) for i, level in enumerate(levels)],
        vetoed=counts["vetoed"],
        mean=counts["mean"],
        previous_period=str(results.period.previous()),
        previous_mean=previous_mean,
        moved_up=moved_up,
        moved_down=moved_down,
        not_comparable=comparison.reason if previous_mean is not None else "",
        not_comparable_short=comparison.short if previous_mean is not None else "",
    )


def distribution(*, results: PeriodResults, query: OverviewQuery) -> dict[str, Any]:
    """The totals (highest first) and their histogram: ten bins of a tenth of the scale
    each (10 points on a 100 scale), the last one closed; a bin takes the band of its lower
    edge."""
    snapshots = filtered_snapshots(results=results, query=query)
    totals = [
        total
        for total in snapshots.filter(total__isnull=False)
        .order_by("-total", "unit_id")
        .values_list("total", flat=True)
        if total is not None
    ]
    scale = float(results.version.scale)
    width = scale / 10
    counts = [0] * 10
    for total in totals:
        counts[min(max(int(total // width), 0), 9)] += 1
    bins = [
        {
            "from": round(i * width, 2),
            "to": round((i + 1) * width, 2),
            "count": counts[i],
            "band": band_of_ratio(results.version.bands, i / 10),
        }
        for i in range(10)
    ]
    return {"bins": bins, "totals": totals}


def node_means(
    *, results: PeriodResults, query: OverviewQuery, indexes: list[int]
) -> dict[int, tuple[float | None, int]]:
    """{tree-order index: (mean ratio score / applicable max, units)} of the nodes at
    ``indexes`` over the units under the filters assessed on each (a node not applicable,
    not assessed or with an applicable max of 0 for a unit is left out): the region
    reports' weakest leaves.

    One read of the snapshots' node lists, decoded in Python: SQL look-ups into them, four
    per node and snapshot, took 7.7 s for 80 leaves of a province on PostgreSQL (each one
    reads the whole document again)."""
    if not indexes:
        return {}
    sums = [0.0] * len(indexes)
    counts = [0] * len(indexes)
    snapshots = filtered_snapshots(results=results, query=query).order_by()
    for stored in snapshots.values_list("nodes", flat=True).iterator(chunk_size=2000):
        nodes = stored or {}
        scores, maxima = nodes.get("score") or [], nodes.get("max") or []
        for k, i in enumerate(indexes):
            if i < len(scores) and scores[i] is not None and maxima[i]:
                sums[k] += scores[i] / maxima[i]
                counts[k] += 1
    return {
        i: (sums[k] / counts[k] if counts[k] else None, counts[k]) for k, i in enumerate(indexes)
    }


# ---------------------------------------------------------------------------- index


@dataclass
class FrameworkEntry:
    """A framework on the analysis index, with its latest scored period."""

    framework: Framework
    period: str | None
    units: int  # units in the viewer's scope assessed in that period


def analysable_frameworks(*, user: Any) -> list[FrameworkEntry]:
    """The frameworks the user may analyse, each with its latest scored period and the
    number of units of the user's scope it assessed then."""
    entries = []
    frameworks = visible_frameworks(user, Capability.VIEW_ANALYSIS).select_related("region")
    for framework in frameworks.order_by("code"):
        period = latest_period(framework)
        units = 0
        if period is not None:
            units = (
                period_snapshots(framework=framework, period=Period.parse(period))
                .filter(unit__in=analysis_units(user).values("pk"), total__isnull=False)
                .count()
            )
        entries.append(FrameworkEntry(framework=framework, period=period, units=units))
    return entries


def indicator_tree(results: PeriodResults) -> list[tuple[Indicator, int]]:
    """The version's indicators in tree order with their depth (0 = level 1)."""
    depth: dict[int, int] = {}
    tree = []
    for node in results.indicators:
        depth[node.pk] = depth[node.parent_id] + 1 if node.parent_id else 0
        tree.append((node, depth[node.pk]))
    return tree
