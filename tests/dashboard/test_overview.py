"""The overview ("森林"): index, figures, heat map (by unit and by region), ranking,
distribution and warnings, and their JSON.

Numbers are hand-computed from the ``results`` fixture table (tests/dashboard/conftest.py);
the JSON endpoints are also compared with the stored snapshots row by row. Ranks are the
stored, official ones over all four units of framework T (county B's B1 included), so
county A's analyst sees ranks 1, 3 and 4 in 2025Q1.

2025Q1 (scale 100; bands blue < 0.9, yellow < 0.8, red < 0.6):
| unit | A (60)   | B (40)  | total  | band   | rank |
|------|----------|---------|--------|--------|------|
| A1-1 | 40 yel.  | —       | 66.67  | yellow | 1    |
| B1   | 30 red   | 36 gr.  | 66.00  | yellow | 2    |
| A2   | 30 red   | 20 red  | 50.00  | red    | 3    |
| A1   | 20 red   | —       | 33.33  | red    | 4    |
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from qingfeng.accounts.roles import Role
from qingfeng.dashboard import overview_tables
from qingfeng.framework.models import Framework, FrameworkVersion, VersionStatus
from qingfeng.org.models import Unit
from qingfeng.scoring.models import Snapshot
from tests.conftest import client_for, english, make_user
from tests.dashboard.conftest import Results

LEVEL_ONE = ["A", "B"]
CODES = ["A", "A1", "A2", "B", "B1", "B2"]
COUNTY_A = {"黎城县教育局", "黎城县第一中学", "黎侯镇"}


class _Tables(HTMLParser):
    """The rows of every ``<table data-testid=…>``: each cell as (attributes, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[tuple[dict[str, str], str]]]] = {}
        self.links: dict[str, list[str]] = {}
        self._table: str | None = None
        self._cell: tuple[dict[str, str], list[str]] | None = None
        self._row: list[tuple[dict[str, str], str]] | None = None
        self._row_attributes: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "table" and "data-testid" in attributes:
            self._table = attributes["data-testid"]
            self.tables[self._table] = []
        elif self._table and tag == "tr":
            self._row, self._row_attributes = [], attributes
        elif self._row is not None and tag in ("td", "th"):
            # A cell also carries its row's data-* (the ranking and warnings set them there).
            self._cell = ({**self._row_attributes, **attributes}, [])
        elif tag == "a" and self._cell is not None:
            self._cell[0].setdefault("href", attributes.get("href", ""))
        if tag == "a" and "data-testid" in attributes:
            self.links.setdefault(attributes["data-testid"], []).append(attributes["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append((self._cell[0], " ".join("".join(self._cell[1]).split())))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1].append(data)


def _page(client: Any, url: str) -> _Tables:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser


def _body(table: list[list[tuple[dict[str, str], str]]]) -> list[list[tuple[dict[str, str], str]]]:
    """The table's body rows (the header row has <th> cells only)."""
    return [row for row in table if any("data-unit" in a or "data-region" in a for a, _ in row)]


def _url(name: str, *args: Any) -> str:
    return reverse(f"dashboard:{name}", args=args)


def _snapshots(results: Results, period: str, units: list[Unit]) -> list[Snapshot]:
    return list(
        Snapshot.objects.filter(
            version=results.scored.version, period=period, unit__in=units
        ).order_by("rank", "unit_id")
    )


def _county_a(results: Results) -> list[Unit]:
    org = results.org
    return [org.unit_a1, org.unit_a1_sub, org.unit_a2]


# --- index and periods ---------------------------------------------------------------


def test_it_lists_the_frameworks_on_the_index(results: Results) -> None:
    response = client_for(results.analyst).get(_url("index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "测试体系" in html and "2025Q4" in html
    assert _url("overview", "T", "2025Q4") in html
    assert _url("compare_indicator", "T", "2025Q4") in html
    assert _url("problems", "T", "2025Q4") in html


def test_it_redirects_to_the_latest_period(results: Results) -> None:
    response = client_for(results.analyst).get(_url("overview_latest", "T"))
    assert response.status_code == 302
    assert response["Location"] == _url("overview", "T", "2025Q4")


def test_it_explains_an_empty_framework(results: Results) -> None:
    framework = Framework.objects.create(code="E", name="空体系", region=results.org.county_a)
    FrameworkVersion.objects.create(
        framework=framework, number=1, name="空体系", year=2025, status=VersionStatus.PUBLISHED
    )
    response = client_for(results.analyst).get(_url("overview_latest", "E"))
    assert response.status_code == 200
    assert b'data-testid="overview-empty"' in response.content


def test_it_404s_without_the_analysis_capability(results: Results) -> None:
    client = client_for(results.liaison)
    for url in (
        _url("index"),
        _url("overview_latest", "T"),
        _url("overview", "T", "2025Q1"),
        _url("overview_json", "T", "2025Q1"),
        _url("heatmap_json", "T", "2025Q1"),
    ):
        assert client.get(url).status_code == 404, url


def test_it_404s_on_unknown_periods_frameworks_and_regions(results: Results) -> None:
    client = client_for(results.analyst)
    for url in (
        _url("overview", "T", "2025Q9"),  # not a period
        _url("overview", "T", "nonsense"),
        _url("overview", "T", "2024Q4"),  # no version in force
        _url("overview", "T", "2026Q1"),  # never scored
        _url("overview", "NOPE", "2025Q1"),
        _url("overview_json", "T", "2025Q9"),
        _url("heatmap_json", "T", "2024Q4"),
        _url("overview", "T", "2025Q1") + f"?region={results.org.county_b.pk}",  # outside
        _url("overview", "T", "2025Q1") + "?region=abc",
    ):
        assert client.get(url).status_code == 404, url


# --- scope, heat map and ranking -------------------------------------------------------


def test_it_shows_county_a_with_the_official_ranks(results: Results) -> None:
    org = results.org
    page = _page(client_for(results.analyst), _url("overview", "T", "2025Q1"))
    rows = _body(page.tables["heatmap"])
    assert [row[1][1] for row in rows] == ["黎城县第一中学", "黎侯镇", "黎城县教育局"]
    assert [row[0][1] for row in rows] == ["1", "3", "4"]  # B1 holds rank 2
    assert [row[3][1] for row in rows] == ["66.67", "50.00", "33.33"]
    assert [row[3][0]["data-band"] for row in rows] == ["yellow", "red", "red"]
    a1 = rows[2]
    assert a1[0][0]["data-unit"] == str(org.unit_a1.pk)
    # A1 lost 10 of A1's 30 points and has no bonus: A = 20 of 60, red; B not assessed.
    assert (a1[4][0]["data-code"], a1[4][0]["data-band"], a1[4][1]) == ("A", "red", "20")
    assert (a1[5][0]["data-code"], a1[5][0]["data-band"], a1[5][1]) == ("B", "none", "—")
    # The ranking is its own tab (the heat map already lists the units once).
    assert "ranking" not in page.tables
    tab = _page(client_for(results.analyst), _url("overview", "T", "2025Q1") + "?view=ranking")
    assert "heatmap" not in tab.tables
    ranking = _body(tab.tables["ranking"])
    assert [row[2][1] for row in ranking] == ["黎城县第一中学", "黎侯镇", "黎城县教育局"]
    assert [row[0][1] for row in ranking] == ["1", "3", "4"]


def test_it_shows_county_b_only_to_its_analyst(results: Results) -> None:
    page = _page(client_for(results.analyst_b), _url("overview", "T", "2025Q1"))
    rows = _body(page.tables["heatmap"])
    assert [row[1][1] for row in rows] == ["平顺县财政局"]
    assert [row[0][1] for row in rows] == ["2"]
    assert {cell[0]["data-band"] for cell in rows[0][4:]} == {"red", "green"}


def test_it_links_a_red_cell_to_the_portrait_at_that_indicator(results: Results) -> None:
    unit = results.org.unit_a1
    page = _page(client_for(results.analyst), _url("overview", "T", "2025Q1"))
    cells = [
        cell
        for row in _body(page.tables["heatmap"])
        for cell in row
        if cell[0].get("data-unit") == str(unit.pk) and cell[0].get("data-code") == "A"
    ]
    assert len(cells) == 1
    attributes, text = cells[0]
    assert attributes["data-band"] == "red" and "qf-band-red" in attributes["class"]
    portrait = _url("portrait", "T", "2025Q1", unit.pk)
    assert attributes["href"] == f"{portrait}?node=A#node-A"
    assert text == "20"


def test_it_sorts_the_heat_map_by_an_indicator(results: Results) -> None:
    client = client_for(results.analyst)
    url = _url("overview", "T", "2025Q1")

    def order(query: str) -> list[str]:
        return [row[1][1] for row in _body(_page(client, url + query).tables["heatmap"])]

    # B: only A2 is assessed (20 of 40); the others follow by rank.
    assert order("?sort=B") == ["黎侯镇", "黎城县第一中学", "黎城县教育局"]
    # A ratios: A1-1 0.667, A2 0.5, A1 0.333.
    assert order("?sort=A&order=asc") == ["黎城县教育局", "黎侯镇", "黎城县第一中学"]
    assert order("?sort=total&order=asc") == ["黎城县教育局", "黎侯镇", "黎城县第一中学"]
    assert order("?sort=name") == sorted(COUNTY_A)


@pytest.mark.parametrize(
    "query", ["", "?sort=A", "?sort=A&order=asc", "?sort=B", "?sort=total&order=asc", "?sort=name"]
)
def test_it_orders_the_page_and_its_json_alike(results: Results, query: str) -> None:
    """The page sorts from its one-pass matrix in Python, the JSON in SQL: same order."""
    client = client_for(results.analyst)
    for period in ("2025Q1", "2025Q4"):
        page = _page(client, _url("overview", "T", period) + query)
        html_order = [int(row[0][0]["data-unit"]) for row in _body(page.tables["heatmap"])]
        data = client.get(_url("heatmap_json", "T", period) + query).json()
        assert [row["pk"] for row in data["rows"]] == html_order


def test_it_pages_the_heat_map_and_the_ranking(
    results: Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overview_tables, "PAGE_SIZE", 2)
    client = client_for(results.analyst)
    url = _url("overview", "T", "2025Q1")
    first, second = _page(client, url), _page(client, url + "?page=2")
    assert [row[1][1] for row in _body(first.tables["heatmap"])] == ["黎城县第一中学", "黎侯镇"]
    assert [row[1][1] for row in _body(second.tables["heatmap"])] == ["黎城县教育局"]
    ranking = _page(client, url + "?view=ranking&page=2")
    assert [row[0][1] for row in _body(ranking.tables["ranking"])] == ["4"]
    data = client.get(_url("heatmap_json", "T", "2025Q1") + "?page=2").json()
    assert (data["page"], data["pages"], data["count"]) == (2, 2, 3)


def test_it_filters_by_category_with_the_rank_in_category(results: Results) -> None:
    client = client_for(results.analyst)
    url = _url("overview", "T", "2025Q1") + "?category=government"
    page, tab = _page(client, url), _page(client, url + "&view=ranking")
    ranking = _body(tab.tables["ranking"])
    # rank, change, rank in category, unit …: A1-1 first of the government units, A1 third
    # (B1, outside the scope, is second).
    assert [(row[0][1], row[2][1], row[3][1]) for row in ranking] == [
        ("1", "1", "黎城县第一中学"),
        ("4", "3", "黎城县教育局"),
    ]
    assert "黎侯镇" not in {row[1][1] for row in _body(page.tables["heatmap"])}


def test_it_shows_rank_changes(results: Results) -> None:
    page = _page(client_for(results.analyst), _url("overview", "T", "2025Q3") + "?view=ranking")
    changes = {row[2][1]: row[1][1] for row in _body(page.tables["ranking"])}
    # A1 4 -> 1, A1-1 1 -> 2, A2 2 -> 4.
    assert changes == {"黎城县教育局": "↑3", "黎城县第一中学": "↓1", "黎侯镇": "↓2"}


def test_it_says_the_ranks_are_the_official_ones(results: Results) -> None:
    response = english(client_for(results.analyst)).get(_url("overview", "T", "2025Q1"))
    assert b"Ranks are the official ones" in response.content
    assert b"Heat map" in response.content  # English UI


# --- figures and the charts' JSON -------------------------------------------------------


def test_it_computes_the_figures(results: Results) -> None:
    client = client_for(results.analyst)
    q3 = client.get(_url("overview_json", "T", "2025Q3")).json()["figures"]
    # Q3: A1 62 yellow (was red), A1-1 50 red (was yellow), A2 16.67 red (was red).
    assert q3["units"] == 3 and q3["vetoed"] == 0
    assert q3["bands"] == {"green": 0, "blue": 0, "yellow": 1, "red": 2}
    assert q3["mean"] == pytest.approx((62 + 50 + 16.6667) / 3)
    assert q3["previous_period"] == "2025Q2"
    assert q3["previous_mean"] == pytest.approx((66 + 41.6667 + 0) / 3)
    assert q3["change"] == pytest.approx(7.0, abs=1e-3)
    assert (q3["moved"], q3["moved_up"], q3["moved_down"]) == (2, 1, 1)
    q1 = client.get(_url("overview_json", "T", "2025Q1")).json()["figures"]
    assert q1["mean"] == pytest.approx(50.0) and q1["change"] is None and q1["moved"] is None
    q4 = client.get(_url("overview_json", "T", "2025Q4")).json()["figures"]
    assert q4["vetoed"] == 1  # A1's veto in Q4
    page = client.get(_url("overview", "T", "2025Q3")).content.decode()
    assert 'data-testid="figure-units">3<' in page
    assert 'data-testid="figure-mean">42.89<' in page
    assert "+7.00" in page


def test_it_overview_json_equals_the_snapshots(results: Results) -> None:
    client = client_for(results.analyst)
    for period in ("2025Q1", "2025Q2", "2025Q3", "2025Q4"):
        data = client.get(_url("overview_json", "T", period)).json()
        stored = _snapshots(results, period, _county_a(results))
        totals = sorted((s.total for s in stored if s.total is not None), reverse=True)
        assert data["totals"] == totals
        assert data["figures"]["units"] == len(totals)
        assert data["figures"]["mean"] == pytest.approx(sum(totals) / len(totals))
        counts = {band["band"]: band["count"] for band in data["bands"]}
        assert counts == {
            level: sum(1 for s in stored if s.band == level)
            for level in ("green", "blue", "yellow", "red")
        }
        assert [b["band"] for b in data["bands"]] == ["green", "blue", "yellow", "red"]
        bins = data["distribution"]["bins"]
        assert [b["from"] for b in bins] == [10.0 * i for i in range(10)]
        for b in bins:
            inside = [t for t in totals if b["from"] <= t < b["to"] or (b["to"] == 100 == t)]
            assert b["count"] == len(inside), (period, b)
    # By hand: in 2025Q1 A1's 33.33 is the one total in 30-40, a red bin (lower edge 0.3).
    q1 = client.get(_url("overview_json", "T", "2025Q1")).json()
    assert q1["distribution"]["bins"][3] == {"from": 30.0, "to": 40.0, "count": 1, "band": "red"}
    assert [b["band"] for b in q1["distribution"]["bins"]][5:] == [
        "red",
        "yellow",
        "yellow",
        "blue",
        "green",
    ]
    assert 33.3333 in q1["totals"]


def test_it_heatmap_json_equals_the_snapshots(results: Results) -> None:
    client = client_for(results.analyst)
    for period in ("2025Q1", "2025Q4"):
        data = client.get(_url("heatmap_json", "T", period)).json()
        assert data["columns"] == [{"code": "A", "name": "指标A"}, {"code": "B", "name": "指标B"}]
        stored = _snapshots(results, period, _county_a(results))
        assert [row["pk"] for row in data["rows"]] == [s.unit_id for s in stored]
        for row, snap in zip(data["rows"], stored, strict=True):
            assert (row["unit"], row["total"], row["band"], row["rank"]) == (
                snap.unit.code,
                snap.total,
                snap.band,
                snap.rank,
            )
            nodes = snap.node_results(CODES)
            for cell in row["cells"]:
                if cell["code"] in nodes:
                    assert (cell["score"], cell["max"], cell["band"]) == nodes[cell["code"]]
                else:
                    assert cell == {
                        "code": cell["code"],
                        "score": None,
                        "max": None,
                        "band": "none",
                    }
    q1 = client.get(_url("heatmap_json", "T", "2025Q1")).json()
    a1 = next(row for row in q1["rows"] if row["unit"] == "A1")
    assert (a1["total"], a1["band"], a1["rank"]) == (33.3333, "red", 4)
    assert a1["cells"][0] == {"code": "A", "score": 20.0, "max": 60.0, "band": "red"}


# --- the region view --------------------------------------------------------------------


def test_it_aggregates_the_heat_map_by_region(results: Results) -> None:
    org = results.org
    city_analyst = make_user("analyst_city", Role.ANALYST, region=org.city)
    client = client_for(city_analyst)
    data = client.get(_url("heatmap_json", "T", "2025Q1") + "?view=regions").json()
    by_name = {row["name"]: row for row in data["rows"]}
    assert set(by_name) == {"黎城县", "平顺县"}
    county_a, county_b = by_name["黎城县"], by_name["平顺县"]
    assert (county_a["pk"], county_a["units"]) == (org.county_a.pk, 3)
    assert county_a["mean"] == pytest.approx(50.0) and county_a["band"] == "red"
    # A: (40/60 + 30/60 + 20/60) / 3 = 0.5, red; B: only A2 assessed, 20/40 = 0.5, red.
    assert county_a["cells"][0]["ratio"] == pytest.approx(0.5)
    assert county_a["cells"][0]["band"] == "red"
    assert (county_a["cells"][1]["units"], county_a["cells"][1]["band"]) == (1, "red")
    # County B: B1 alone, A 30/60 red, B 36/40 = 0.9 green, total 66 yellow.
    assert county_b["band"] == "yellow"
    assert [c["band"] for c in county_b["cells"]] == ["red", "green"]
    assert county_b["cells"][1]["ratio"] == pytest.approx(0.9)
    page = _page(client, _url("overview", "T", "2025Q1") + "?view=regions")
    rows = _body(page.tables["heatmap"])
    assert len(rows) == 2
    link = next(row[0][0]["href"] for row in rows if row[0][1] == "黎城县")
    assert link == _url("overview", "T", "2025Q1") + f"?region={org.county_a.pk}"
    # Following the link: county A's units only.
    drilled = _page(client, link)
    assert {row[1][1] for row in _body(drilled.tables["heatmap"])} == COUNTY_A


def test_it_shows_a_county_analyst_its_own_county(results: Results) -> None:
    data = (
        client_for(results.analyst)
        .get(_url("heatmap_json", "T", "2025Q1") + "?view=regions")
        .json()
    )
    assert [(row["name"], row["own"], row["units"]) for row in data["rows"]] == [
        ("黎城县", True, 3)
    ]


# --- warnings ---------------------------------------------------------------------------


def test_it_lists_the_warnings_most_severe_first(results: Results) -> None:
    page = _page(client_for(results.analyst), _url("overview", "T", "2025Q1"))
    rows = [
        (cells[0][1], cells[0][0]["data-code"], cells[0][0]["data-band"])
        for cells in _body(page.tables["warnings"])
    ]
    # Totals: A1-1 yellow, A2 red, A1 red; level-1: A1-1 A yellow, A2 A and B red, A1 A red.
    assert sorted(rows) == sorted(
        [
            ("黎城县第一中学", "", "yellow"),
            ("黎侯镇", "", "red"),
            ("黎城县教育局", "", "red"),
            ("黎城县第一中学", "A", "yellow"),
            ("黎侯镇", "A", "red"),
            ("黎侯镇", "B", "red"),
            ("黎城县教育局", "A", "red"),
        ]
    )
    assert [band for _unit, _code, band in rows] == ["red"] * 5 + ["yellow"] * 2
    assert rows[0][0] == "黎城县教育局"  # the lowest ratio: 0.33
    unit = results.org.unit_a1
    a1_node = next(
        cells[0][0]["href"]
        for cells in _body(page.tables["warnings"])
        if cells[0][0]["data-code"] == "A" and cells[0][0]["data-unit"] == str(unit.pk)
    )
    assert a1_node == _url("portrait", "T", "2025Q1", unit.pk) + "?node=A#node-A"


def test_it_puts_a_vetoed_unit_first(results: Results) -> None:
    page = _page(client_for(results.analyst), _url("overview", "T", "2025Q4"))
    first = _body(page.tables["warnings"])[0]
    assert first[0][1] == "黎城县教育局"
    assert "一票否决" in first[4][1]


def test_it_links_the_exports(results: Results) -> None:
    page = _page(client_for(results.analyst), _url("overview", "T", "2025Q1") + "?category=x")
    assert page.links["export-ranking"] == [_url("ranking_xlsx", "T", "2025Q1") + "?category=x"]
    assert page.links["export-heatmap"] == [_url("heatmap_xlsx", "T", "2025Q1") + "?category=x"]
    assert page.links["export-warnings"] == [_url("warnings_xlsx", "T", "2025Q1") + "?category=x"]
    assert page.links["export-results"] == [_url("results_xlsx", "T", "2025Q1")]


def test_it_links_the_ranking_page_to_the_overview(results: Results) -> None:
    response = client_for(results.analyst).get(reverse("scoring:ranking", args=["T", "2025Q1"]))
    assert _url("overview", "T", "2025Q1").encode() in response.content
