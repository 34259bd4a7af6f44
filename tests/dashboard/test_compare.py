"""The comparison pages: across units on one indicator, over periods, and year on year.

Numbers are hand-computed from the ``results`` fixture table (tests/dashboard/conftest.py)
and checked against the stored snapshots: every chart's JSON must equal them.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.framework.models import FrameworkVersion, Indicator
from qingfeng.lib.periods import Period, period_label
from qingfeng.org import services
from qingfeng.org.models import Unit
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
from tests.conftest import client_for, english, record
from tests.dashboard.conftest import QUARTERS, Results

CODES = ["A", "A1", "A2", "B", "B1", "B2"]


def _snapshot(results: Results, unit: Unit, period: str) -> Snapshot:
    return Snapshot.objects.get(version=results.scored.version, period=period, unit=unit)


def _node_score(results: Results, unit: Unit, period: str, node: str) -> float:
    return _snapshot(results, unit, period).node_results(CODES)[node][0]


def _json(client: Any, name: str, args: tuple[Any, ...], query: str = "") -> dict[str, Any]:
    response = client.get(reverse(f"dashboard:{name}", args=args) + query)
    assert response.status_code == 200
    return response.json()


def _book(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def _values(sheet: Any, first_row: int) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(min_row=first_row, values_only=True)]


# --- across units ------------------------------------------------------------------------


def test_it_compare_indicator_json_equals_the_snapshots(results: Results) -> None:
    org = results.org
    data = _json(client_for(results.analyst), "compare_indicator_json", ("T", "2025Q2"), "?node=A1")
    assert data["measure"] == "score"  # every unit has max 30 on A1
    assert [(u["code"], u["value"]) for u in data["units"]] == [
        ("A1-1", 30.0),
        ("A2", 25.0),
        ("A1", 0.0),
    ]
    assert [u["rank"] for u in data["units"]] == [1, 2, 3]
    assert data["mean"] == pytest.approx((30 + 25 + 0) / 3)
    for unit in data["units"]:
        stored = _node_score(results, Unit.objects.get(code=unit["code"]), "2025Q2", "A1")
        assert unit["score"] == stored
        assert unit["max"] == 30.0
    assert "B1" not in {u["code"] for u in data["units"]}
    assert org.unit_b1.pk not in {u["id"] for u in data["not_assessed"]}
    pattern = data["portrait"]
    assert (
        pattern
        == reverse("dashboard:portrait", args=("T", "2025Q2", 0)).replace("/0/", "/{unit}/")
        + "?node=A1"
    )


def test_it_defaults_to_the_first_level_one_node_and_lists_units_not_assessed(
    results: Results,
) -> None:
    client = english(client_for(results.analyst))
    data = _json(client, "compare_indicator_json", ("T", "2025Q2"))
    assert data["node"] == "A"
    # B (survey) was assessed only for A1-1 in 2025Q2.
    data = _json(client, "compare_indicator_json", ("T", "2025Q2"), "?node=B")
    assert [(u["code"], u["value"]) for u in data["units"]] == [("A1-1", 36.0)]
    assert [u["code"] for u in data["not_assessed"]] == ["A1", "A2"]
    page = client.get(reverse("dashboard:compare_indicator", args=("T", "2025Q2")) + "?node=B")
    html = page.content.decode()
    assert 'data-testid="not-assessed"' in html
    assert "黎城县教育局" in html and "黎侯镇" in html
    assert "平顺县财政局" not in html


def test_it_compare_indicator_page_shows_the_table_and_links(results: Results) -> None:
    org = results.org
    client = english(client_for(results.analyst))
    response = client.get(reverse("dashboard:compare_indicator", args=("T", "2025Q2")) + "?node=A1")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-chart="compare-indicator"' in html
    assert reverse("dashboard:compare_indicator_json", args=("T", "2025Q2")) + "?node=A1" in html
    table = html[html.index('data-testid="compare-table"') :]
    assert table.index("黎城县第一中学") < table.index("黎侯镇") < table.index("黎城县教育局")
    portrait = reverse("dashboard:portrait", args=("T", "2025Q2", org.unit_a2.pk)) + "?node=A1"
    assert portrait in html
    assert "平顺县财政局" not in html
    assert "same applicable maximum" in html
    assert "18.33" in html  # the mean
    # The node picker lists every node, indented under its parent.
    assert '<option value="A1" selected>' in html
    assert '<option value="total">' in html


def test_it_compare_indicator_total_uses_the_totals(results: Results) -> None:
    data = _json(
        client_for(results.analyst), "compare_indicator_json", ("T", "2025Q2"), "?node=total"
    )
    assert data["measure"] == "total"
    expected = {u.code: _snapshot(results, u, "2025Q2").total or 0.0 for u in _county_a(results)}
    assert {u["code"]: u["value"] for u in data["units"]} == expected
    assert [u["code"] for u in data["units"]] == ["A1-1", "A2", "A1"]
    assert data["mean"] == pytest.approx(sum(expected.values()) / 3)


def test_it_compare_indicator_uses_the_ratio_when_maxima_differ(results: Results) -> None:
    # A2 (bonus, 30) applies to government units only: a township's A is out of 30.
    Indicator.objects.filter(version=results.scored.version, code="A2").update(
        applies_to=["government"]
    )
    period_recompute(framework=results.scored.framework, period=Period.parse("2025Q2"))
    data = _json(client_for(results.analyst), "compare_indicator_json", ("T", "2025Q2"), "?node=A")
    assert data["measure"] == "ratio"
    got = {u["code"]: (u["score"], u["max"], u["value"]) for u in data["units"]}
    assert got["A2"] == (25.0, 30.0, pytest.approx(100 * 25 / 30))
    assert got["A1-1"] == (30.0, 60.0, pytest.approx(50.0))
    assert got["A1"] == (0.0, 60.0, 0.0)
    assert [u["code"] for u in data["units"]] == ["A2", "A1-1", "A1"]
    page = english(client_for(results.analyst)).get(
        reverse("dashboard:compare_indicator", args=("T", "2025Q2")) + "?node=A"
    )
    assert "maxima for this indicator differ" in page.content.decode()
    # A level-1 node is read from the snapshot's level-1 lists; a snapshot stored before
    # those existed gives the same out of ``nodes``.
    Snapshot.objects.update(level_one=None)
    again = _json(client_for(results.analyst), "compare_indicator_json", ("T", "2025Q2"), "?node=A")
    assert {u["code"]: (u["score"], u["max"], u["value"]) for u in again["units"]} == got


def test_it_compare_indicator_filters_by_category(results: Results) -> None:
    data = _json(
        client_for(results.analyst),
        "compare_indicator_json",
        ("T", "2025Q2"),
        "?node=A1&category=government",
    )
    assert [u["code"] for u in data["units"]] == ["A1-1", "A1"]
    assert data["mean"] == pytest.approx(15.0)


def test_it_compare_indicator_for_county_b_shows_only_b1(results: Results) -> None:
    client = client_for(results.analyst_b)
    data = _json(client, "compare_indicator_json", ("T", "2025Q2"), "?node=A1")
    assert [(u["code"], u["value"]) for u in data["units"]] == [("B1", 15.0)]
    assert data["not_assessed"] == []
    html = client.get(reverse("dashboard:compare_indicator", args=("T", "2025Q2"))).content
    assert "平顺县财政局" in html.decode()
    assert "黎城县教育局" not in html.decode()


def test_it_unknown_node_is_404(results: Results) -> None:
    client = client_for(results.analyst)
    url = reverse("dashboard:compare_indicator_json", args=("T", "2025Q2"))
    assert client.get(url + "?node=ZZ").status_code == 404
    assert (
        client.get(reverse("dashboard:compare_indicator", args=("T", "2025X9"))).status_code == 404
    )


def test_it_compare_indicator_xlsx_reads_back(results: Results) -> None:
    response = client_for(results.analyst).get(
        reverse("dashboard:compare_indicator_xlsx", args=("T", "2025Q2")) + "?node=A1"
    )
    book = _book(response)
    sheet = book.worksheets[0]
    header = list(next(sheet.iter_rows(min_row=3, max_row=3, values_only=True)))
    assert header[:4] == [
        "排名",
        "单位代码" if header[1] == "单位代码" else header[1],
        "单位",
        "类别",
    ]
    assert header[4] == "得分"
    rows = _values(sheet, 4)
    assert [(r[0], r[2], r[4], r[5]) for r in rows] == [
        (1, "黎城县第一中学", 30.0, 30.0),
        (2, "黎侯镇", 25.0, 30.0),
        (3, "黎城县教育局", 0.0, 30.0),
    ]
    assert rows[0][3] == "政府部门"
    assert rows[2][7] == "红色"  # the band label, filled with the band's colour
    assert sheet.cell(row=6, column=8).fill.fgColor.rgb.endswith("FFC7CE")


# --- scope -------------------------------------------------------------------------------


def _all_urls(results: Results) -> list[str]:
    a1 = results.org.unit_a1.pk
    return [
        reverse("dashboard:compare_indicator", args=("T", "2025Q2")),
        reverse("dashboard:compare_indicator_json", args=("T", "2025Q2")),
        reverse("dashboard:compare_indicator_xlsx", args=("T", "2025Q2")),
        reverse("dashboard:compare_trend", args=("T",)),
        reverse("dashboard:compare_trend_json", args=("T",)) + f"?unit={a1}",
        reverse("dashboard:compare_trend_xlsx", args=("T",)),
        reverse("dashboard:compare_unit_search", args=("T",)) + "?q=黎",
        reverse("dashboard:compare_yoy", args=("T", "2025Q2")),
        reverse("dashboard:compare_yoy_xlsx", args=("T", "2025Q2")),
    ]


def test_it_liaison_gets_404_on_every_compare_page(results: Results) -> None:
    client = client_for(results.liaison)
    for url in _all_urls(results):
        assert client.get(url).status_code == 404, url


def test_it_analyst_opens_every_compare_page(results: Results) -> None:
    client = client_for(results.analyst)
    for url in _all_urls(results):
        assert client.get(url).status_code == 200, url


def test_it_anonymous_is_sent_to_log_in(results: Results) -> None:
    from django.test import Client

    response = Client().get(reverse("dashboard:compare_indicator", args=("T", "2025Q2")))
    assert response.status_code == 302


def test_it_queries_do_not_grow_with_the_units(results: Results) -> None:
    client = client_for(results.analyst)
    urls = [
        reverse("dashboard:compare_indicator", args=("T", "2025Q2")) + "?node=A1",
        reverse("dashboard:compare_indicator_json", args=("T", "2025Q2")) + "?node=A1",
        reverse("dashboard:compare_trend_json", args=("T",)) + "?node=A1",
        reverse("dashboard:compare_yoy", args=("T", "2025Q2")) + "?node=A1",
    ]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    org = results.org
    for i in range(12):
        services.unit_save(
            unit=Unit(code=f"X{i}", name=f"新单位{i}", category=org.township, region=org.county_a)
        )
    for quarter in QUARTERS:
        period_recompute(framework=results.scored.framework, period=Period.parse(quarter))
    assert counts() == before


# --- trend -------------------------------------------------------------------------------


def _county_a(results: Results) -> list[Unit]:
    return [results.org.unit_a1, results.org.unit_a1_sub, results.org.unit_a2]


def test_it_trend_json_equals_the_snapshot_totals(results: Results) -> None:
    org = results.org
    query = f"?node=total&unit={org.unit_a1.pk}&unit={org.unit_a2.pk}&kind=Q"
    data = _json(client_for(results.analyst), "compare_trend_json", ("T",), query)
    assert data["periods"] == QUARTERS
    assert data["measure"] == "total"
    assert [s["code"] for s in data["series"]] == ["A1", "A2"]
    for series, unit in zip(data["series"], [org.unit_a1, org.unit_a2], strict=True):
        assert series["values"] == [_snapshot(results, unit, q).total for q in QUARTERS]
    # The mean is over the three units of county A (B1 is outside the scope).
    for i, quarter in enumerate(QUARTERS):
        totals = [_snapshot(results, u, quarter).total or 0.0 for u in _county_a(results)]
        assert data["mean"][i] == pytest.approx(sum(totals) / 3)
    assert data["series"][0]["values"] == [33.3333, 0.0, 62.0, 50.0]


def test_it_trend_of_a_node_equals_the_snapshot_scores(results: Results) -> None:
    org = results.org
    query = f"?node=A1&unit={org.unit_a2.pk}"
    data = _json(client_for(results.analyst), "compare_trend_json", ("T",), query)
    assert data["measure"] == "score"
    assert data["series"][0]["values"] == [30.0, 25.0, 10.0, 30.0]
    assert data["mean"] == [
        pytest.approx((20 + 30 + 30) / 3),
        pytest.approx((0 + 30 + 25) / 3),
        pytest.approx((30 + 30 + 10) / 3),
        pytest.approx((30 + 25 + 30) / 3),
    ]


def test_it_trend_defaults_to_the_top_five_of_the_latest_period(results: Results) -> None:
    data = _json(client_for(results.analyst), "compare_trend_json", ("T",))
    assert data["kind"] == "Q"
    assert data["node"] == "A"
    # 2025Q4 ranks: A2 1, B1 2 (county B), A1-1 3, A1 4.
    assert [s["code"] for s in data["series"]] == ["A2", "A1-1", "A1"]


def test_it_trend_refuses_a_unit_outside_the_scope(results: Results) -> None:
    client = client_for(results.analyst)
    url = reverse("dashboard:compare_trend_json", args=("T",))
    assert client.get(url + f"?unit={results.org.unit_b1.pk}").status_code == 404
    assert client.get(url + "?unit=abc").status_code == 404
    assert client.get(url + "?kind=X").status_code == 404
    page = reverse("dashboard:compare_trend", args=("T",))
    assert client.get(page + f"?unit={results.org.unit_b1.pk}").status_code == 404
    b = client_for(results.analyst_b)
    assert b.get(url + f"?unit={results.org.unit_b1.pk}").status_code == 200
    assert b.get(url + f"?unit={results.org.unit_a1.pk}").status_code == 404


def test_it_trend_page_shows_the_table_and_the_unit_search(results: Results) -> None:
    org = results.org
    client = english(client_for(results.analyst))
    url = reverse("dashboard:compare_trend", args=("T",))
    html = client.get(url + f"?node=total&unit={org.unit_a1.pk}&q=黎侯").content.decode()
    assert 'data-chart="compare-trend"' in html
    table = html[html.index('data-testid="trend-table"') :]
    assert "33.33" in table and "62.00" in table
    assert "Mean of the units in scope" in table
    hits = html[html.index('data-testid="unit-hits"') :]
    assert f'value="{org.unit_a2.pk}"' in hits  # 黎侯镇 found, to be ticked
    search = reverse("dashboard:compare_unit_search", args=("T",))
    assert search in html


def test_it_unit_search_finds_only_units_in_scope(results: Results) -> None:
    org = results.org
    search = reverse("dashboard:compare_unit_search", args=("T",))
    html = client_for(results.analyst).get(search + "?q=局").content.decode()
    assert f'value="{org.unit_a1.pk}"' in html
    assert f'value="{org.unit_b1.pk}"' not in html
    html_b = client_for(results.analyst_b).get(search + "?q=局").content.decode()
    assert f'value="{org.unit_b1.pk}"' in html_b
    assert f'value="{org.unit_a1.pk}"' not in html_b


def test_it_unit_search_stops_at_fifty(results: Results) -> None:
    org = results.org
    for i in range(55):
        services.unit_save(
            unit=Unit(
                code=f"S{i:02d}", name=f"搜索单位{i}", category=org.township, region=org.county_a
            )
        )
    html = client_for(results.analyst).get(
        reverse("dashboard:compare_unit_search", args=("T",)) + "?q=搜索单位"
    )
    assert html.content.decode().count('name="unit"') == 50


def test_it_trend_xlsx_reads_back(results: Results) -> None:
    org = results.org
    response = client_for(results.analyst).get(
        reverse("dashboard:compare_trend_xlsx", args=("T",))
        + f"?node=total&unit={org.unit_a1.pk}&unit={org.unit_a2.pk}"
    )
    sheet = _book(response).worksheets[0]
    header = list(next(sheet.iter_rows(min_row=3, max_row=3, values_only=True)))
    assert header[1] == "单位"
    assert header[2:] == [period_label(q) for q in QUARTERS]  # periods in words
    rows = _values(sheet, 4)
    assert rows[0][:2] == ["A1", "黎城县教育局"]
    assert rows[0][2:] == [33.3333, 0.0, 62.0, 50.0]
    assert rows[1][2:] == [_snapshot(results, org.unit_a2, q).total for q in QUARTERS]
    assert rows[2][2] == pytest.approx((33.3333 + 66.6667 + 50.0) / 3)


# --- year on year ------------------------------------------------------------------------


@pytest.fixture
def with_2024(results: Results) -> Results:
    """2024Q1 scored too. The fixture's only version has year 2025, so nothing is in force
    for 2024: we move that version's year to 2024 with a queryset update (it stays in force
    for 2025, so the 2025 snapshots do not change)."""
    FrameworkVersion.objects.filter(pk=results.scored.version.pk).update(year=2024)
    org = results.org
    record(results.scored, org.unit_a1, "A1", "2024-02-01", quantity=1, problem_type="四风")
    record(results.scored, org.unit_a2, "B1", "2024-03-01", value=100)
    period_recompute(framework=results.scored.framework, period=Period.parse("2024Q1"))
    return results


def test_it_yoy_compares_with_the_same_quarter_a_year_earlier(with_2024: Results) -> None:
    results = with_2024
    org = results.org
    # 2024Q1: A1 25/60 -> 41.67 (red); A1-1 30/60 -> 50 (red); A2 (30+0+40)/100 -> 70 (yellow).
    then = {u.code: _snapshot(results, u, "2024Q1") for u in _county_a(results)}
    assert then["A1"].total == pytest.approx(41.6667)
    assert then["A2"].total == pytest.approx(70.0)
    client = english(client_for(results.analyst))
    response = client.get(reverse("dashboard:compare_yoy", args=("T", "2025Q1")) + "?sort=-diff")
    assert response.status_code == 200
    page = response.context["page"]
    rows = {r.code: r for r in page}
    assert set(rows) == {"A1", "A1-1", "A2"}  # not B1 (county B)
    assert rows["A1-1"].difference == pytest.approx(66.6667 - 50.0)
    assert rows["A1"].difference == pytest.approx(33.3333 - 41.6667)
    assert rows["A2"].difference == pytest.approx(50.0 - 70.0)
    assert [r.code for r in page] == ["A1-1", "A1", "A2"]
    # Ranks among county A: then A2 1, A1-1 2, A1 3; now A1-1 1, A2 2, A1 3.
    assert (rows["A1-1"].rank_then, rows["A1-1"].rank_now, rows["A1-1"].rank_difference) == (
        2,
        1,
        1,
    )
    assert (rows["A2"].rank_then, rows["A2"].rank_now, rows["A2"].rank_difference) == (1, 2, -1)
    assert rows["A1"].rank_difference == 0
    assert (rows["A2"].band_then, rows["A2"].band_now) == ("yellow", "red")
    assert (rows["A1-1"].band_then, rows["A1-1"].band_now) == ("red", "yellow")
    html = response.content.decode()
    assert "+16.67" in html and "-20.00" in html
    assert "Q1 2024" in html  # the period a year earlier, in words
    ascending = client.get(reverse("dashboard:compare_yoy", args=("T", "2025Q1")) + "?sort=diff")
    assert [r.code for r in ascending.context["page"]] == ["A2", "A1", "A1-1"]
    link = reverse("dashboard:portrait", args=("T", "2025Q1", org.unit_a2.pk))
    assert link in html


def test_it_yoy_of_a_node(with_2024: Results) -> None:
    client = client_for(with_2024.analyst)
    response = client.get(reverse("dashboard:compare_yoy", args=("T", "2025Q1")) + "?node=A1")
    rows = {r.code: r for r in response.context["page"]}
    # A1 on A1: 25 then, 20 now; A2: 30 then, 30 now; A1-1: 30, 30.
    assert (rows["A1"].then, rows["A1"].now, rows["A1"].difference) == (25.0, 20.0, -5.0)
    assert rows["A2"].difference == 0.0
    assert rows["A1"].rank_now == 3 and rows["A2"].rank_now == 1 and rows["A1-1"].rank_now == 1


def test_it_yoy_without_the_year_before_shows_dashes(results: Results) -> None:
    response = client_for(results.analyst).get(
        reverse("dashboard:compare_yoy", args=("T", "2025Q2"))
    )
    rows = list(response.context["page"])
    assert len(rows) == 3
    assert all(r.then is None and r.difference is None for r in rows)


def test_it_yoy_for_county_b(with_2024: Results) -> None:
    response = client_for(with_2024.analyst_b).get(
        reverse("dashboard:compare_yoy", args=("T", "2025Q1"))
    )
    rows = list(response.context["page"])
    assert [r.code for r in rows] == ["B1"]
    # B1: 2024Q1 nothing assessed but A -> 30/60 = 50; 2025Q1 66.
    assert (rows[0].then, rows[0].now) == (50.0, 66.0)


def test_it_yoy_xlsx_reads_back(with_2024: Results) -> None:
    response = client_for(with_2024.analyst).get(
        reverse("dashboard:compare_yoy_xlsx", args=("T", "2025Q1")) + "?sort=-diff"
    )
    sheet = _book(response).worksheets[0]
    header = list(next(sheet.iter_rows(min_row=3, max_row=3, values_only=True)))
    assert header[1:3] == ["单位", "类别"]
    rows = _values(sheet, 4)
    assert [r[0] for r in rows] == ["A1-1", "A1", "A2"]
    a2 = rows[2]
    assert a2[3:9] == [70.0, 50.0, pytest.approx(-20.0), 1, 2, -1]
