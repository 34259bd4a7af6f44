"""Invariants of the engine on random small frameworks and records (hypothesis)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qingfeng.scoring.engine import Records, Result, score

from .strategies import Case, cases

EPS = 1e-9


def run(case: Case, rows: list[dict[str, Any]] | None = None) -> Result:
    rows = case.rows if rows is None else rows
    records = Records.from_rows(rows) if rows else Records.empty()
    return score(case.framework, case.categories, records)


def ranked_clean(result: Result) -> np.ndarray:
    return np.flatnonzero((result.rank > 0) & ~result.vetoed)


@settings(max_examples=200, deadline=None)
@given(cases())
def test_it_keeps_every_score_within_its_applicable_max(case: Case) -> None:
    result = run(case)
    app = result.applicable
    assert np.all(result.score[app] >= 0)
    assert np.all(result.score[app] <= result.max[app] + EPS)
    assert np.all(np.isnan(result.score[~app])) and np.all(result.max[~app] == 0)
    assessed = result.applicable_max > 0
    scale = case.framework.scale
    assert np.all((result.total[assessed] >= 0) & (result.total[assessed] <= scale + EPS))
    assert np.all(np.isnan(result.total[~assessed]))
    assert np.all(result.rank[~assessed] == 0)


def _added(case: Case, data: st.DataObject, rule: str) -> list[dict[str, Any]]:
    leaves = [
        i
        for i, node in enumerate(case.framework.indicators)
        if node.rule is not None and node.rule.type == rule
    ]
    assume(leaves)
    extra = {
        "unit": data.draw(st.integers(0, len(case.categories) - 1)),
        "indicator": data.draw(st.sampled_from(leaves)),
        "points": data.draw(st.sampled_from([None, 0.0, 1.0, 2.5, 20.0])),
        "quantity": data.draw(st.sampled_from([None, 1.0, 3.0])),
        "grade": data.draw(st.sampled_from([None, "A", "B", "Z"])),
        "id": 99_999,
    }
    position = data.draw(st.integers(0, len(case.rows)))
    return [*case.rows[:position], extra, *case.rows[position:]]


def _same_shape(before: Result, after: Result) -> None:
    # Deductions and bonuses are always assessed: nothing enters or leaves an applicable max.
    np.testing.assert_array_equal(before.applicable, after.applicable)
    np.testing.assert_array_equal(before.max, after.max)


@settings(max_examples=150, deadline=None)
@given(cases(), st.data())
def test_it_never_raises_a_score_when_a_deduction_is_added(case: Case, data: st.DataObject) -> None:
    before = run(case)
    after = run(case, _added(case, data, "deduct"))
    _same_shape(before, after)
    app = before.applicable
    assert np.all(after.score[app] <= before.score[app])
    ok = ~np.isnan(before.total)
    assert np.all(after.total[ok] <= before.total[ok])


@settings(max_examples=150, deadline=None)
@given(cases(), st.data())
def test_it_never_lowers_a_score_when_a_bonus_is_added(case: Case, data: st.DataObject) -> None:
    before = run(case)
    after = run(case, _added(case, data, "bonus"))
    _same_shape(before, after)
    app = before.applicable
    assert np.all(after.score[app] >= before.score[app])
    ok = ~np.isnan(before.total)
    assert np.all(after.total[ok] >= before.total[ok])


@settings(max_examples=200, deadline=None)
@given(cases())
def test_it_ranks_consistently_with_totals(case: Case) -> None:
    result = run(case)
    clean = ranked_clean(result)
    key = np.round(result.total, 2)
    for a in clean:
        for b in clean:
            if key[a] > key[b]:
                assert result.rank[a] < result.rank[b]
            elif key[a] == key[b]:
                assert result.rank[a] == result.rank[b]
    # competition ranking: a rank is 1 + the number of units strictly ahead
    for a in clean:
        assert result.rank[a] == 1 + sum(key[b] > key[a] for b in clean)
    # vetoed units always come after every non-vetoed one
    late = np.flatnonzero((result.rank > 0) & result.vetoed)
    if len(clean) and len(late):
        assert result.rank[clean].max() < result.rank[late].min()
    assert np.all(result.rank[np.isnan(result.total)] == 0)


@settings(max_examples=150, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_it_does_not_depend_on_unit_or_record_order(case: Case, random: Any) -> None:
    n = len(case.categories)
    perm = list(range(n))
    random.shuffle(perm)  # new position i holds old unit perm[i]
    where = {old: new for new, old in enumerate(perm)}
    rows = [{**row, "unit": where[row["unit"]]} for row in case.rows]
    random.shuffle(rows)
    categories = [case.categories[old] for old in perm]
    before = run(case)
    after = run(Case(case.framework, categories, rows))
    np.testing.assert_array_equal(after.score, before.score[perm])
    np.testing.assert_array_equal(after.total, before.total[perm])
    np.testing.assert_array_equal(after.rank, before.rank[perm])
    np.testing.assert_array_equal(after.category_rank, before.category_rank[perm])
    assert after.band.tolist() == before.band[perm].tolist()
    assert after.unit_band.tolist() == before.unit_band[perm].tolist()
    for new, old in enumerate(perm):
        for node in range(len(case.framework.indicators)):
            assert sorted(after.records_behind(new, node)) == sorted(
                before.records_behind(old, node)
            )
    assert not any(math.isnan(x) for x in after.raw)
