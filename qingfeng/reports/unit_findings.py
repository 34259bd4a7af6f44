"""What the unit reports (the diagnosis and the two feedback letters) read off a unit's
portrait, once for all of them: the unit's result and its change since the previous
period, the leaves that lost points with the records that made them, the problem types
behind those records, the level-one score rates then and now, the warnings of the period
and the unit's problems in the ledger.

Every figure comes from ``dashboard.portrait`` (the stored snapshot, its tree, the
records it counted, the warnings) and the ledger's own selectors; nothing here scores,
ranks or bands. The sentences stating facts are made by the rules below from those
figures, in Chinese (the documents are Chinese whatever the user's language): callers run
in Chinese (``kinds.KindSpec.build`` runs every builder in ``DOCUMENT_LANGUAGE``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from qingfeng.dashboard import portrait as selectors
from qingfeng.dashboard.portrait import Portrait, RecordRow, number
from qingfeng.dashboard.problems import type_key, type_label
from qingfeng.framework.models import Indicator
from qingfeng.lib.bands import band_label
from qingfeng.lib.documents import chinese_date
from qingfeng.lib.errors import NotFound
from qingfeng.lib.periods import Period, period_label
from qingfeng.records.period_states import PeriodStates
from qingfeng.rectification.models import Problem
from qingfeng.rectification.selectors import can_see_ledger, visible_problems
from qingfeng.reports.kinds import Subject

# A difference smaller than this is no change (scores are stored to four decimals).
EPSILON = 0.005
# How many leaves a feedback letter names as the main reasons for lost points.
FEEDBACK_LEAVES = 5


def load_portrait(*, subject: Subject, user: Any) -> Portrait:
    """The portrait of the subject's unit as ``user`` sees it: ``NotFound`` (as the
    portrait page answers) when the unit, framework or period is out of the user's
    reach or the unit has no result in the period."""
    if subject.unit is None:
        raise NotFound
    return selectors.portrait_load(
        user=user, code=subject.framework.code, period=subject.period, unit_pk=subject.unit.pk
    )


def unit_title_name(portrait: Portrait) -> str:
    """The unit's name as a title says it: a county unit called "县教育局" within
    "黎城县" becomes "黎城县教育局" (the region's name takes the place of its level's
    first character); any other name stays as written."""
    name, region = portrait.unit.name, portrait.unit.region.name
    if region and name.startswith(region):
        return name
    if region and name[:1] == region[-1:]:
        return region + name[1:]
    return name


# ---------------------------------------------------------------- the result and its change


@dataclass
class Result:
    """The unit's stored result in the period, with the previous period's for the
    change, and the sentences saying them."""

    total: float | None
    scale: float
    rank: int | None
    category_rank: int | None
    band: str
    vetoed: bool
    facts: list[str] = field(default_factory=list)


def quoted(name: str) -> str:
    """A name in quotation marks, unless it holds some already (“三会一课”制度…)."""
    return name if "“" in name else f"“{name}”"


def _change_words(delta: float, unit_word: str) -> str:
    if abs(delta) < EPSILON:
        return "持平"
    return f"{'上升' if delta > 0 else '下降'}{number(abs(delta))}{unit_word}"


def result(*, portrait: Portrait, states: PeriodStates) -> Result:
    """The unit's total, rank and band in the period and the facts about them: the
    result; the change since the previous period of the same kind (total, rank as the
    snapshot stores its change, band) when both periods may be compared, else why not;
    and whether the period is still open or its data incomplete."""
    snapshot = portrait.snapshot
    scale = float(portrait.version.scale)
    found = Result(
        total=snapshot.total,
        scale=scale,
        rank=snapshot.rank,
        category_rank=snapshot.category_rank,
        band=snapshot.band,
        vetoed=snapshot.vetoed,
    )
    period = period_label(portrait.period)
    if snapshot.total is None:
        found.facts.append(f"本期{period}该单位没有可评估的指标，未计算总分和排名。")
    else:
        text = f"{period}得{number(snapshot.total)}分（满分{number(scale)}分）"
        if snapshot.rank is not None:
            text += f"，总排名第{snapshot.rank}位"
        if snapshot.category_rank is not None:
            text += f"，在同类单位中排第{snapshot.category_rank}位"
        if snapshot.vetoed:
            text += "，因存在一票否决情形"
        if snapshot.band:
            text += f"，处于{band_label(snapshot.band)}区间"
        found.facts.append(text + "。")
    state = states.state(portrait.period)
    if state.open:
        found.facts.append(f"{period}仍在采集中，数据不完整，以上结果不是最终结果。")
    elif not state.complete:
        found.facts.append(f"{period}的数据未覆盖全期，数据不完整，以上结果仅供参考。")
    change = change_sentence(portrait=portrait, states=states)
    if change:
        found.facts.append(change)
    return found


def _previous_row(portrait: Portrait) -> selectors.HistoryRow | None:
    previous = str(portrait.period.previous())
    return next((row for row in portrait.history if row.period == previous), None)


def change_sentence(*, portrait: Portrait, states: PeriodStates) -> str:
    """ "与上期（2025年下半年）相比，总分下降13.13分，排名下降17名，由蓝色转为黄色。";
    why there is no comparison when the previous period has no result or may not be
    compared (``PeriodStates.comparison``)."""
    previous = portrait.period.previous()
    label = period_label(previous)
    row = _previous_row(portrait)
    if row is None:
        return f"上期（{label}）该单位没有评估结果，无从比较。"
    comparison = states.comparison(period=portrait.period, previous=previous)
    if not comparison.ok:
        if not states.state(portrait.period).complete:
            # The sentence before says why: this period is open or incomplete.
            return f"本期结果暂不与上期（{label}）比较。"
        return f"{comparison.short}，本期结果不与上期（{label}）比较。"
    snapshot = portrait.snapshot
    parts = []
    if snapshot.total is not None and row.total is not None:
        parts.append("总分" + _change_words(snapshot.total - row.total, "分"))
    if snapshot.rank_change is not None:
        # The stored change: positive when the unit moved up (a smaller rank).
        parts.append("排名" + _change_words(float(snapshot.rank_change), "名"))
    if snapshot.band and row.band:
        if snapshot.band == row.band:
            parts.append(f"仍为{band_label(snapshot.band)}")
        else:
            parts.append(f"由{band_label(row.band)}转为{band_label(snapshot.band)}")
    if not parts:
        return ""
    return f"与上期（{label}）相比，" + "，".join(parts) + "。"


# ---------------------------------------------------------------- points lost


@dataclass
class RecordLine:
    """One record that counted on a leaf, as a document lists it."""

    date: str
    source: str
    problem_type: str
    note: str
    effect: str
    # The points the record deducted (0 when it deducted none: a rate, a survey …).
    deducted: float
    type_key: str
    # The record is a one-vote veto.
    vetoing: bool = False


def record_line(row: RecordRow) -> RecordLine:
    """A counted record in words: its date, the station that reported it, its problem
    type, its note and what it did to its leaf (``Effect.text``)."""
    record = row.record
    delta = row.effect.delta
    return RecordLine(
        date=chinese_date(record.date),
        source=record.station.name if record.station else "",
        problem_type=type_label(record.problem_type) if record.problem_type else "",
        note=record.note,
        effect=row.effect.text,
        deducted=-delta if delta is not None and delta < 0 else 0.0,
        type_key=type_key(record.problem_type),
        vetoing=row.effect.veto,
    )


@dataclass
class LostLeaf:
    """A leaf of the tree that lost points in the period: its stored score and
    applicable max, the points lost (max − score), its level-one group, and the records
    that counted on it. A veto leaf whose records vetoed the unit carries no points
    (``score`` and ``max`` None, ``vetoed``)."""

    node: Indicator
    group: Indicator
    score: float | None
    max: float | None
    band: str
    records: list[RecordLine]
    vetoed: bool = False

    @property
    def lost(self) -> float:
        if self.score is None or self.max is None:
            return 0.0
        return self.max - self.score

    @property
    def deducting(self) -> bool:
        """Its points were taken by deductions (a deduct rule) or it vetoed the unit,
        not a value short of full marks (a rate, a survey, a direct score)."""
        return self.vetoed or self.node.rule_type == "deduct"


def lost_leaves(*, portrait: Portrait, limit: int | None = None) -> list[LostLeaf]:
    """The veto leaves with a counted record (the unit was vetoed by them) first, then
    the leaves whose stored score is below their applicable max, most points lost first
    (tree order among equals); at most ``limit``, each with the records that counted on
    it (``dashboard.portrait.counted_records``). A bonus leaf is not among them: an award
    not won deducts nothing (it never warns either)."""
    by_pk = {node.pk: node for node in portrait.indicators}
    found: list[tuple[float, int, selectors.TreeRow]] = []
    for at, row in enumerate(selectors.tree_rows(portrait=portrait)):
        if not row.is_leaf:
            continue
        if row.node.rule_type == "veto":
            if row.moved == "veto":
                found.append((math.inf, at, row))
            continue
        if row.score is None or row.max is None:
            continue
        if row.node.rule_type == "bonus" or row.max - row.score < EPSILON:
            continue
        found.append((row.max - row.score, at, row))
    found.sort(key=lambda item: (-item[0], item[1]))
    chosen = [row for _lost, _at, row in found[:limit]]
    records: dict[str, list[RecordLine]] = defaultdict(list)
    if chosen:
        for record in selectors.counted_records(
            portrait=portrait, leaves=[row.node for row in chosen]
        ):
            records[record.leaf.code].append(record_line(record))
    leaves = []
    for row in chosen:
        group = row.node
        while group.parent_id is not None:
            group = by_pk[group.parent_id]
        veto = row.node.rule_type == "veto"
        leaves.append(
            LostLeaf(
                node=row.node,
                group=group,
                score=None if veto else row.score,
                max=None if veto else row.max,
                band=row.band or "",
                records=records.get(row.node.code, []),
                vetoed=veto,
            )
        )
    return leaves


def lost_sentence(leaves: list[LostLeaf], *, shown: int | None = None) -> str:
    """How many leaves lost points and how many points, and which lost the most."""
    vetoes = [leaf for leaf in leaves if leaf.vetoed]
    points = [leaf for leaf in leaves if not leaf.vetoed]
    parts = []
    if vetoes:
        names = "、".join(quoted(leaf.node.name) for leaf in vetoes)
        parts.append(f"本期因{names}被一票否决")
    if points:
        total = sum(leaf.lost for leaf in points)
        top = points[0]
        parts.append(
            f"{'另' if vetoes else '本期共'}有{len(points)}项指标失分，合计失{number(total)}分，"
            f"其中{quoted(top.node.name)}失分最多（失{number(top.lost)}分）"
        )
    if not parts:
        return "本期各项指标均未失分。"
    text = "；".join(parts)
    if shown is not None and shown < len(leaves):
        text += f"。以下列出失分最多的{shown}项"
    return text + "。"


# ---------------------------------------------------------------- causes


@dataclass
class Cause:
    """A problem type behind the deductions: how many records of it deducted points,
    how many points, on which leaves."""

    label: str
    records: int
    points: float
    leaves: list[str]


def causes(leaves: list[LostLeaf]) -> list[Cause]:
    """The problem types of the records that deducted points or vetoed on ``leaves`` (a
    record without a type is "未分类"), the most records first, then the most points."""
    found: dict[str, Cause] = {}
    for leaf in leaves:
        for line in leaf.records:
            if line.deducted <= 0 and not line.vetoing:
                continue
            cause = found.setdefault(line.type_key, Cause(type_label(line.type_key), 0, 0.0, []))
            cause.records += 1
            cause.points += line.deducted
            if leaf.node.name not in cause.leaves:
                cause.leaves.append(leaf.node.name)
    return sorted(found.values(), key=lambda c: (-c.records, -c.points, c.label))


def causes_sentence(leaves: list[LostLeaf], found: list[Cause]) -> str:
    """The causes in words: the problem types of the deductions, and the leaves whose
    points were lost to a value short of full marks (no deduction)."""
    parts = []
    if found:
        named = "、".join(f"{c.label}（{c.records}条）" for c in found[:3])
        parts.append(f"扣分记录涉及{len(found)}类问题，主要为{named}")
    valued = [leaf.node.name for leaf in leaves if not leaf.deducting]
    if valued:
        names = "、".join(quoted(name) for name in valued[:3])
        more = f"等{len(valued)}项" if len(valued) > 3 else ""
        parts.append(f"{names}{more}指标按测评值、比率或评分计分，未得满分")
    if not parts:
        return "本期没有扣分记录。"
    return "；".join(parts) + "。"


# ---------------------------------------------------------------- level-one changes


@dataclass
class GroupChange:
    """A level-one indicator's score rate (0–1) now and in the previous period."""

    name: str
    current: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


def previous_portrait(*, portrait: Portrait, user: Any) -> Portrait | None:
    """The unit's portrait in the previous period of the same kind, None when it has
    no result then."""
    try:
        return selectors.portrait_load(
            user=user,
            code=portrait.framework.code,
            period=portrait.period.previous(),
            unit_pk=portrait.unit.pk,
        )
    except NotFound:
        return None


def group_changes(*, portrait: Portrait, previous: Portrait | None) -> list[GroupChange]:
    """Each radar node's score rate (``level_one_ratios``) now and, by code, in the
    previous period's portrait."""
    before: dict[str, float | None] = {}
    if previous is not None:
        codes = [node.code for node in selectors.radar_nodes(portrait=previous)]
        before = dict(zip(codes, selectors.level_one_ratios(portrait=previous), strict=True))
    nodes = selectors.radar_nodes(portrait=portrait)
    ratios = selectors.level_one_ratios(portrait=portrait)
    return [
        GroupChange(node.name, ratio, before.get(node.code))
        for node, ratio in zip(nodes, ratios, strict=True)
    ]


def percent(ratio: float | None) -> str:
    """A score rate as a document writes it (89.8%); "未评估" when not assessed."""
    return "未评估" if ratio is None else f"{ratio * 100:.1f}%"


# A change of score rate smaller than this (0.05 percentage points) is none.
RATE_EPSILON = 0.0005


def _by_delta(change: GroupChange) -> float:
    return change.delta or 0.0


def changes_sentence(changes: list[GroupChange], *, previous: Period, comparable: bool) -> str:
    """How many level-one score rates went up, down or stayed since the previous
    period, and which fell and rose the most."""
    label = period_label(previous)
    if not comparable:
        return f"本期结果不与上期（{label}）比较。"
    if all(c.previous is None for c in changes):
        return f"上期（{label}）该单位没有评估结果，无从比较。"
    moved = [c for c in changes if c.delta is not None]
    if not moved:
        return f"上期（{label}）没有可比的一级指标得分率。"
    ups = sorted((c for c in moved if (c.delta or 0) >= RATE_EPSILON), key=_by_delta)
    downs = sorted((c for c in moved if (c.delta or 0) <= -RATE_EPSILON), key=_by_delta)
    counts = []
    if ups:
        counts.append(f"上升{len(ups)}项")
    if downs:
        counts.append(f"下降{len(downs)}项")
    if len(moved) - len(ups) - len(downs):
        counts.append(f"持平{len(moved) - len(ups) - len(downs)}项")
    parts = ["一级指标得分率" + "、".join(counts)]
    if downs:
        worst = downs[0]
        parts.append(
            f"下降最多的是{worst.name}（{percent(worst.previous)}→{percent(worst.current)}）"
        )
    if ups:
        best = ups[-1]
        parts.append(f"上升最多的是{best.name}（{percent(best.previous)}→{percent(best.current)}）")
    return f"与上期（{label}）相比，" + "；".join(parts) + "。"


# ---------------------------------------------------------------- warnings and the ledger


def period_warnings(*, portrait: Portrait) -> list[selectors.WarningRow]:
    """The unit's own warnings of the portrait's period (``unit_warnings``: the register
    for a registered period, the snapshot otherwise): the total first, then level one."""
    period = str(portrait.period)
    return [w for w in selectors.unit_warnings(portrait=portrait) if w.period == period]


def warnings_sentence(warnings: list[selectors.WarningRow]) -> str:
    """How many warnings the unit has in the period, and of which bands."""
    if not warnings:
        return "本期该单位没有预警。"
    by_band: dict[str, int] = defaultdict(int)
    for warning in warnings:
        by_band[band_label(warning.band) or "一票否决"] += 1
    bands = "、".join(f"{band}{count}项" for band, count in by_band.items())
    return f"本期该单位共有预警{len(warnings)}项（{bands}）。"


def period_problems(*, portrait: Portrait, user: Any) -> list[Problem] | None:
    """The unit's problems in the ledger (as far as ``user`` sees it) found in the
    period or still open during it: entered on or before its last day and not closed
    before its first; None when the user sees no ledger."""
    if not can_see_ledger(user):
        return None
    period = portrait.period
    return list(
        visible_problems(user)
        .filter(unit=portrait.unit, created_at__date__lte=period.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
        .order_by("created_at", "pk")
    )


# ---------------------------------------------------------------- context parts


def result_context(found: Result) -> dict[str, Any]:
    """The result's keys of a unit report: ``total``, ``scale``, ``rank``,
    ``category_rank``, ``band`` (in words; "—" where there is none) and ``facts``."""
    return {
        "total": number(found.total) if found.total is not None else "—",
        "scale": number(found.scale),
        "rank": str(found.rank) if found.rank is not None else "—",
        "category_rank": str(found.category_rank) if found.category_rank is not None else "—",
        "band": band_label(found.band) or "—",
        "facts": found.facts,
    }


def lost_context(leaves: list[LostLeaf]) -> list[dict[str, Any]]:
    """The leaves that lost points as a unit report lists them, each with its records
    (a veto leaf: "—" for its points, "一票否决" for what it lost, ``vetoed``)."""
    return [
        {
            "name": leaf.node.name,
            "group": leaf.group.name,
            "max": number(leaf.max) if leaf.max is not None else "—",
            "score": number(leaf.score) if leaf.score is not None else "—",
            "lost": "一票否决" if leaf.vetoed else number(leaf.lost),
            "vetoed": leaf.vetoed,
            "records": [
                {
                    "date": line.date,
                    "source": line.source,
                    "problem_type": line.problem_type,
                    "note": line.note,
                    "effect": line.effect,
                }
                for line in leaf.records
            ],
        }
        for leaf in leaves
    ]


def warnings_context(warnings: list[selectors.WarningRow]) -> list[dict[str, Any]]:
    """The period's warnings as a unit report lists them: the indicator ("总分" for
    the total), its score and max, the band in words (and the veto)."""
    rows = []
    for warning in warnings:
        band = band_label(warning.band)
        if warning.vetoed:
            band = f"{band}（一票否决）" if band else "一票否决"
        rows.append(
            {
                "indicator": warning.name if warning.code else "总分",
                "score": number(warning.score) if warning.score is not None else "—",
                "max": number(warning.max) if warning.max is not None else "—",
                "band": band,
            }
        )
    return rows
