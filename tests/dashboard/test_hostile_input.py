"""Issue 10, findings 8 and 10 on the analysis pages: JSON answers never hold NaN or
Infinity, period URLs of impossible years are 404, and a date range over the whole
calendar answers quickly."""

from __future__ import annotations

import json
import math
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qingfeng.lib.json_response import FiniteJsonResponse
from tests.conftest import client_for, record
from tests.dashboard.conftest import Results

pytestmark = pytest.mark.django_db


def _strict(content: bytes) -> Any:
    """Parse as a browser's JSON.parse would: NaN and Infinity are not JSON."""

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(content, parse_constant=refuse)


def test_finding_8_problems_json_never_holds_infinity(results: Results) -> None:
    # What the old quick entry stored from "inf": a deduction of infinite points.
    record(
        results.scored,
        results.org.unit_a1,
        "A1",
        "2025-03-03",
        points=math.inf,
        problem_type="四风",
    )
    url = reverse("dashboard:problems_json", args=("T", "2025"))
    response = client_for(results.analyst).get(url)
    assert response.status_code == 200
    data = _strict(response.content)
    points = {t["label"]: t["points"] for t in data["by_type"]}
    assert points["四风"] is None  # no number can be drawn, and the chart still loads


def test_finding_8_json_answers_write_non_finite_numbers_as_null() -> None:
    response = FiniteJsonResponse(
        {"a": math.nan, "b": [1.5, -math.inf, (math.inf,)], "c": {"d": 2}}
    )
    assert _strict(response.content) == {"a": None, "b": [1.5, None, [None]], "c": {"d": 2}}


@pytest.mark.parametrize("year", ["0000", "0001", "9999"])
@pytest.mark.parametrize(
    "name", ["overview", "overview_json", "problems", "problems_json", "heatmap_json"]
)
def test_finding_10_period_urls_of_impossible_years_are_404(
    results: Results, name: str, year: str
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(results.analyst)
    for period in (year, f"{year}H1", f"{year}Q4", f"{year}M12"):
        url = reverse(f"dashboard:{name}", args=("T", period))
        assert client.get(url).status_code == 404, url


def test_finding_10_problems_over_the_whole_calendar_answer_quickly(results: Results) -> None:
    client = client_for(results.analyst)
    query = "?from=0001-01-01&to=9999-12-31"
    for name in ("problems_json", "problems", "problem_records"):
        started = time.monotonic()
        response = client.get(reverse(f"dashboard:{name}", args=("T", "2025")) + query)
        assert response.status_code == 200, name
        assert time.monotonic() - started < 2, name
    data = client.get(reverse("dashboard:problems_json", args=("T", "2025")) + query).json()
    # The range is cut to the years a period may have; every record of county A is in it.
    assert (data["from"], data["to"]) == ("1900-01-01", "2100-12-31")
    assert sum(t["count"] for t in data["by_type"]) == 6
