"""Unreported leaves (docs/completeness.md): the default rule only marks them, the strict
rule drops exactly them from the applicable max. Golden cases computed by hand, then
properties over random frameworks."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qingfeng.scoring.engine import (
    Band,
    Framework,
    Indicator,
    Records,
    Reporting,
    Result,
    Rule,
    score,
)

from .strategies import Case, cases

# A (group, 30): A1 deduct 10 (per 2), A2 bonus 10 (per 5), A3 direct 10.
# B: deduct 20, only for category "t".
NODES = (
    Indicator("A", None, 0),
    Indicator("A1", "A", 10, Rule("deduct", per=2)),
    Indicator("A2", "A", 10, Rule("bonus", per=5)),
    Indicator("A3", "A", 10, Rule("direct")),
    Indicator("B", None, 20, Rule("deduct", per=4), applies_to=frozenset({"t"})),
)
A, A1, A2, A3, B = range(5)


def framework(*, strict: bool = False) -> Framework:
    return Framework(
        code="F",
        scale=100,
        bands=(Band("red", 0.6),),
        indicators=NODES,
        strict_unreported=strict,
    )


# Unit 0 (category t): one deduction on A1, a direct score on A3, nothing else.
# Unit 1 (category d): one bonus on A2; B does not apply to it.
RECORDS = Records.from_rows(
    [
        {"unit": 0, "indicator": A1, "quantity": 1, "id": 11},
        {"unit": 0, "indicator": A3, "points": 6, "id": 12},
        {"unit": 1, "indicator": A2, "quantity": 1, "id": 13},
    ]
)
CATEGORIES = ["t", "d"]


def reporting(*, declared: list[tuple[int, int]]) -> Reporting:
    """Every leaf tracked for both units; ``declared`` cells filed a nil return."""
    tracked = np.ones((2, len(NODES)), dtype=bool)
    tracked[:, A] = False  # a group is never tracked
    marks = np.zeros((2, len(NODES)), dtype=bool)
    for unit, node in declared:
        marks[unit, node] = True
    return Reporting(tracked=tracked, declared=marks)


def test_it_marks_silent_deduction_and_bonus_leaves_and_leaves_the_numbers_alone() -> None:
    plain = score(framework(), CATEGORIES, RECORDS)
    marked = score(framework(), CATEGORIES, RECORDS, reporting(declared=[(0, B)]))

    # Unit 0: A1 has a record, A2 (bonus) has neither record nor nil return, A3 is direct
    # (never unreported), B was declared nil. Unit 1: A1 silent; A2 has a record; B does
    # not apply.
    assert marked.unreported[0].tolist() == [False, False, True, False, False]
    assert marked.unreported[1].tolist() == [False, True, False, False, False]
    # Unit 0 owes A1, A2, B (3 tracked deduct/bonus leaves), 2 reported: 2/3.
    assert marked.completeness[0] == pytest.approx(2 / 3)
    # Unit 1 owes A1, A2: one reported.
    assert marked.completeness[1] == pytest.approx(1 / 2)
    for name in ("score", "max", "total", "raw", "applicable_max", "rank"):
        np.testing.assert_array_equal(getattr(marked, name), getattr(plain, name))
    # Unit 0: A1 10 - 2 = 8, A2 0, A3 6, B 20 -> 34 of 50 -> 68.
    assert marked.total[0] == pytest.approx(68.0)


def test_the_strict_rule_drops_exactly_the_unreported_leaves() -> None:
    strict = score(framework(strict=True), CATEGORIES, RECORDS, reporting(declared=[(0, B)]))

    # Unit 0: A2 drops out: A = 8 + 6 of 20, B 20 of 20 -> 34 / 40 -> 85.
    assert math.isnan(strict.score[0, A2])
    assert strict.max[0, A2] == 0
    assert not strict.applicable[0, A2]
    assert strict.max[0, A] == 20
    assert strict.total[0] == pytest.approx(85.0)
    # Unit 1: A1 drops out: A = A2 5 of 10 (A3 not assessed) -> 50.
    assert strict.total[1] == pytest.approx(50.0)
    # The marks and completeness are the same as under the default rule.
    assert strict.unreported[0].tolist() == [False, False, True, False, False]
    assert strict.completeness[1] == pytest.approx(1 / 2)


def test_without_reporting_nothing_is_marked() -> None:
    result = score(framework(strict=True), CATEGORIES, RECORDS)

    assert not result.unreported.any()
    assert np.isnan(result.completeness).all()
    assert result.total[0] == pytest.approx(68.0)


def test_a_unit_owing_nothing_has_no_completeness() -> None:
    nothing = Reporting(
        tracked=np.zeros((2, len(NODES)), dtype=bool),
        declared=np.zeros((2, len(NODES)), dtype=bool),
    )
    result = score(framework(), CATEGORIES, RECORDS, nothing)

    assert np.isnan(result.completeness).all()
    assert not result.unreported.any()


def test_it_refuses_masks_of_the_wrong_shape() -> None:
    bad = Reporting(tracked=np.ones((2, 3), dtype=bool), declared=np.ones((2, 3), dtype=bool))
    with pytest.raises(ValueError, match="tracked"):
        score(framework(), CATEGORIES, RECORDS, bad)


# --- properties over random frameworks ------------------------------------------------


@st.composite
def reported_cases(draw: st.DrawFn) -> tuple[Case, Reporting]:
    case = draw(cases())
    shape = (len(case.categories), len(case.framework.indicators))
    cells = st.lists(st.booleans(), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1])
    tracked = np.array(draw(cells), dtype=bool).reshape(shape)
    declared = np.array(draw(cells), dtype=bool).reshape(shape)
    return case, Reporting(tracked=tracked, declared=declared)


def _same(a: Result, b: Result) -> None:
    for name in ("score", "max", "applicable", "total", "raw", "applicable_max", "rank"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(a.band, b.band)
    np.testing.assert_array_equal(a.unit_band, b.unit_band)


@settings(max_examples=150, deadline=None)
@given(reported_cases())
def test_the_default_rule_changes_no_number(given_case: tuple[Case, Reporting]) -> None:
    case, reporting = given_case
    plain = score(case.framework, case.categories, case.records())
    marked = score(case.framework, case.categories, case.records(), reporting)

    _same(plain, marked)
    kinds = np.array(
        [
            node.rule is not None and node.rule.type in ("deduct", "bonus")
            for node in case.framework.indicators
        ]
    )
    # Only tracked, undeclared deduct/bonus leaves that apply are ever marked.
    assert not (marked.unreported & ~reporting.tracked).any()
    assert not (marked.unreported & reporting.declared).any()
    assert not (marked.unreported & ~plain.applicable).any()
    assert not marked.unreported[:, ~kinds].any()
    for unit in range(len(case.categories)):
        for node in np.flatnonzero(marked.unreported[unit]):
            assert not plain.records_behind(unit, int(node)), "a leaf with records is reported"


@settings(max_examples=150, deadline=None)
@given(reported_cases())
def test_the_strict_rule_equals_scoring_without_the_unreported_leaves(
    given_case: tuple[Case, Reporting],
) -> None:
    case, reporting = given_case
    marked = score(case.framework, case.categories, case.records(), reporting)
    strict_fw = dataclasses.replace(case.framework, strict_unreported=True)
    strict = score(strict_fw, case.categories, case.records(), reporting)

    leaves = [i for i, node in enumerate(case.framework.indicators) if node.rule is not None]
    for unit in range(len(case.categories)):
        for node in leaves:
            if marked.unreported[unit, node]:
                assert not strict.applicable[unit, node]
                assert strict.max[unit, node] == 0
            else:
                # Every other leaf scores exactly as under the default rule.
                assert strict.applicable[unit, node] == marked.applicable[unit, node]
                np.testing.assert_array_equal(strict.score[unit, node], marked.score[unit, node])
    # Dropping leaves only ever lowers the applicable max, by exactly their maxima.
    dropped = np.where(marked.unreported, marked.max, 0.0).sum(axis=1)
    assert (strict.applicable_max <= marked.applicable_max + 1e-9).all()
    if not case.framework.components:
        # Without components the applicable max is the sum over level-1 nodes of their
        # applicable leaves' maxima.
        np.testing.assert_allclose(
            strict.applicable_max, marked.applicable_max - dropped, atol=1e-9
        )
    np.testing.assert_array_equal(strict.unreported, marked.unreported)
