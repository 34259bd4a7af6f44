"""Problem analysis: by type and period, by unit with concentration, type x category, and
the records behind every figure.

From the ``results`` fixture, county A's problem records of 2025 (approved, naming a
problem type or on the deduct leaf A1 / veto leaf B2):

| unit | date       | leaf | type                 | deducted |
|------|------------|------|----------------------|----------|
| A1   | 2025-02-01 | A1   | 四风                  | 2 x 5 = 10 |
| A1   | 2025-05-01 | A1   | 违反中央八项规定精神   | 6 x 5 = 30 |
| A2   | 2025-05-03 | A1   | 四风                  | 1 x 5 = 5  |
| A2   | 2025-08-02 | A1   | 四风                  | 4 x 5 = 20 |
| A1   | 2025-11-01 | B2   | 违反中央八项规定精神   | 0 (veto)   |
| A1-1 | 2025-11-02 | A1   | 形式主义官僚主义       | 1 x 5 = 5  |

B1's 2025-06-01 四风 record is county B's. Shares: A1 3/6, A2 2/6, A1-1 1/6, so
HHI = (3/6)² + (2/6)² + (1/6)² = 14/36.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.accounts.roles import Role
from qingfeng.framework.models import Indicator
from qingfeng.org import services
from qingfeng.org.models import Station, StationKind, Unit
from qingfeng.records.models import Evidence, RecordStatus
from tests.conftest import client_for, english, make_user, record
from tests.dashboard.conftest import Results

FOUR_WINDS = "四风"
EIGHT_RULES = "违反中央八项规定精神"
FORMALISM = "形式主义官僚主义"
HHI = (3 / 6) ** 2 + (2 / 6) ** 2 + (1 / 6) ** 2


def _url(name: str, period: str = "2025", query: str = "") -> str:
    return reverse(f"dashboard:{name}", args=("T", period)) + query


def _json(client: Client, period: str = "2025", query: str = "") -> dict[str, Any]:
    response = client.get(_url("problems_json", period, query))
    assert response.status_code == 200
    return response.json()


def _book(response: Any) -> Any:
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_it_counts_problems_by_type_for_county_a(results: Results) -> None:
    data = _json(client_for(results.analyst))
    assert [(t["label"], t["count"], t["points"]) for t in data["by_type"]] == [
        (FOUR_WINDS, 3, 35.0),
        (EIGHT_RULES, 2, 30.0),
        (FORMALISM, 1, 5.0),
    ]
    assert (data["from"], data["to"]) == ("2025-01-01", "2025-12-31")


def test_it_takes_a_date_range_over_the_period(results: Results) -> None:
    client = client_for(results.analyst)
    data = _json(client, "2025Q1", "?from=2025-01-01&to=2025-12-31")
    assert {t["label"]: t["count"] for t in data["by_type"]} == {
        FOUR_WINDS: 3,
        EIGHT_RULES: 2,
        FORMALISM: 1,
    }
    quarter = _json(client, "2025Q1")
    assert {t["label"]: t["count"] for t in quarter["by_type"]} == {FOUR_WINDS: 1}
    assert client.get(_url("problems_json", "2025", "?from=2025-13-01")).status_code == 404
    assert (
        client.get(_url("problems_json", "2025", "?from=2025-05-01&to=2025-04-01")).status_code
        == 404
    )


def test_it_measures_the_concentration_by_unit(results: Results) -> None:
    units = _json(client_for(results.analyst))["units"]
    assert units["records"] == 6
    assert units["units_with_problems"] == 3
    assert units["hhi"] == pytest.approx(HHI)
    assert units["hhi_10000"] == pytest.approx(HHI * 10000)
    assert units["top10_share"] == 1.0
    assert [(u["name"], u["count"], u["points"]) for u in units["top"]] == [
        ("黎城县教育局", 3, 40.0),
        ("黎侯镇", 2, 25.0),
        ("黎城县第一中学", 1, 5.0),
    ]


def test_it_shows_the_page_with_every_count_linking_to_its_records(results: Results) -> None:
    org = results.org
    response = english(client_for(results.analyst)).get(_url("problems"))
    assert response.status_code == 200
    html = response.content.decode()
    records = _url("problem_records")
    assert f'href="{records}?type={FOUR_WINDS}">3</a>' in html.replace(
        "%E5%9B%9B%E9%A3%8E", FOUR_WINDS
    )
    assert f'href="{records}?unit={org.unit_a1.pk}">3</a>' in html
    assert 'data-chart="problems-by-type"' in html
    assert 'data-chart="problems-heatmap"' in html
    assert "0.389" in html  # the HHI on 0-1
    assert "3889 on the 0–10,000 scale" in html
    assert "100.0 %" in html  # the top-10 share
    assert "平顺县财政局" not in html
    assert _url("problems_json") in html


def test_it_builds_the_type_by_category_matrix(results: Results) -> None:
    data = _json(client_for(results.analyst))
    matrix = data["matrix"]
    types = [t["label"] for t in matrix["types"]]
    categories = [c["code"] for c in matrix["categories"]]
    cells = {(types[y], categories[x]): n for x, y, n in matrix["cells"]}
    assert cells == {
        (FOUR_WINDS, "government"): 1,
        (FOUR_WINDS, "township"): 2,
        (EIGHT_RULES, "government"): 2,
        (FORMALISM, "government"): 1,
    }
    html = client_for(results.analyst).get(_url("problems")).content.decode()
    table = html[html.index('data-testid="problem-matrix"') :]
    table = table[: table.index("</table>")]
    records = _url("problem_records")
    assert f'{records}?type=%E5%9B%9B%E9%A3%8E&category=township">2</a>' in table
    assert "政府部门" in table and "镇街" in table


def test_it_counts_by_type_over_the_last_eight_periods(results: Results) -> None:
    data = _json(client_for(results.analyst), "2025Q4")
    periods = [p["period"] for p in data["trend"]["periods"]]
    assert periods == [f"2024Q{i}" for i in range(1, 5)] + [f"2025Q{i}" for i in range(1, 5)]
    assert data["trend"]["periods"][4] == {
        "period": "2025Q1",
        "label": "2025年第一季度",  # the axis label
        "from": "2025-01-01",
        "to": "2025-03-31",
    }
    series = {s["label"]: s["counts"] for s in data["trend"]["series"]}
    assert series == {
        FOUR_WINDS: [0, 0, 0, 0, 1, 1, 1, 0],
        EIGHT_RULES: [0, 0, 0, 0, 0, 1, 0, 1],
        FORMALISM: [0, 0, 0, 0, 0, 0, 0, 1],
    }
    # The quarter's own counts.
    assert {t["label"]: t["count"] for t in data["by_type"]} == {EIGHT_RULES: 1, FORMALISM: 1}
    assert data["records_url"] == _url("problem_records", "2025Q4") + "?"


def test_it_drills_down_to_exactly_the_records_of_a_type(results: Results) -> None:
    org = results.org
    client = english(client_for(results.analyst))
    response = client.get(_url("problem_records", query=f"?type={FOUR_WINDS}"))
    assert response.status_code == 200
    shown = [(r["record"].unit.code, str(r["record"].date)) for r in response.context["rows"]]
    assert shown == [("A2", "2025-08-02"), ("A2", "2025-05-03"), ("A1", "2025-02-01")]
    html = response.content.decode()
    assert "文山会海" in html and "公车私用" in html
    # Each record links to its unit's portrait at its indicator, in the period holding it.
    portrait = reverse("dashboard:portrait", args=("T", "2025", org.unit_a2.pk)) + "?node=A1"
    assert portrait in html
    quarter = client.get(_url("problem_records", "2025Q3", f"?type={FOUR_WINDS}"))
    assert len(quarter.context["rows"]) == 1
    by_unit = client.get(_url("problem_records", query=f"?unit={org.unit_a1.pk}"))
    assert [r["record"].indicator_code for r in by_unit.context["rows"]] == ["B2", "A1", "A1"]
    by_category = client.get(_url("problem_records", query="?category=township"))
    assert {r["record"].unit.code for r in by_category.context["rows"]} == {"A2"}
    assert "镇街" in by_category.content.decode()


def test_it_shows_points_and_evidence_in_the_records(results: Results) -> None:
    record_ = (
        results.org.unit_a2.records.filter(date="2025-08-02").get()  # 文山会海, qty 4
    )
    Evidence.objects.create(
        record=record_, file="evidence/x.pdf", name="x.pdf", size=10, content_type="application/pdf"
    )
    response = client_for(results.analyst).get(
        _url("problem_records", query=f"?type={FOUR_WINDS}&unit={results.org.unit_a2.pk}")
    )
    rows = response.context["rows"]
    assert [(r["record"].deducted, r["evidence"]) for r in rows] == [
        (20.0, 1),
        (5.0, 0),
    ]


def test_it_groups_records_without_a_type_as_unclassified(results: Results) -> None:
    org = results.org
    record(results.scored, org.unit_a2, "A1", "2025-09-01", quantity=2)  # a deduction, no type
    record(results.scored, org.unit_a2, "B1", "2025-09-02", value=70)  # a survey: no problem
    client = english(client_for(results.analyst))
    data = _json(client)
    assert data["by_type"][-1] == {
        "key": "__none__",
        "label": "Unclassified",
        "count": 1,
        "points": 10.0,
    }
    assert data["units"]["records"] == 7
    response = client.get(_url("problem_records", query="?type=__none__"))
    assert [str(r["record"].date) for r in response.context["rows"]] == ["2025-09-01"]


def test_it_counts_only_approved_records(results: Results) -> None:
    org = results.org
    record(
        results.scored,
        org.unit_a1,
        "A1",
        "2025-03-01",
        quantity=1,
        problem_type=FOUR_WINDS,
        status=RecordStatus.RETURNED,
    )
    record(
        results.scored,
        org.unit_a1,
        "A1",
        "2025-03-02",
        quantity=1,
        problem_type=FOUR_WINDS,
        status=RecordStatus.SUBMITTED,
    )
    data = _json(client_for(results.analyst))
    assert {t["label"]: t["count"] for t in data["by_type"]}[FOUR_WINDS] == 3
    response = client_for(results.analyst).get(_url("problem_records", query=f"?type={FOUR_WINDS}"))
    assert len(response.context["rows"]) == 3


def test_it_filters_by_station(results: Results) -> None:
    station = results.org.station_a
    # The station collects A1 (so the filter offers it) and entered one of A2's records.
    Indicator.objects.filter(version=results.scored.version, code="A1").update(station=station)
    results.org.unit_a2.records.filter(date="2025-08-02").update(station=station)
    client = client_for(results.analyst)
    data = _json(client, query=f"?station={station.pk}")
    assert [(t["label"], t["count"]) for t in data["by_type"]] == [(FOUR_WINDS, 1)]
    assert data["records_url"].endswith(f"?station={station.pk}")
    html = client.get(_url("problems")).content.decode()
    assert f'<option value="{station.pk}"' in html
    assert client.get(_url("problems_json", query="?station=x")).status_code == 404


def test_it_county_b_analyst_sees_only_b1(results: Results) -> None:
    client = client_for(results.analyst_b)
    data = _json(client)
    assert [(t["label"], t["count"]) for t in data["by_type"]] == [(FOUR_WINDS, 1)]
    assert [u["name"] for u in data["units"]["top"]] == ["平顺县财政局"]
    assert data["units"]["hhi"] == 1.0
    response = client.get(_url("problem_records", query=f"?type={FOUR_WINDS}"))
    assert [r["record"].unit.code for r in response.context["rows"]] == ["B1"]
    other = client.get(_url("problem_records", query=f"?unit={results.org.unit_a1.pk}"))
    assert other.status_code == 404


def _all_urls() -> list[str]:
    return [
        _url("problems"),
        _url("problems_json"),
        _url("problems_xlsx"),
        _url("problem_records"),
        _url("problem_records_xlsx"),
    ]


def test_it_liaison_gets_404_everywhere(results: Results) -> None:
    client = client_for(results.liaison)
    for url in _all_urls():
        assert client.get(url).status_code == 404, url


def test_it_analyst_opens_everything(results: Results) -> None:
    client = client_for(results.analyst)
    for url in _all_urls():
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("dashboard:problems", args=("T", "2025Q9"))).status_code == 404
    assert client.get(reverse("dashboard:problems", args=("ZZ", "2025"))).status_code == 404


def test_it_problems_xlsx_reads_back(results: Results) -> None:
    book = _book(client_for(results.analyst).get(_url("problems_xlsx")))
    assert len(book.worksheets) == 3
    by_type, by_unit, matrix = book.worksheets
    header = [c.value for c in by_type[3]]
    assert header[0] == "问题类型"
    assert [[c.value for c in row] for row in by_type.iter_rows(min_row=4)] == [
        [FOUR_WINDS, 3, 35.0],
        [EIGHT_RULES, 2, 30.0],
        [FORMALISM, 1, 5.0],
    ]
    unit_rows = [[c.value for c in row] for row in by_unit.iter_rows(min_row=4)]
    assert [c.value for c in by_unit[3]][2:4] == ["单位", "类别"]
    assert unit_rows[0][:6] == [1, "A1", "黎城县教育局", "政府部门", 3, 40.0]
    assert unit_rows[0][6] == pytest.approx(50.0)
    figures = {row[2]: row[4] for row in unit_rows[4:] if row and row[2]}
    assert len(figures) == 4
    values = list(figures.values())
    assert values[0] == 3  # units with problems
    assert values[1] == pytest.approx(100.0)  # top-10 share, %
    assert values[2] == pytest.approx(HHI)
    assert values[3] == pytest.approx(HHI * 10000)
    matrix_rows = [[c.value for c in row] for row in matrix.iter_rows(min_row=3)]
    assert matrix_rows[0] == ["问题类型", "政府部门", "镇街", matrix_rows[0][3]]
    assert matrix_rows[1] == [FOUR_WINDS, 1, 2, 3]
    assert matrix_rows[-1][1:] == [4, 2, 6]


def test_it_problem_records_xlsx_reads_back(results: Results) -> None:
    book = _book(
        client_for(results.analyst).get(_url("problem_records_xlsx", query=f"?type={FOUR_WINDS}"))
    )
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[3]]
    assert header[0] == "日期" and header[2] == "单位" and header[6] == "问题类型"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [(r[1], r[0].date().isoformat(), r[9]) for r in rows] == [
        ("A2", "2025-08-02", 20.0),
        ("A2", "2025-05-03", 5.0),
        ("A1", "2025-02-01", 10.0),
    ]
    assert rows[2][10] == "公车私用"


def test_it_queries_do_not_grow_with_the_units(results: Results) -> None:
    client = client_for(results.analyst)
    urls = [_url("problems"), _url("problems_json"), _url("problem_records")]

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
        unit = services.unit_save(
            unit=Unit(code=f"P{i}", name=f"问题单位{i}", category=org.township, region=org.county_a)
        )
        record(results.scored, unit, "A1", "2025-04-01", quantity=1, problem_type=FOUR_WINDS)
    assert counts() == before
    assert _json(client)["units"]["units_with_problems"] == 15


def test_it_answers_each_chart_its_own_part(results: Results) -> None:
    client = client_for(results.analyst)
    trend = _json(client, query="?part=trend")
    assert "trend" in trend and "matrix" not in trend and "by_type" not in trend
    summary = _json(client, query="?part=summary")
    assert "trend" not in summary and summary["units"]["records"] == 6
    html = client.get(_url("problems")).content.decode()
    assert f'data-src="{_url("problems_json")}?&amp;part=trend"' in html
    assert f'data-src="{_url("problems_json")}?&amp;part=summary"' in html


def test_finding_10_problems_filter_offers_only_stations_in_scope(results: Results) -> None:
    """Finding 10: a discipline group member saw every station in the problems filter;
    docs/scopes.md gives them none, and a county analyst only the county's."""
    org = results.org
    station_b = services.station_save(
        station=Station(
            code="ST-B", name="平顺县委组织部", kind=StationKind.DEPARTMENT, region=org.county_b
        )
    )
    version = results.scored.version
    Indicator.objects.filter(version=version, code="A1").update(station=org.station_a)
    Indicator.objects.filter(version=version, code="B1").update(station=station_b)
    member = make_user("member_a", Role.DISCIPLINE_GROUP_MEMBER, discipline_group=org.group_a)

    def offered(user: Any, query: str = "") -> list[str]:
        response = client_for(user).get(_url("problems", query=query))
        assert response.status_code == 200
        return [s.name for s in response.context["stations"]]

    assert offered(results.analyst) == [org.station_a.name]
    assert offered(results.analyst_b) == [station_b.name]
    assert offered(member) == []
    # Filtering on a station out of scope does not bring its name into the page.
    assert offered(member, f"?station={org.station_a.pk}") == []
    assert offered(results.analyst, f"?station={station_b.pk}") == [org.station_a.name]
    html = client_for(member).get(_url("problems", query=f"?station={org.station_a.pk}"))
    assert org.station_a.name not in html.content.decode()
