"""Reads of the unit portrait (树木): one unit's result in one period, its indicator tree,
the records behind each node, its history over the periods, its warnings, and its
leadership team.

Access follows ``dashboard.access``: the portrait is open to whoever sees the unit
(``VIEW_ORG``); the mean on the radar is taken over the units the viewer may analyse, and is
absent for a viewer who analyses nothing (a unit's liaison).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Avg, Case, F, FloatField, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.dashboard.access import period_results, portrait_framework
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.framework.selectors import (
    IN_FORCE_STATUSES,
    in_force_among,
    ordered_indicators,
    visible_frameworks,
)
from qingfeng.lib.errors import NotFound, get_or_not_found
from qingfeng.lib.periods import Period, latest_ended, period_label, period_sort_key
from qingfeng.monitoring import selectors as register
from qingfeng.monitoring.policy import policy_for
from qingfeng.monitoring.selectors_sync import registered_in
from qingfeng.org.models import Post, PostRole, Unit
from qingfeng.records.models import Record
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.selectors import completeness_percent, level_one_value, unreported_codes

MINUS = "\u2212"
# Bands that are not a warning.
CALM = {"", "green"}


def number(value: float | None) -> str:
    """A score as people write it: up to two decimals, no trailing zeros."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed(value: float) -> str:
    """A movement of points with its sign (+6, −10, 0)."""
    if abs(value) < 0.005:
        return "0"
    return f"+{number(value)}" if value > 0 else f"{MINUS}{number(-value)}"


@dataclass
class Portrait:
    """One unit's stored result for one period, with what the page needs around it.

    ``analysed`` is the period's snapshots of the units the viewer may analyse (the base
    of the radar's mean); ``can_compare`` says whether the viewer analyses at all."""

    framework: Framework
    period: Period
    version: FrameworkVersion
    indicators: list[Indicator]
    unit: Unit
    snapshot: Snapshot
    analysed: QuerySet[Snapshot]
    can_compare: bool

    @cached_property
    def codes(self) -> list[str]:
        return [node.code for node in self.indicators]

    @cached_property
    def results(self) -> dict[str, tuple[float, float, str]]:
        return self.snapshot.node_results(self.codes)

    @cached_property
    def unreported(self) -> set[str]:
        """The codes of the leaves no data station reported on for the unit."""
        return set(unreported_codes(nodes=self.snapshot.nodes, codes=self.codes))

    @property
    def completeness_percent(self) -> int | None:
        """The unit's data completeness in whole per cent (None: nothing owed)."""
        return completeness_percent(self.snapshot.completeness)

    @cached_property
    def by_code(self) -> dict[str, Indicator]:
        return {node.code: node for node in self.indicators}

    @cached_property
    def children(self) -> dict[int | None, list[Indicator]]:
        found: dict[int | None, list[Indicator]] = defaultdict(list)
        for node in self.indicators:
            found[node.parent_id].append(node)
        return found

    @property
    def level_one(self) -> list[Indicator]:
        return self.children.get(None, [])

    def leaves_under(self, node: Indicator) -> list[Indicator]:
        """The leaves of ``node``'s subtree (``node`` itself when it is a leaf)."""
        kids = self.children.get(node.pk)
        if not kids:
            return [node]
        return [leaf for kid in kids for leaf in self.leaves_under(kid)]

    @cached_property
    def history(self) -> list[HistoryRow]:
        return unit_history(framework=self.framework, unit=self.unit)


def portrait_load(*, user: Any, code: str, period: Period, unit_pk: int) -> Portrait:
    """The portrait of a unit the user sees, for a framework the user sees; 404 when the
    framework, the period, the unit or its snapshot is out of reach."""
    framework = portrait_framework(user, code)
    unit = get_or_not_found(
        scope.visible_units(user).select_related("category", "region"), pk=unit_pk
    )
    found = period_results(user=user, framework=framework, period=period)
    snapshot = get_or_not_found(
        Snapshot.objects.filter(version=found.version, period=str(period)), unit=unit
    )
    return Portrait(
        framework=framework,
        period=period,
        version=found.version,
        indicators=found.indicators,
        unit=unit,
        snapshot=snapshot,
        analysed=found.snapshots,
        can_compare=scope.has_capability(user, Capability.VIEW_ANALYSIS),
    )


# ---------------------------------------------------------------- the indicator tree


@dataclass
class TreeRow:
    node: Indicator
    depth: int
    is_leaf: bool
    score: float | None
    max: float | None
    band: str | None
    records: int
    moved: str
    focused: bool
    focus_path: bool
    # The leaf is unreported (未报送); for a group, how many of its leaves are.
    unreported: bool = False
    unreported_below: int = 0


def counted_by_leaf(*, snapshot: Snapshot) -> dict[str, int]:
    """How many counted records (``snapshot.record_ids``) each leaf code has."""
    counts: dict[str, int] = defaultdict(int)
    rows = Record.objects.filter(pk__in=snapshot.record_ids or [], unit_id=snapshot.unit_id)
    for code in rows.values_list("indicator_code", flat=True):
        counts[code] += 1
    return counts


def _moved(node: Indicator, score: float | None, maximum: float | None, count: int) -> str:
    """What a leaf's records did to it, in points (−10, +6), the veto, or ''."""
    kind = node.rule_type
    if kind == "veto":
        return "veto" if count else ""
    if not count or score is None:
        return ""
    if kind == "deduct" and maximum is not None:
        return signed(score - maximum)
    if kind == "bonus":
        return signed(score)
    return number(score)


def tree_rows(*, portrait: Portrait, focus: str = "") -> list[TreeRow]:
    """Every node in tree order with its stored score, applicable max and band, and the
    number of counted records in its subtree; ``focus`` marks a node and its ancestors."""
    counts = counted_by_leaf(snapshot=portrait.snapshot)
    by_pk = {node.pk: node for node in portrait.indicators}
    on_path: set[int] = set()
    target = portrait.by_code.get(focus)
    while target is not None:
        on_path.add(target.pk)
        target = by_pk.get(target.parent_id) if target.parent_id else None
    depth: dict[int, int] = {}
    rows = []
    for node in portrait.indicators:
        depth[node.pk] = depth[node.parent_id] + 1 if node.parent_id else 0
        is_leaf = not portrait.children.get(node.pk)
        stored = portrait.results.get(node.code)
        score, maximum, band = stored if stored else (None, None, None)
        under = portrait.leaves_under(node)
        count = sum(counts.get(leaf.code, 0) for leaf in under)
        missing = sum(1 for leaf in under if leaf.code in portrait.unreported)
        rows.append(
            TreeRow(
                node=node,
                depth=depth[node.pk],
                is_leaf=is_leaf,
                score=score,
                max=maximum,
                band=band,
                records=count,
                moved=_moved(node, score, maximum, count) if is_leaf else "",
                focused=node.code == focus,
                focus_path=node.pk in on_path,
                unreported=is_leaf and node.code in portrait.unreported,
                unreported_below=missing,
            )
        )
    return rows


# ---------------------------------------------------------------- records behind a node


@dataclass
class Effect:
    """What one record did to its leaf: a movement of points, the value that counted
    (direct, rate, survey), or the veto."""

    delta: float | None = None
    value: float | None = None
    veto: bool = False

    @property
    def text(self) -> str:
        if self.veto:
            return str(_("one-vote veto"))
        if self.delta is not None:
            return signed(self.delta)
        return number(self.value)


def record_effect(record: Record, rule: dict[str, Any] | None) -> Effect:
    """A record's effect under its leaf's rule, as the engine counts it (docs/design.md)."""
    rule = rule or {}
    kind = rule.get("type")
    quantity = record.quantity if record.quantity is not None else 1.0
    per = float(rule.get("per") or 0)
    if kind == "deduct":
        amount = record.points if record.points is not None else per * quantity
        return Effect(delta=-amount)
    if kind == "bonus":
        if record.points is not None:
            return Effect(delta=record.points)
        if record.grade:
            grades = rule.get("grades") or {}
            return Effect(delta=float(grades.get(record.grade, 0)) * quantity)
        return Effect(delta=per * quantity)
    if kind == "direct":
        return Effect(value=record.points)
    if kind in ("rate", "survey"):
        return Effect(value=record.value)
    if kind == "veto":
        return Effect(veto=True)
    return Effect()


@dataclass
class RecordRow:
    record: Record
    leaf: Indicator
    effect: Effect
    evidence: list[Any] = field(default_factory=list)


def node_records(*, portrait: Portrait, code: str) -> tuple[Indicator, list[RecordRow]]:
    """The node (404 when the version has no such code) and the records that counted for
    the unit under it (``snapshot.record_ids`` only), newest first."""
    node = portrait.by_code.get(code)
    if node is None:
        raise NotFound
    return node, counted_records(portrait=portrait, leaves=portrait.leaves_under(node))


def counted_records(
    *, portrait: Portrait, leaves: list[Indicator] | None = None
) -> list[RecordRow]:
    """The unit's records that counted in the period (``snapshot.record_ids``) on
    ``leaves`` (every leaf when None), newest first, each with its effect and evidence."""
    if leaves is None:
        leaves = [node for node in portrait.indicators if not portrait.children.get(node.pk)]
    by_code = {leaf.code: leaf for leaf in leaves}
    records = (
        Record.objects.filter(
            pk__in=portrait.snapshot.record_ids or [],
            unit_id=portrait.unit.pk,
            indicator_code__in=list(by_code),
        )
        .select_related("station")
        .prefetch_related("evidence")
        .order_by("-date", "pk")
    )
    rows = []
    for record in records:
        leaf = by_code[record.indicator_code]
        rows.append(
            RecordRow(
                record=record,
                leaf=leaf,
                effect=record_effect(record, leaf.rule),
                evidence=list(record.evidence.all()),
            )
        )
    return rows


# ---------------------------------------------------------------- radar


def level_one_ratios(*, portrait: Portrait) -> list[float | None]:
    """The unit's score / applicable max for each radar node (None where not assessed)."""
    ratios: list[float | None] = []
    for node in radar_nodes(portrait=portrait):
        stored = portrait.results.get(node.code)
        if stored is None or not stored[1]:
            ratios.append(None)
        else:
            ratios.append(round(stored[0] / stored[1], 4))
    return ratios


def radar_nodes(*, portrait: Portrait) -> list[Indicator]:
    """Level-1 nodes that carry points (a veto-only group has none)."""
    return [node for node in portrait.level_one if node.max > 0]


def mean_ratios(*, portrait: Portrait) -> list[float | None] | None:
    """For each radar node, the mean ratio over the period's units the viewer may analyse
    to which the node applies and was assessed, in one SQL aggregate; None for a viewer
    with no analysis capability."""
    if not portrait.can_compare:
        return None
    nodes = radar_nodes(portrait=portrait)
    if not nodes:
        return []
    index = {code: i for i, code in enumerate(portrait.codes)}
    position = {node.code: k for k, node in enumerate(portrait.level_one)}
    annotations: dict[str, Case] = {}
    means: dict[str, Avg] = {}
    for n, node in enumerate(nodes):
        # From the snapshot's small level-1 lists (its index there is its place among the
        # level-1 nodes), not from ``nodes``: a province's look-ups into every node's
        # figures were most of the radar's time.
        at, place = index[node.code], position[node.code]
        annotations[f"s{n}"] = level_one_value("score", at, place)
        annotations[f"x{n}"] = level_one_value("max", at, place)
        assessed = Q(**{f"s{n}__isnull": False, f"x{n}__gt": 0})
        means[f"m{n}"] = Avg(
            Case(When(assessed, then=F(f"s{n}") / F(f"x{n}")), output_field=FloatField())
        )
    found = portrait.analysed.order_by().annotate(**annotations).aggregate(**means)
    return [
        None if found[f"m{n}"] is None else round(float(found[f"m{n}"]), 4)
        for n in range(len(nodes))
    ]


def radar(*, portrait: Portrait) -> dict[str, Any]:
    """The radar's data: level-1 nodes, the unit's ratios and the viewer's mean."""
    return {
        "indicators": [
            {"code": node.code, "name": node.name, "max": 1}
            for node in radar_nodes(portrait=portrait)
        ],
        "unit": level_one_ratios(portrait=portrait),
        "mean": mean_ratios(portrait=portrait),
    }


# ---------------------------------------------------------------- history, trend, warnings


@dataclass
class HistoryRow:
    period: str
    version_id: int
    total: float | None
    rank: int | None
    band: str
    vetoed: bool
    nodes: dict[str, Any]


def unit_history(*, framework: Framework, unit: Unit) -> list[HistoryRow]:
    """The unit's stored results in every scored period of the framework (one per period:
    the snapshot of the version in force for it), oldest first."""
    versions = list(
        framework.versions.filter(status__in=IN_FORCE_STATUSES).only(
            "pk", "year", "number", "scale"
        )
    )
    rows = Snapshot.objects.filter(unit=unit, version__framework=framework).values_list(
        "period", "version_id", "total", "rank", "band", "vetoed", "nodes"
    )
    found = []
    for period, version_id, total, rank, band, vetoed, nodes in rows:
        in_force = in_force_among(versions, Period.parse(period).year)
        if in_force is None or version_id != in_force.pk:
            continue
        found.append(HistoryRow(period, version_id, total, rank, band, vetoed, nodes or {}))
    found.sort(key=lambda row: (Period.parse(row.period).end, -len(row.period)))
    return found


def unit_periods(*, portrait: Portrait) -> list[str]:
    """The framework's scored periods in which the unit has a result, ordered as
    ``scoring.selectors.scored_periods`` orders them (newest end first, the shorter first
    among periods ending together); read from the unit's own snapshots, not a scan of the
    whole framework's."""
    mine = {row.period for row in portrait.history}
    return sorted(mine, key=period_sort_key)


def trend(*, portrait: Portrait) -> list[dict[str, Any]]:
    """Total, rank and band over all scored periods of the same length as the portrait's
    (quarters with quarters …), oldest first."""
    kind = portrait.period.kind
    return [
        {
            "period": row.period,
            "label": period_label(row.period),  # the chart's axis: the period in words
            "total": row.total,
            "rank": row.rank,
            "band": row.band or None,
        }
        for row in portrait.history
        if Period.parse(row.period).kind == kind
    ]


@dataclass
class WarningRow:
    period: str
    code: str  # "" for the total
    name: str
    score: float | None
    max: float | None
    band: str
    vetoed: bool = False
    # The stored warning (``monitoring``), None for a period the register does not hold.
    warning_pk: int | None = None


def _snapshot_warnings(
    row: Any, version: FrameworkVersion, tree: list[Indicator]
) -> list[WarningRow]:
    """A period's warnings read off the unit's snapshot (a period the register does not
    hold: still open, or not of the kind the policy names)."""
    found = []
    if row.band not in CALM or row.vetoed:
        found.append(
            WarningRow(row.period, "", "", row.total, float(version.scale), row.band, row.vetoed)
        )
    scores = row.nodes.get("score", [])
    maxima = row.nodes.get("max", [])
    bands = row.nodes.get("band", [])
    for i, node in enumerate(tree):
        if node.parent_id is not None or i >= len(bands):
            continue
        if bands[i] and bands[i] not in CALM:
            found.append(
                WarningRow(row.period, node.code, node.name, scores[i], maxima[i], bands[i])
            )
    return found


def unit_warnings(*, portrait: Portrait) -> list[WarningRow]:
    """Across every scored period of the framework, newest first: the total when its band
    was not green or the unit was vetoed, and the level-1 nodes in a warning band. The
    periods the warning register holds (ended, of the kind the version's policy names)
    are read from the register (``monitoring.selectors.unit_warnings``), the others off
    the snapshots, by the same rule."""
    history = portrait.history
    version_ids = {row.version_id for row in history}
    versions = {v.pk: v for v in FrameworkVersion.objects.filter(pk__in=version_ids)}
    trees = {
        pk: (portrait.indicators if pk == portrait.version.pk else ordered_indicators(version))
        for pk, version in versions.items()
    }
    policies = {pk: policy_for(version) for pk, version in versions.items()}
    today = timezone.localdate()
    stored: dict[str, list[Any]] = defaultdict(list)
    for warning in register.unit_warnings(framework=portrait.framework, unit_id=portrait.unit.pk):
        stored[warning.period].append(warning)
    found: list[WarningRow] = []
    for row in reversed(history):
        version = versions[row.version_id]
        period = Period.parse(row.period)
        if not registered_in(policy=policies[row.version_id], period=period, today=today):
            found.extend(_snapshot_warnings(row, version, trees[row.version_id]))
            continue
        position = {node.code: i for i, node in enumerate(trees[row.version_id])}
        for w in sorted(
            stored[row.period], key=lambda w: (w.node_code != "", position.get(w.node_code, 0))
        ):
            found.append(
                WarningRow(
                    w.period,
                    w.node_code,
                    w.node_name,
                    w.score,
                    w.max,
                    w.band,
                    w.kind == "veto",
                    w.pk,
                )
            )
    return found


# ---------------------------------------------------------------- leadership team


@dataclass
class Leader:
    post: Post
    age: int | None
    past: list[Post]


def leadership(*, user: Any, unit: Unit) -> tuple[list[Leader], list[Post]]:
    """The unit's current team, principal first then members (by start), each with their
    other posts in units the user sees (newest first); and the team's former posts."""
    posts = list(
        Post.objects.filter(unit=unit).select_related("person").order_by("-role", "start", "pk")
    )
    current = [p for p in posts if p.end is None]
    current.sort(key=lambda p: (p.role != PostRole.PRINCIPAL, p.start or datetime.date.min))
    people = [p.person_id for p in current]
    others: dict[int, list[Post]] = defaultdict(list)
    visible = scope.visible_units(user).values("pk")
    history = (
        Post.objects.filter(person_id__in=people, unit__in=visible)
        .select_related("unit")
        .order_by("-start", "-pk")
    )
    current_ids = {p.pk for p in current}
    for post in history:
        if post.pk not in current_ids:
            others[post.person_id].append(post)
    year = timezone.localdate().year
    leaders = [
        Leader(
            post=post,
            age=(year - post.person.birth_year) if post.person.birth_year else None,
            past=others.get(post.person_id, []),
        )
        for post in current
    ]
    former = sorted(
        (p for p in posts if p.end is not None),
        key=lambda p: p.end or datetime.date.min,
        reverse=True,
    )
    return leaders, former


# ---------------------------------------------------------------- links from other pages


def unit_portraits(*, user: Any, unit: Unit) -> list[tuple[Framework, str]]:
    """For each framework the user sees that has scored the unit, the latest period in
    which the unit has a result (the latest ended one when there is one), by code."""
    frameworks = visible_frameworks(user)
    rows = (
        Snapshot.objects.filter(unit=unit, version__framework__in=frameworks.values("pk"))
        .values_list("version__framework_id", "period")
        .order_by()
        .distinct()
    )
    periods: dict[int, set[str]] = defaultdict(set)
    for framework_id, period in rows:
        periods[framework_id].add(period)
    today = timezone.localdate()
    found = []
    for framework in Framework.objects.filter(pk__in=list(periods)).order_by("code"):
        latest = latest_ended(periods[framework.pk], today=today)
        if latest is not None:
            found.append((framework, latest))
    return found
