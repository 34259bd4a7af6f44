"""Golden cases: small frameworks scored by hand, the arithmetic written out beside each check."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from qingfeng.scoring.engine import (
    Band,
    Component,
    Framework,
    Indicator,
    Records,
    Result,
    Rule,
    score,
)

BANDS = (Band("blue", 0.9), Band("yellow", 0.8), Band("red", 0.6))


def run(framework: Framework, categories: list[str], rows: list[dict[str, Any]]) -> Result:
    return score(framework, categories, Records.from_rows(rows))


def node(result: Result, unit: int, code: str) -> tuple[float, float, str | None]:
    n = result.codes.index(code)
    return float(result.score[unit, n]), float(result.max[unit, n]), result.band[unit, n]


# --- 1. every rule type ----------------------------------------------------------------------

RULES = Framework(
    code="RULES",
    scale=100,
    bands=BANDS,
    indicators=(
        Indicator("A", None, 0),
        Indicator("A1", "A", 10, Rule("deduct", per=2)),
        Indicator("A2", "A", 10, Rule("deduct", per=3, cap=4)),
        Indicator("A3", "A", 5, Rule("deduct", per=2)),
        Indicator("B", None, 0),
        Indicator("B1", "B", 15, Rule("bonus", per=1, grades={"优秀": 4, "良好": 2})),
        Indicator("B2", "B", 10, Rule("direct")),
        Indicator("C", None, 0),
        Indicator("C1", "C", 10, Rule("rate", zero_at=60, full_at=100)),
        Indicator("C2", "C", 10, Rule("rate", zero_at=10, full_at=0)),  # lower is better
        Indicator("C3", "C", 10, Rule("survey")),
    ),
)
A1, A2, A3, B1, B2, C1, C2, C3 = 1, 2, 3, 5, 6, 8, 9, 10


def test_it_applies_every_rule_type() -> None:
    rows: list[dict[str, Any]] = [
        # unit 0
        {"unit": 0, "indicator": A1, "quantity": 2},  # per 2 x 2 = 4
        {"unit": 0, "indicator": A1, "points": 1.5},  # own points 1.5
        {"unit": 0, "indicator": A2, "quantity": 3},  # 3 x 3 = 9, capped at 4
        {"unit": 0, "indicator": A3, "points": 4},
        {"unit": 0, "indicator": A3, "quantity": 2},  # 4 + 2 x 2 = 8 > 5: floored at 0
        {"unit": 0, "indicator": B1, "points": 3},  # own points 3
        {"unit": 0, "indicator": B1, "grade": "优秀", "quantity": 2},  # 4 x 2 = 8
        {"unit": 0, "indicator": B1, "grade": "差"},  # grade not in the table: 0
        {"unit": 0, "indicator": B1},  # no grade: per 1 x 1 = 1
        {"unit": 0, "indicator": B2, "points": 8},
        {"unit": 0, "indicator": B2, "points": 14},  # mean 11, clamped to 10
        {"unit": 0, "indicator": B2, "value": 3},  # no points: ignored
        {"unit": 0, "indicator": C1, "value": 70},
        {"unit": 0, "indicator": C1, "value": 90},  # mean 80: (80-60)/(100-60) = 0.5 -> 5
        {"unit": 0, "indicator": C2, "value": 4},  # (4-10)/(0-10) = 0.6 -> 6
        {"unit": 0, "indicator": C3, "value": 90},
        {"unit": 0, "indicator": C3, "value": 60},  # mean 75 -> 7.5
        # unit 1: nothing at all
        # unit 2: clamps
        {"unit": 2, "indicator": B1, "points": 20},  # capped at max 15
        {"unit": 2, "indicator": B2, "points": -3},  # clamped to 0
        {"unit": 2, "indicator": C1, "value": 120},  # (120-60)/40 = 1.5 -> 1 -> 10
        {"unit": 2, "indicator": C2, "value": 15},  # (15-10)/(0-10) = -0.5 -> 0 -> 0
    ]
    result = run(RULES, ["x", "x", "x"], rows)

    # unit 0. A1 = 10 - (4 + 1.5) = 4.5; A2 = 10 - 4 = 6; A3 = max(5 - 8, 0) = 0.
    assert node(result, 0, "A1")[0] == 4.5
    assert node(result, 0, "A2")[0] == 6
    assert node(result, 0, "A3")[0] == 0
    # A = 10.5 of 25 = 0.42 -> red (below 0.6)
    assert node(result, 0, "A") == (10.5, 25, "red")
    # B1 = min(3 + 8 + 0 + 1, 15) = 12; B2 = 10; B = 22 of 25 = 0.88 -> blue
    assert node(result, 0, "B1")[0] == 12
    assert node(result, 0, "B2")[0] == 10
    assert node(result, 0, "B") == (22, 25, "blue")
    # C = 5 + 6 + 7.5 = 18.5 of 30 = 0.617 -> yellow (below 0.8, not below 0.6)
    assert [node(result, 0, c)[0] for c in ("C1", "C2", "C3")] == [5, 6, 7.5]
    assert node(result, 0, "C") == (18.5, 30, "yellow")
    # raw = 10.5 + 22 + 18.5 = 51 of 80; total = 51 x 100 / 80 = 63.75 -> yellow
    assert result.raw[0] == 51 and result.applicable_max[0] == 80
    assert result.total[0] == 63.75
    assert result.unit_band[0] == "yellow"

    # unit 1. deduct leaves without records keep their max: A = 25 of 25; bonus B1 = 0 of
    # 15; B2 (direct) is not assessed; all of C is not assessed, so C is not applicable.
    assert node(result, 1, "A") == (25, 25, "green")
    assert node(result, 1, "B1") == (0, 15, "red")
    assert not result.applicable[1, B2] and math.isnan(result.score[1, B2])
    assert node(result, 1, "B") == (0, 15, "red")
    s, m, band = node(result, 1, "C")
    assert math.isnan(s) and m == 0 and band is None and not result.applicable[1, 7]
    # raw = 25 of 40; total = 25 x 100 / 40 = 62.5 -> yellow (0.625: not below 0.6)
    assert result.total[1] == 62.5
    assert result.unit_band[1] == "yellow"

    # unit 2. A = 25; B1 = 15 (capped), B2 = 0 (clamped) -> B = 15 of 25 = 0.6 exactly:
    # not below 0.6 -> yellow; C1 = 10, C2 = 0, C3 not assessed -> C = 10 of 20 -> red.
    # raw = 50 of 70; total = 50 x 100 / 70 = 71.43 -> yellow
    assert node(result, 2, "B") == (15, 25, "yellow")
    assert node(result, 2, "C") == (10, 20, "red")
    assert result.total[2] == pytest.approx(71.4285714286)
    assert result.unit_band[2] == "yellow"

    # ranks: 71.43 (unit 2) > 63.75 (unit 0) > 62.5 (unit 1)
    assert result.rank.tolist() == [2, 3, 1]
    # the ignored direct record (no points) is not among the counted records
    assert len(result.record_id) == len(rows) - 1


# --- 2. applicability, components, the 1000-point scale ----------------------------------------

COMPONENTS = Framework(
    code="COMP",
    scale=1000,
    bands=(Band("blue", 0.9), Band("red", 0.6)),
    components=(Component("daily", 0.7), Component("survey", 0.1), Component("eval", 0.2)),
    indicators=(
        Indicator("D", None, 0, component="daily"),
        Indicator("D1", "D", 20, Rule("deduct", per=5)),
        Indicator("D2", "D", 0, applies_to=frozenset({"town"})),
        Indicator("D2a", "D2", 10, Rule("deduct", per=1)),
        # applies to gov too, but its group D2 does not: a gov unit never gets it
        Indicator("D2b", "D2", 10, Rule("deduct", per=1), applies_to=frozenset({"town", "gov"})),
        Indicator("S", None, 0, component="survey"),
        Indicator("S1", "S", 10, Rule("survey")),
        Indicator("E", None, 0, component="eval"),
        Indicator("E1", "E", 10, Rule("direct")),
    ),
)


def test_it_inherits_applicability_and_rescales_missing_components() -> None:
    d1, d2, d2b, s1, e1 = 1, 2, 4, 6, 8
    rows = [
        {"unit": 0, "indicator": d1, "quantity": 1, "id": 1},  # D1 = 20 - 5 = 15
        {"unit": 0, "indicator": d2b, "points": 3, "id": 2},  # gov: D2b does not apply
        {"unit": 0, "indicator": s1, "value": 80, "id": 3},  # S1 = 8
        {"unit": 1, "indicator": 3, "quantity": 3, "id": 4},  # D2a = 10 - 3 = 7
        {"unit": 1, "indicator": d2b, "points": 10, "id": 5},  # D2b = 0
        {"unit": 1, "indicator": s1, "value": 100, "id": 6},  # S1 = 10
        {"unit": 1, "indicator": e1, "points": 5, "id": 7},
        {"unit": 1, "indicator": e1, "points": 6, "id": 8},  # E1 = mean 5.5
    ]
    result = run(COMPONENTS, ["gov", "town", "town", "gov"], rows)

    # unit 0 (gov): D2 and everything under it do not apply. daily = 15 / 20 = 75 %;
    # survey = 8 / 10 = 80 %; eval has nothing assessed and drops out:
    # total = 1000 / 100 x (0.7 x 75 + 0.1 x 80) / (0.7 + 0.1) = 10 x 60.5 / 0.8 = 756.25
    assert not result.applicable[0, d2] and result.band[0, d2] is None
    assert 2 not in result.record_id.tolist()  # the D2b record of a gov unit is ignored
    np.testing.assert_allclose(result.component_percent[0], [75, 80, np.nan])
    assert result.total[0] == pytest.approx(756.25)
    assert result.raw[0] == 23 and result.applicable_max[0] == 30
    assert result.unit_band[0] == "blue"  # 0.756: below 0.9, not below 0.6

    # unit 1 (town): D = 20 + 7 + 0 = 27 of 40 = 67.5 %; survey 100 %; eval 5.5 / 10 = 55 %
    # total = 10 x (0.7 x 67.5 + 0.1 x 100 + 0.2 x 55) = 10 x 68.25 = 682.5
    assert node(result, 1, "D2") == (7, 20, "red")
    np.testing.assert_allclose(result.component_percent[1], [67.5, 100, 55])
    assert result.total[1] == pytest.approx(682.5)
    assert result.raw[1] == 42.5 and result.applicable_max[1] == 60

    # units 2 (town) and 3 (gov), no records: only the daily component is assessed, at
    # 100 % -> total = 10 x (0.7 x 100) / 0.7 = 1000 for both, though their maxima differ
    # (40 and 20): the scale makes units of different categories comparable.
    assert result.applicable_max[2] == 40 and result.applicable_max[3] == 20
    assert result.total[2] == pytest.approx(1000) and result.total[3] == pytest.approx(1000)

    # ranks: 1000, 1000 share rank 1; then 756.25 (3), 682.5 (4)
    assert result.rank.tolist() == [3, 4, 1, 1]
    # within gov: unit 3 (1000), unit 0; within town: unit 2 (1000), unit 1
    assert result.category_rank.tolist() == [2, 2, 1, 1]
    assert result.component_codes == ["daily", "survey", "eval"]


# --- 3. ranking, ties, veto, nothing assessed, exact band thresholds -------------------------

RANKING = Framework(
    code="RANK",
    scale=100,
    bands=(Band("blue", 0.9), Band("red", 0.6)),
    indicators=(
        Indicator("A1", None, 50, Rule("direct")),
        Indicator("A2", None, 50, Rule("direct"), bands=(Band("orange", 0.5),)),
        Indicator("V", None, 0, Rule("veto")),
    ),
)


def test_it_ranks_ties_vetoes_and_units_with_nothing_assessed() -> None:
    def unit(u: int, a1: float | None, a2: float | None, veto: bool = False) -> list[Any]:
        rows: list[dict[str, Any]] = []
        if a1 is not None:
            rows.append({"unit": u, "indicator": 0, "points": a1})
        if a2 is not None:
            rows.append({"unit": u, "indicator": 1, "points": a2})
        if veto:
            rows.append({"unit": u, "indicator": 2, "id": 900 + u})
        return rows

    rows = [
        *unit(0, 45, 45),  # 90.00: exactly 0.9 of the max -> green
        *unit(1, 42.504, 42.5),  # 85.004 -> 85.00
        *unit(2, 42.496, 42.5),  # 84.996 -> 85.00: tied with unit 1
        *unit(3, 44.995, 25.003),  # 69.998 -> 70.00
        *unit(4, 50, 45, veto=True),  # 95 but vetoed
        *unit(5, None, None),  # nothing assessed
        *unit(6, 30, 24, veto=True),  # 54, vetoed
        *unit(7, None, None, veto=True),  # vetoed, nothing assessed
    ]
    categories = ["x", "x", "y", "x", "x", "y", "y", "y"]
    result = run(RANKING, categories, rows)

    # ranks by total rounded to 2 decimals: 90 (1), 85 and 85 (2, 2), 70 (4); the vetoed
    # come after those 4 in order of total: 95 (5), 54 (6); nothing assessed: no rank (0)
    assert result.rank.tolist() == [1, 2, 2, 4, 5, 0, 6, 0]
    # x: 90 (1), 85 (2), 70 (3), vetoed 95 (3 + 1 = 4); y: 85 (1), vetoed 54 (2)
    assert result.category_rank.tolist() == [1, 2, 1, 3, 4, 0, 2, 0]

    # bands at thresholds: 45 / 50 = 0.9 exactly is not below 0.9 -> green; 90 / 100 too
    assert node(result, 0, "A1") == (45, 50, "green")
    assert result.unit_band[0] == "green"
    # 44.995 / 50 = 0.8999 -> blue
    assert node(result, 3, "A1")[2] == "blue"
    # A2 uses its own bands: 25.003 / 50 = 0.50006 is not below 0.5 -> green (the
    # framework's bands would say red); 24 / 50 = 0.48 -> orange
    assert node(result, 3, "A2")[2] == "green"
    assert node(result, 6, "A2")[2] == "orange"
    assert result.unit_band[3] == "blue"  # 0.69998

    # vetoed: the most severe band whatever the points; the veto leaf itself has no band
    assert result.vetoed.tolist() == [False] * 4 + [True, False, True, True]
    assert result.unit_band[4] == "red" and result.total[4] == 95
    assert not result.applicable[4, 2] and result.band[4, 2] is None and result.max[4, 2] == 0
    assert result.unit_vetoed_by(4) == [904]
    assert result.unit_vetoed_by(0) == []

    # nothing assessed: no total, no band, no rank; vetoed as well: the most severe band
    assert math.isnan(result.total[5]) and result.unit_band[5] is None
    assert result.applicable_max[5] == 0
    assert math.isnan(result.total[7]) and result.unit_band[7] == "red"


# --- 4. category-specific groups, a veto that does not apply, no bands -------------------------

NO_BANDS = Framework(
    code="PLAIN",
    scale=100,
    bands=(),
    indicators=(
        Indicator("P", None, 0),
        Indicator("P1", "P", 5, Rule("bonus", per=2)),
        Indicator("P2", "P", 5, Rule("deduct"), applies_to=frozenset({"school"})),
        Indicator("Q", None, 0, applies_to=frozenset({"school"})),
        Indicator("Q1", "Q", 0, Rule("veto")),
        Indicator("Q2", "Q", 10, Rule("survey")),
    ),
)


def test_it_ignores_records_on_nodes_that_do_not_apply() -> None:
    rows = [
        {"unit": 0, "indicator": 1, "quantity": 2, "id": 1},  # P1 = 2 x 2 = 4
        {"unit": 0, "indicator": 2, "points": 1, "id": 2},  # P2 = 5 - 1 = 4
        {"unit": 0, "indicator": 4, "id": 3},  # veto
        {"unit": 0, "indicator": 5, "value": 50, "id": 4},  # Q2 = 10 x 0.5 = 5
        {"unit": 1, "indicator": 1, "points": 7, "id": 5},  # P1 = min(7, 5) = 5
        {"unit": 1, "indicator": 2, "points": 2, "id": 6},  # hospital: P2 does not apply
        {"unit": 1, "indicator": 4, "id": 7},  # Q1 does not apply: no veto
        {"unit": 1, "indicator": 5, "value": 10, "id": 8},  # Q2 does not apply
    ]
    result = run(NO_BANDS, ["school", "hospital"], rows)

    # school: P = 4 + 4 = 8 of 10; Q = 5 of 10 (the veto leaf adds no max); 13 of 20 -> 65
    assert node(result, 0, "P") == (8, 10, "green")  # no bands anywhere: green
    assert node(result, 0, "Q") == (5, 10, "green")
    assert result.total[0] == 65 and result.vetoed[0]
    # a vetoed unit takes the most severe band; with no bands at all that is green
    assert result.unit_band[0] == "green"
    # hospital: P = 5 of 5 (P2 not applicable); Q not applicable at all; total 100
    assert node(result, 1, "P") == (5, 5, "green")
    assert not result.applicable[1, 3] and result.band[1, 3] is None
    assert result.total[1] == 100 and not result.vetoed[1]
    assert result.rank.tolist() == [2, 1]  # the vetoed school after the hospital

    # explanations hold only the records that count, sorted by (unit, leaf)
    assert result.record_id.tolist() == [1, 2, 3, 4, 5]
    assert result.records_behind(0, 0) == [1, 2]
    assert result.records_behind(0, 3) == [3, 4]
    assert result.records_behind(1, 0) == [5]
    assert result.records_behind(1, 3) == []
    assert result.unit_vetoed_by(0) == [3] and result.unit_vetoed_by(1) == []
    assert result.ancestors[5] == [5, 3]
