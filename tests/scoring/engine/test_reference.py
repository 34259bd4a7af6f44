"""Cross-check: the vectorised engine against a plain implementation written from the rules.

``reference_score`` loops over units, nodes and records the obvious way and never calls the
engine; on random frameworks and records both must agree on every number, band and rank.
Operations are done in the same order (record order, child order, component order) so that
even non-exact divisions agree to the bit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qingfeng.scoring.engine import Band, Framework, score

from .strategies import Case, cases

TOLERANCE = 1e-9


def _nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


@dataclass
class Ref:
    """What the reference computes, per unit."""

    score: list[dict[int, float]] = field(default_factory=list)  # applicable nodes only
    max: list[dict[int, float]] = field(default_factory=list)
    band: list[dict[int, str]] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    applicable_max: list[float] = field(default_factory=list)
    total: list[float] = field(default_factory=list)
    unit_band: list[str | None] = field(default_factory=list)
    vetoed: list[bool] = field(default_factory=list)
    rank: list[int] = field(default_factory=list)
    category_rank: list[int] = field(default_factory=list)
    counted: list[set[int]] = field(default_factory=list)  # record ids


def applies(framework: Framework, node: int, category: str) -> bool:
    """The node and every ancestor apply to the category."""
    index = {n.code: i for i, n in enumerate(framework.indicators)}
    current: int | None = node
    while current is not None:
        n = framework.indicators[current]
        if n.applies_to and category not in n.applies_to:
            return False
        current = None if n.parent is None else index[n.parent]
    return True


def counts(framework: Framework, category: str, row: dict[str, Any]) -> bool:
    """Whether a record counts: on an applicable leaf and carrying the number its rule reads."""
    node = framework.indicators[row["indicator"]]
    assert node.rule is not None
    if not applies(framework, row["indicator"], category):
        return False
    if node.rule.type == "direct":
        return not _nan(row.get("points"))
    if node.rule.type in ("rate", "survey"):
        return not _nan(row.get("value"))
    return True


def band_of(bands: tuple[Band, ...], ratio: float) -> str:
    for band in sorted(bands, key=lambda b: b.below):
        if ratio < band.below - TOLERANCE:
            return band.level
    return "green"


def leaf_score(max_: float, rule: Any, rows: list[dict[str, Any]]) -> float | None:
    """Score of one leaf from its counted records; None when not assessed."""

    def quantity(row: dict[str, Any]) -> float:
        return 1.0 if _nan(row.get("quantity")) else row["quantity"]

    if rule.type == "deduct":
        total = 0.0
        for row in rows:
            if not _nan(row.get("points")):
                total += row["points"]
            else:
                total += (rule.per or 0.0) * quantity(row)
        if rule.cap is not None:
            total = min(total, rule.cap)
        s = max_ - total
    elif rule.type == "bonus":
        total = 0.0
        for row in rows:
            if not _nan(row.get("points")):
                total += row["points"]
            elif row.get("grade") not in (None, ""):
                total += rule.grades.get(row["grade"], 0.0) * quantity(row)
            else:
                total += (rule.per or 0.0) * quantity(row)
        s = total
    else:
        key = "points" if rule.type == "direct" else "value"
        if not rows:
            return None
        v = 0.0
        for row in rows:
            v += row[key]
        v = v / len(rows)
        if rule.type == "direct":
            s = v
        elif rule.type == "rate":
            s = max_ * min(max((v - rule.zero_at) / (rule.full_at - rule.zero_at), 0.0), 1.0)
        else:
            s = max_ * min(max(v / 100.0, 0.0), 1.0)
    return min(max(s, 0.0), max_)


def reference_score(framework: Framework, categories: list[str], rows: list[dict[str, Any]]) -> Ref:
    """Score every unit with plain loops, straight from docs/scoring.md."""
    nodes = framework.indicators
    children: dict[str, list[int]] = defaultdict(list)
    for i, node in enumerate(nodes):
        if node.parent is not None:
            children[node.parent].append(i)
    ref = Ref()
    for u, category in enumerate(categories):
        mine = [r for r in rows if r["unit"] == u and counts(framework, category, r)]
        ref.counted.append({r["id"] for r in mine})
        scores: dict[int, float] = {}
        maxima: dict[int, float] = {}
        vetoed = False
        for i in reversed(range(len(nodes))):  # children first
            node = nodes[i]
            if node.rule is not None:
                if not applies(framework, i, category):
                    continue
                on_leaf = [r for r in mine if r["indicator"] == i]
                if node.rule.type == "veto":
                    vetoed = vetoed or bool(on_leaf)
                    continue
                s = leaf_score(node.max, node.rule, on_leaf)
                if s is not None:
                    scores[i], maxima[i] = s, node.max
            else:
                s_sum, m_sum, any_child = 0.0, 0.0, False
                for c in children[node.code]:
                    if c in scores:
                        s_sum += scores[c]
                        m_sum += maxima[c]
                        any_child = True
                if any_child:
                    scores[i], maxima[i] = s_sum, m_sum
        bands: dict[int, str] = {}
        for i in scores:
            own = nodes[i].bands
            if own is None:
                own = framework.bands
            bands[i] = "green" if maxima[i] == 0 else band_of(own, scores[i] / maxima[i])
        raw, amax = 0.0, 0.0
        raw_c: dict[str, float] = defaultdict(float)
        max_c: dict[str, float] = defaultdict(float)
        for i, node in enumerate(nodes):
            if node.parent is None and i in scores:
                raw += scores[i]
                amax += maxima[i]
                if framework.components:
                    assert node.component is not None
                    raw_c[node.component] += scores[i]
                    max_c[node.component] += maxima[i]
        if amax == 0:
            total = math.nan
        elif framework.components:
            num, den = 0.0, 0.0
            for comp in framework.components:
                if max_c[comp.code] > 0:
                    num += comp.weight * (100 * raw_c[comp.code] / max_c[comp.code])
                    den += comp.weight
            total = framework.scale / 100 * num / den
        else:
            total = raw * framework.scale / amax
        if vetoed:
            worst = sorted(framework.bands, key=lambda b: b.below)
            unit_band: str | None = worst[0].level if worst else "green"
        elif math.isnan(total):
            unit_band = None
        else:
            unit_band = band_of(framework.bands, total / framework.scale)
        ref.score.append(scores)
        ref.max.append(maxima)
        ref.band.append(bands)
        ref.raw.append(raw)
        ref.applicable_max.append(amax)
        ref.total.append(total)
        ref.unit_band.append(unit_band)
        ref.vetoed.append(vetoed)

    def rank_among(u: int, peers: list[int]) -> int:
        if math.isnan(ref.total[u]):
            return 0
        key = float(np.round(ref.total[u], 2))
        ranked = [v for v in peers if not math.isnan(ref.total[v])]
        clean = [v for v in ranked if not ref.vetoed[v]]
        same_tier = [v for v in ranked if ref.vetoed[v] == ref.vetoed[u]]
        better = sum(1 for v in same_tier if float(np.round(ref.total[v], 2)) > key)
        return (len(clean) if ref.vetoed[u] else 0) + better + 1

    everyone = list(range(len(categories)))
    for u, category in enumerate(categories):
        ref.rank.append(rank_among(u, everyone))
        ref.category_rank.append(rank_among(u, [v for v in everyone if categories[v] == category]))
    return ref


def check_against_reference(case: Case) -> None:
    result = score(case.framework, case.categories, case.records())
    ref = reference_score(case.framework, case.categories, case.rows)
    n_nodes = len(case.framework.indicators)
    for u in range(len(case.categories)):
        for n in range(n_nodes):
            applicable = n in ref.score[u]
            assert bool(result.applicable[u, n]) == applicable, (u, n)
            if applicable:
                assert result.score[u, n] == ref.score[u][n], (u, n)
                assert result.max[u, n] == ref.max[u][n], (u, n)
                assert result.band[u, n] == ref.band[u][n], (u, n)
            else:
                assert math.isnan(result.score[u, n]) and result.max[u, n] == 0, (u, n)
                assert result.band[u, n] is None, (u, n)
        assert result.raw[u] == ref.raw[u]
        assert result.applicable_max[u] == ref.applicable_max[u]
        np.testing.assert_array_equal(result.total[u], ref.total[u])
        assert result.unit_band[u] == ref.unit_band[u]
        assert bool(result.vetoed[u]) == ref.vetoed[u]
        assert set(result.record_id[result.record_unit == u].tolist()) == ref.counted[u]
    assert result.rank.tolist() == ref.rank
    assert result.category_rank.tolist() == ref.category_rank


@settings(max_examples=150, deadline=None)
@given(cases())
def test_it_agrees_with_the_reference_implementation(case: Case) -> None:
    check_against_reference(case)


@settings(max_examples=100, deadline=None)
@given(cases(), st.data())
def test_it_returns_exactly_the_counted_records_behind_a_node(
    case: Case, data: st.DataObject
) -> None:
    result = score(case.framework, case.categories, case.records())
    nodes = case.framework.indicators
    index = {node.code: i for i, node in enumerate(nodes)}

    def under(leaf: int, node: int) -> bool:
        current: int | None = leaf
        while current is not None:
            if current == node:
                return True
            parent = nodes[current].parent
            current = None if parent is None else index[parent]
        return False

    for u, category in enumerate(case.categories):
        for n in range(len(nodes)):
            expected = sorted(
                r["id"]
                for r in case.rows
                if r["unit"] == u
                and counts(case.framework, category, r)
                and under(r["indicator"], n)
            )
            assert sorted(result.records_behind(u, n)) == expected, (u, n)
        vetoes = sorted(
            r["id"]
            for r in case.rows
            if r["unit"] == u
            and counts(case.framework, category, r)
            and getattr(nodes[r["indicator"]].rule, "type", None) == "veto"
        )
        assert sorted(result.unit_vetoed_by(u)) == vetoes
        assert bool(result.vetoed[u]) == bool(vetoes)
    # The explanation arrays are sorted by (unit, leaf).
    keys = list(zip(result.record_unit.tolist(), result.record_leaf.tolist(), strict=True))
    assert keys == sorted(keys)
