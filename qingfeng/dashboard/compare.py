"""Reads of the comparison pages: across units on one indicator in one period, several
units over periods (trend), and year on year for every unit.

Every read goes through ``access.analysis_units(user)``; snapshots are read with
``values_list`` and, for a node, only that node's three values are pulled out of the
JSON in SQL (out of the small ``level_one`` lists for a level-1 node, out of ``nodes``
for a deeper one: ``_node_exprs``), so a province's 11,800 snapshots stay cheap.

What is compared (the "measure"): for the total, the total on the framework scale; for a
node, its score when every unit compared has the same applicable max for it, otherwise
its ratio (score / applicable max) x 100 %, so units of different categories stay
comparable. Ranks here are among the units compared (the viewer's scope, and the
category when one is chosen), ties sharing a rank (1, 2, 2, 4); for the total a vetoed
unit ranks after all others, as in the official ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    QuerySet,
)
from django.db.models.functions import Cast, NullIf
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from qingfeng.dashboard.access import analysis_units, period_results
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.framework.selectors import ordered_indicators, version_in_force
from qingfeng.lib.errors import NotFound, OutOfScope
from qingfeng.lib.ids import parse_id
from qingfeng.lib.periods import Period, latest_ended
from qingfeng.org.models import Unit, UnitCategory
from qingfeng.records.period_states import PeriodStates
from qingfeng.scoring import engine
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.selectors import (
    level_one_item,
    level_one_value,
    node_item,
    node_value,
    scored_periods,
)

TOTAL = "total"
KINDS = ("Y", "H", "Q", "M")
MAX_TREND_UNITS = 20
SEARCH_LIMIT = 50
_SENTINEL = 987654321
_PERIOD_SENTINEL = "QFPERIOD"


@dataclass
class NodeChoice:
    """One entry of the node picker (the total first, then the tree, indented)."""

    code: str
    name: str
    depth: int

    @property
    def indent(self) -> str:
        return "\u00a0\u00a0\u00a0" * self.depth


@dataclass
class CompareRow:
    """One unit on the compared indicator."""

    unit_id: int
    code: str
    name: str
    category: str
    score: float | None
    maximum: float | None
    band: str
    vetoed: bool = False
    value: float | None = None
    rank: int | None = None
    portrait: str | None = None
    category_name: str = ""
    # The unit's data completeness in the period (None: nothing owed), for the export.
    completeness: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.score is None or not self.maximum:
            return None
        return self.score / self.maximum

    @property
    def percent(self) -> float | None:
        ratio = self.ratio
        return None if ratio is None else 100 * ratio


@dataclass
class IndicatorComparison:
    """Units of the viewer's scope on one indicator (or the total) in one period."""

    framework: Framework
    period: Period
    version: FrameworkVersion
    node: str
    node_name: str
    measure: str  # "total", "score" or "ratio"
    rows: list[CompareRow]
    not_assessed: list[CompareRow]
    mean: float | None
    nodes: list[NodeChoice]
    categories: list[tuple[str, str]]
    category: str


def node_choices(indicators: Sequence[Indicator], total_label: str) -> list[NodeChoice]:
    """The total, then every node of the tree with its depth (for indentation)."""
    depth: dict[int, int] = {}
    choices = [NodeChoice(TOTAL, total_label, 0)]
    for node in indicators:
        depth[node.pk] = depth[node.parent_id] + 1 if node.parent_id else 0
        choices.append(NodeChoice(node.code, node.name, depth[node.pk]))
    return choices


def default_node(indicators: Sequence[Indicator]) -> str:
    """The first level-1 node, or the total when the tree is empty."""
    first = next((node for node in indicators if node.parent_id is None), None)
    return first.code if first else TOTAL


def _node_exprs(indicators: Sequence[Indicator], node: str) -> tuple[Any, Any, Any]:
    """SQL expressions pulling the score, applicable max and band of the node ``node``
    (a code of ``indicators``, the version's nodes in tree order) out of the snapshot's
    JSON: a level-1 node out of the small ``level_one`` lists (the default and most
    compared), a deeper one out of ``nodes``, every node's figures."""
    index = next(i for i, indicator in enumerate(indicators) if indicator.code == node)
    level_one = [indicator.code for indicator in indicators if indicator.parent_id is None]
    if node in level_one:
        position = level_one.index(node)
        return (
            level_one_value("score", index, position),
            level_one_value("max", index, position),
            level_one_item("band", index, position),
        )
    return node_value("score", index), node_value("max", index), node_item("band", index)


def _measure(node: str, maxima: Iterable[float | None]) -> str:
    if node == TOTAL:
        return "total"
    return "score" if len({m for m in maxima if m is not None}) <= 1 else "ratio"


def _value(measure: str, score: float | None, maximum: float | None) -> float | None:
    if score is None:
        return None
    if measure == "ratio":
        return 100.0 * score / maximum if maximum else None
    return score


def rank_rows(rows: list[CompareRow], measure: str) -> list[CompareRow]:
    """Rows ranked by the engine's ranking rule (``engine.rank_values``: value rounded to
    2 decimals, ties sharing a rank, for the total vetoed units after all others, no value
    no rank), then sorted by rank and code, the unranked last."""
    vetoed = [measure == "total" and row.vetoed for row in rows]
    ranks = engine.rank_values([row.value for row in rows], vetoed)
    for row, rank in zip(rows, ranks, strict=True):
        row.rank = rank
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    return rows


def _snapshot_rows(
    snapshots: QuerySet[Snapshot], node: str, indicators: Sequence[Indicator], scale: float
) -> list[CompareRow]:
    """One row per snapshot with the node's (or the total's) score, max and band, and
    the unit's data completeness."""
    base = ["unit_id", "unit__code", "unit__name", "category", "vetoed", "completeness"]
    if node == TOTAL:
        values = snapshots.values_list(*base, "total", "band")
        return [
            CompareRow(
                u,
                c,
                n,
                cat,
                total,
                scale if total is not None else None,
                band or "",
                v,
                completeness=done,
            )
            for u, c, n, cat, v, done, total, band in values
        ]
    score, maximum, band = _node_exprs(indicators, node)
    values = snapshots.annotate(_s=score, _m=maximum, _b=band).values_list(*base, "_s", "_m", "_b")
    return [
        CompareRow(
            u,
            c,
            n,
            cat,
            s,
            m if s is not None else None,
            (b or "") if s is not None else "",
            v,
            completeness=done,
        )
        for u, c, n, cat, v, done, s, m, b in values
    ]


def compare_indicator(
    *, user: Any, framework: Framework, period: Period, node: str, category: str, total_label: str
) -> IndicatorComparison:
    """Every unit the user may analyse on ``node`` (a code, or ``total``; empty: the first
    level-1 node) in the period, best first, with the mean; units where the node does not
    apply or was not assessed apart. 404 for a node the period's version does not have."""
    results = period_results(user=user, framework=framework, period=period)
    codes = results.codes
    node = node or default_node(results.indicators)
    if node != TOTAL and node not in codes:
        raise NotFound
    snapshots = results.snapshots
    category_codes = sorted(set(snapshots.values_list("category", flat=True).distinct()))
    if category:
        snapshots = snapshots.filter(category=category)
    rows = _snapshot_rows(snapshots, node, results.indicators, float(results.version.scale))
    assessed = [r for r in rows if r.score is not None]
    measure = _measure(node, (r.maximum for r in assessed))
    for row in assessed:
        row.value = _value(measure, row.score, row.maximum)
    values = [r.value for r in assessed if r.value is not None]
    names = dict(UnitCategory.objects.filter(code__in=category_codes).values_list("code", "name"))
    for row in rows:
        row.category_name = names.get(row.category, row.category)
    nodes = node_choices(results.indicators, total_label)
    return IndicatorComparison(
        framework=framework,
        period=period,
        version=results.version,
        node=node,
        node_name=next(c.name for c in nodes if c.code == node),
        measure=measure,
        rows=rank_rows(assessed, measure),
        not_assessed=sorted((r for r in rows if r.score is None), key=lambda r: r.code),
        mean=sum(values) / len(values) if values else None,
        nodes=nodes,
        categories=[(code, names.get(code, code)) for code in category_codes],
        category=category,
    )


def portrait_pattern(framework: Framework, period: str, node: str) -> str | None:
    """The portrait URL of any unit with ``{unit}`` in place of its id (the chart's JSON
    carries one pattern instead of 11,800 URLs); ``period`` may be ``{period}`` for a
    pattern over periods too. None while no portrait page exists."""
    try:
        url = reverse("dashboard:portrait", args=(framework.code, _PERIOD_SENTINEL, _SENTINEL))
    except NoReverseMatch:
        return None
    url = url.replace(str(_SENTINEL), "{unit}").replace(_PERIOD_SENTINEL, period)
    return f"{url}?node={node}" if node and node != TOTAL else url


def portrait_url(framework: Framework, period: str, unit_id: int, node: str) -> str | None:
    """One unit's portrait at ``node``; None while no portrait page exists."""
    pattern = portrait_pattern(framework, period, node)
    return pattern.replace("{unit}", str(unit_id)) if pattern else None


# --- trend -------------------------------------------------------------------------------


@dataclass
class TrendSeries:
    unit_id: int
    code: str
    name: str
    values: list[float | None]


@dataclass
class TrendComparison:
    """Chosen units (and the mean over the scope) on one node over the periods of a kind."""

    framework: Framework
    kind: str
    kinds: list[str]
    node: str
    node_name: str
    measure: str
    periods: list[str]
    series: list[TrendSeries]
    mean: list[float | None]
    nodes: list[NodeChoice] = field(default_factory=list)


def trend_units(*, user: Any, unit_ids: Sequence[str]) -> list[Unit]:
    """The units asked for by id, in the order asked (at most 20); 404 when one is not a
    number or not among the units the user may analyse."""
    wanted: list[int] = []
    for text in unit_ids:
        pk = parse_id(text)
        if pk is None:
            raise NotFound
        if pk not in wanted:
            wanted.append(pk)
    wanted = wanted[:MAX_TREND_UNITS]
    found = {u.pk: u for u in analysis_units(user).filter(pk__in=wanted).only("code", "name")}
    if len(found) != len(wanted):
        raise OutOfScope
    return [found[pk] for pk in wanted]


def _default_trend_units(user: Any, framework: Framework, period: Period | None) -> list[Unit]:
    """The first five units by rank in the latest period, within the scope."""
    if period is None:
        return []
    version = version_in_force(framework=framework, period=period)
    ids = list(
        Snapshot.objects.filter(
            version=version,
            period=str(period),
            rank__isnull=False,
            unit__in=analysis_units(user).values("pk"),
        )
        .order_by("rank", "unit__code")
        .values_list("unit_id", flat=True)[:5]
    )
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids).only("code", "name")}
    return [units[pk] for pk in ids]


def compare_trend(
    *,
    user: Any,
    framework: Framework,
    node: str,
    unit_ids: Sequence[str],
    kind: str,
    total_label: str,
) -> TrendComparison:
    """One line per chosen unit over every scored period of the kind (Y, H, Q, M; empty:
    the kind of the latest scored period), plus the mean over the units in scope. 404 for
    an unknown kind or node, or a unit outside the scope."""
    scored_texts = scored_periods(framework)
    scored = [Period.parse(p) for p in scored_texts]
    kinds = [k for k in KINDS if any(p.kind == k for p in scored)]
    # ``latest_period``'s answer, from the periods already read (not a second query).
    latest_text = latest_ended(scored_texts, today=timezone.localdate())
    latest = Period.parse(latest_text) if latest_text else None
    kind = kind or (latest.kind if latest else "Q")
    if kind not in KINDS:
        raise NotFound
    periods = sorted(p for p in scored if p.kind == kind)
    last = periods[-1] if periods else None
    if latest is not None and latest.kind == kind:
        last = latest
    last_version = version_in_force(framework=framework, period=last) if last else None
    indicators = ordered_indicators(last_version) if last_version else []
    node = node or default_node(indicators)
    if node != TOTAL and node not in {n.code for n in indicators}:
        raise NotFound
    units = (
        trend_units(user=user, unit_ids=unit_ids)
        if unit_ids
        else _default_trend_units(user, framework, last)
    )
    raw: dict[int, list[tuple[float | None, float | None]]] = {u.pk: [] for u in units}
    stats: list[dict[str, Any]] = []
    nodes_of: dict[int, list[Indicator]] = {}
    scope = analysis_units(user).values("pk")
    for period in periods:
        version = version_in_force(framework=framework, period=period)
        if version is not None and version.pk not in nodes_of:
            nodes_of[version.pk] = list(ordered_indicators(version))
        version_nodes = nodes_of.get(version.pk, []) if version else []
        codes = [n.code for n in version_nodes]
        snaps = Snapshot.objects.filter(version=version, period=str(period))
        if version is None or (node != TOTAL and node not in codes):
            for values in raw.values():
                values.append((None, None))
            stats.append({})
            continue
        if node == TOTAL:
            score_expr: Any = F("total")
            max_expr: Any = Cast("version__scale", FloatField())
        else:
            score_expr, max_expr, _band = _node_exprs(version_nodes, node)
        found = {
            unit: (score, maximum)
            for unit, score, maximum in snaps.filter(unit_id__in=list(raw))
            .annotate(_s=score_expr, _m=max_expr)
            .values_list("unit_id", "_s", "_m")
        }
        for unit, values in raw.items():
            score, maximum = found.get(unit, (None, None))
            values.append((score, maximum if score is not None else None))
        stats.append(
            snaps.filter(unit__in=scope)
            .annotate(_s=score_expr, _m=max_expr)
            .filter(_s__isnull=False)
            .aggregate(
                n=Count("pk"),
                score=Avg("_s"),
                ratio=Avg(
                    ExpressionWrapper(
                        F("_s") * 100.0 / NullIf(F("_m"), 0.0), output_field=FloatField()
                    )
                ),
                low=Min("_m"),
                high=Max("_m"),
            )
        )
    maxima = [s.get(key) for s in stats for key in ("low", "high")]
    maxima += [m for values in raw.values() for _s, m in values]
    measure = _measure(node, maxima)
    mean_key = "ratio" if measure == "ratio" else "score"
    nodes = node_choices(indicators, total_label)
    return TrendComparison(
        framework=framework,
        kind=kind,
        kinds=kinds,
        node=node,
        node_name=next((c.name for c in nodes if c.code == node), node),
        measure=measure,
        periods=[str(p) for p in periods],
        series=[
            TrendSeries(u.pk, u.code, u.name, [_value(measure, s, m) for s, m in raw[u.pk]])
            for u in units
        ],
        mean=[s.get(mean_key) if s.get("n") else None for s in stats],
        nodes=nodes,
    )


def search_units(*, user: Any, query: str) -> list[Unit]:
    """At most 50 units the user may analyse whose name or code contains ``query``."""
    query = query.strip()
    if not query:
        return []
    units = analysis_units(user)
    matches = units.filter(name__icontains=query) | units.filter(code__iexact=query)
    return list(matches.only("code", "name").order_by("name", "code")[:SEARCH_LIMIT])


# --- year on year ------------------------------------------------------------------------


@dataclass
class YoyRow:
    """One unit now and a year earlier."""

    unit_id: int
    code: str
    name: str
    category: str
    then: float | None = None
    now: float | None = None
    rank_then: int | None = None
    rank_now: int | None = None
    band_then: str = ""
    band_now: str = ""
    portrait: str | None = None
    # False when either year is incomplete (``records.period_states.PeriodStates``): no
    # difference is computed then.
    comparable: bool = True

    @property
    def difference(self) -> float | None:
        if self.then is None or self.now is None or not self.comparable:
            return None
        return self.now - self.then

    @property
    def rank_difference(self) -> int | None:
        """Places gained (positive: moved up), as the ranking's rank change."""
        if self.rank_then is None or self.rank_now is None or not self.comparable:
            return None
        return self.rank_then - self.rank_now


@dataclass
class YearOnYear:
    framework: Framework
    period: Period
    previous: Period
    node: str
    node_name: str
    measure: str
    rows: list[YoyRow]
    nodes: list[NodeChoice]
    not_comparable: str = ""  # why no difference is computed ("" when they are)


YOY_SORTS = {
    "rank": lambda r: (r.rank_now is None, r.rank_now or 0, r.code),
    "diff": lambda r: (r.difference is None, r.difference or 0.0, r.code),
    "-diff": lambda r: (r.difference is None, -(r.difference or 0.0), r.code),
    "rankdiff": lambda r: (r.rank_difference is None, r.rank_difference or 0, r.code),
    "-rankdiff": lambda r: (r.rank_difference is None, -(r.rank_difference or 0), r.code),
    "unit": lambda r: (r.code,),
}


def year_before(period: Period) -> Period:
    """The same period a year earlier (2025Q3 -> 2024Q3, 2025 -> 2024)."""
    return Period(period.year - 1, period.kind, period.index)


def _period_rows(
    *, user: Any, framework: Framework, period: Period, node: str
) -> list[CompareRow] | None:
    """The period's rows for ``node`` within the scope; None when no version is in force
    or the version has no such node."""
    version = version_in_force(framework=framework, period=period)
    if version is None:
        return None
    indicators = list(ordered_indicators(version))
    if node != TOTAL and node not in {n.code for n in indicators}:
        return None
    snapshots = Snapshot.objects.filter(
        version=version, period=str(period), unit__in=analysis_units(user).values("pk")
    )
    return [
        r
        for r in _snapshot_rows(snapshots, node, indicators, float(version.scale))
        if r.score is not None
    ]


def compare_yoy(
    *, user: Any, framework: Framework, period: Period, node: str, sort: str, total_label: str
) -> YearOnYear:
    """Every unit in scope in the period and the same period a year earlier: value then and
    now, their difference, rank (among the units in scope) and band then and now."""
    results = period_results(user=user, framework=framework, period=period)
    node = node or TOTAL
    if node != TOTAL and node not in results.codes:
        raise NotFound
    previous = year_before(period)
    comparison = PeriodStates(framework).comparison(period=period, previous=previous)
    now_rows = _period_rows(user=user, framework=framework, period=period, node=node) or []
    then_rows = _period_rows(user=user, framework=framework, period=previous, node=node) or []
    measure = _measure(node, (r.maximum for r in [*now_rows, *then_rows]))
    for rows in (now_rows, then_rows):
        for row in rows:
            row.value = _value(measure, row.score, row.maximum)
        rank_rows(rows, measure)
    names = dict(UnitCategory.objects.values_list("code", "name"))
    merged: dict[int, YoyRow] = {}
    for attr, rows in (("then", then_rows), ("now", now_rows)):
        for row in rows:
            item = merged.setdefault(
                row.unit_id,
                YoyRow(
                    row.unit_id,
                    row.code,
                    row.name,
                    names.get(row.category, row.category),
                    comparable=comparison.ok,
                ),
            )
            setattr(item, attr, row.value)
            setattr(item, f"rank_{attr}", row.rank)
            setattr(item, f"band_{attr}", row.band)
    ordered = sorted(merged.values(), key=YOY_SORTS.get(sort, YOY_SORTS["rank"]))
    nodes = node_choices(results.indicators, total_label)
    return YearOnYear(
        framework=framework,
        period=period,
        previous=previous,
        node=node,
        node_name=next(c.name for c in nodes if c.code == node),
        measure=measure,
        rows=ordered,
        nodes=nodes,
        not_comparable=comparison.reason,
    )
