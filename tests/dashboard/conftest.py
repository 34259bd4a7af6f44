"""Scored results over four quarters for the analysis-page tests.

Built on the shared ``org`` and ``scored`` fixtures (framework T, 100-point scale, bands
blue < 0.9, yellow < 0.8, red < 0.6; A = A1 deduct per 5 cap 30 + A2 bonus 30;
B = B1 survey 40 + B2 veto), through the real recompute service.

Per quarter of 2025 (A1 deductions by quantity x 5; B1 survey values):

| unit  | Q1                        | Q2                   | Q3               | Q4            |
|-------|---------------------------|----------------------|------------------|---------------|
| A1    | A1 qty 2 (公车私用, 四风)  | A1 qty 6 (违反中央八项规定精神) | B1 80   | B2 veto       |
| A1-1  | A2 一等 (award)           | B1 90                | —                | A1 qty 1      |
| A2    | B1 50                     | A1 qty 1 (四风)      | A1 qty 4 (四风)  | B1 95         |
| B1    | B1 90 (county B)          | A1 qty 3             | —                | —             |
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.lib.periods import Period
from qingfeng.records.rescore import period_recompute
from tests.conftest import Org, Scored, make_user, record

QUARTERS = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]


@dataclass
class Results:
    org: Org
    scored: Scored
    analyst: User  # analyst of county A (sees A1, A1-1, A2)
    analyst_b: User  # analyst of county B (sees B1 only)
    liaison: User  # liaison of unit A1 (sees A1 and A1-1; no analysis capability)


@pytest.fixture
def results(org: Org, scored: Scored) -> Results:
    a1, a1_sub, a2, b1 = org.unit_a1, org.unit_a1_sub, org.unit_a2, org.unit_b1
    record(scored, a1, "A1", "2025-02-01", quantity=2, note="公车私用", problem_type="四风")
    record(scored, a1_sub, "A2", "2025-02-10", grade="一等", note="省级表彰")
    record(scored, a2, "B1", "2025-03-01", value=50)
    record(scored, b1, "B1", "2025-02-02", value=90)
    record(
        scored,
        a1,
        "A1",
        "2025-05-01",
        quantity=6,
        note="违规吃喝",
        problem_type="违反中央八项规定精神",
    )
    record(scored, a1_sub, "B1", "2025-05-02", value=90)
    record(scored, a2, "A1", "2025-05-03", quantity=1, note="会风不正", problem_type="四风")
    record(scored, b1, "A1", "2025-06-01", quantity=3, problem_type="四风")
    record(scored, a1, "B1", "2025-08-01", value=80)
    record(scored, a2, "A1", "2025-08-02", quantity=4, note="文山会海", problem_type="四风")
    record(scored, a1, "B2", "2025-11-01", note="严重违纪", problem_type="违反中央八项规定精神")
    record(scored, a1_sub, "A1", "2025-11-02", quantity=1, problem_type="形式主义官僚主义")
    record(scored, a2, "B1", "2025-12-01", value=95)
    for quarter in QUARTERS:
        period_recompute(framework=scored.framework, period=Period.parse(quarter))
    return Results(
        org=org,
        scored=scored,
        analyst=make_user("analyst_a", Role.ANALYST, region=org.county_a),
        analyst_b=make_user("analyst_b", Role.ANALYST, region=org.county_b),
        liaison=make_user("liaison_a1", Role.UNIT_LIAISON, unit=org.unit_a1),
    )
