"""The problem analysis read from the problem tallies (issue 17) shows the hand-computed
figures of ``test_problems`` (the ``results`` fixture), and falls back to counting the
records when the tallies do not cover the window."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingfeng.records.models import ProblemTally
from tests.conftest import client_for, record
from tests.dashboard.conftest import Results
from tests.dashboard.test_problems import EIGHT_RULES, FORMALISM, FOUR_WINDS, HHI


def _json(results: Results, period: str, query: str = "") -> tuple[dict[str, Any], list[str]]:
    url = reverse("dashboard:problems_json", args=("T", period)) + query
    with CaptureQueriesContext(connection) as queries:
        response = client_for(results.analyst).get(url)
    assert response.status_code == 200
    return response.json(), [q["sql"] for q in queries.captured_queries]


def _reads_records(sql: list[str]) -> bool:
    """Whether the records were counted (a grouped read; a month never tallied is checked
    for records with a cheap ``exists``)."""
    return any('FROM "records_record"' in s and "GROUP BY" in s for s in sql)


@pytest.fixture
def tallied(results: Results) -> Results:
    call_command("rebuild_problem_tallies", stdout=StringIO())
    assert ProblemTally.objects.exists()
    return results


def test_the_tallies_give_the_hand_computed_figures(tallied: Results) -> None:
    data, sql = _json(tallied, "2025")
    assert not _reads_records(sql)
    assert [(t["label"], t["count"], t["points"]) for t in data["by_type"]] == [
        (FOUR_WINDS, 3, 35.0),
        (EIGHT_RULES, 2, 30.0),
        (FORMALISM, 1, 5.0),
    ]
    units = data["units"]
    assert units["records"] == 6 and units["units_with_problems"] == 3
    assert units["hhi"] == pytest.approx(HHI)
    assert [(u["name"], u["count"], u["points"]) for u in units["top"]] == [
        ("黎城县教育局", 3, 40.0),
        ("黎侯镇", 2, 25.0),
        ("黎城县第一中学", 1, 5.0),
    ]
    types = [t["label"] for t in data["matrix"]["types"]]
    categories = [c["code"] for c in data["matrix"]["categories"]]
    cells = {(types[y], categories[x]): n for x, y, n in data["matrix"]["cells"]}
    assert cells == {
        (FOUR_WINDS, "government"): 1,
        (FOUR_WINDS, "township"): 2,
        (EIGHT_RULES, "government"): 2,
        (FORMALISM, "government"): 1,
    }


def test_the_trend_and_a_quarter_come_from_the_tallies(tallied: Results) -> None:
    data, sql = _json(tallied, "2025Q4")
    assert not _reads_records(sql)
    series = {s["label"]: s["counts"] for s in data["trend"]["series"]}
    assert series == {
        FOUR_WINDS: [0, 0, 0, 0, 1, 1, 1, 0],
        EIGHT_RULES: [0, 0, 0, 0, 0, 1, 0, 1],
        FORMALISM: [0, 0, 0, 0, 0, 0, 0, 1],
    }
    assert {t["label"]: t["count"] for t in data["by_type"]} == {EIGHT_RULES: 1, FORMALISM: 1}


def test_county_b_sees_only_its_unit_from_the_tallies(tallied: Results) -> None:
    client = client_for(tallied.analyst_b)
    data = client.get(reverse("dashboard:problems_json", args=("T", "2025"))).json()
    assert [(t["label"], t["count"]) for t in data["by_type"]] == [(FOUR_WINDS, 1)]


def test_a_range_that_is_not_whole_months_counts_the_records(tallied: Results) -> None:
    data, sql = _json(tallied, "2025", "?from=2025-01-15&to=2025-05-02")
    assert _reads_records(sql)
    assert {t["label"]: t["count"] for t in data["by_type"]} == {FOUR_WINDS: 1, EIGHT_RULES: 1}


def test_a_month_never_tallied_with_records_counts_the_records(tallied: Results) -> None:
    # Written past the services into a month never tallied: the records count.
    record(tallied.scored, tallied.org.unit_a2, "A1", "2026-02-01", quantity=2)
    data, sql = _json(tallied, "2026Q1")
    assert _reads_records(sql)
    assert data["units"]["records"] == 1
    _data, sql = _json(tallied, "2025Q4")  # the year before stays tallied
    assert not _reads_records(sql)
