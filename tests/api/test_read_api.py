"""GET endpoints: framework, periods, scores — within the token station's scope."""

from __future__ import annotations

from qingfeng.lib.periods import Period
from qingfeng.records.rescore import period_recompute
from tests.api.conftest import Api, county_b_framework
from tests.conftest import record


def test_it_gives_the_framework_version_in_force(api: Api) -> None:
    response = api.get("/api/frameworks/T?year=2025")
    assert response.status_code == 200
    spec = response.json()
    assert spec["code"] == "T" and spec["year"] == 2025
    assert [node["code"] for node in spec["indicators"]] == ["A", "B"]
    assert api.get("/api/frameworks/T?year=2024").status_code == 404


def test_it_lists_the_collection_periods(api: Api) -> None:
    response = api.get("/api/frameworks/T/periods")
    assert response.json() == [{"period": "2025Q1", "status": "open"}]


def test_it_hides_a_framework_of_another_county(api: Api) -> None:
    county_b_framework(api)
    for url in (
        "/api/frameworks/FB?year=2025",
        "/api/frameworks/FB/periods",
        "/api/frameworks/FB/scores/2025Q1",
    ):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"] == api.get("/api/frameworks/NOPE/periods").json()[
            "detail"
        ].replace("NOPE", "FB")


def test_it_gives_scores_only_of_the_station_region(api: Api) -> None:
    org = api.org
    record(api.scored, org.unit_a1, "A1", "2025-02-01", quantity=1)
    record(api.scored, org.unit_b1, "B1", "2025-02-01", value=90)
    period_recompute(framework=api.scored.framework, period=Period.parse("2025Q1"))
    response = api.get("/api/frameworks/T/scores/2025Q1")
    assert response.status_code == 200
    units = {row["unit"] for row in response.json()}
    assert "A1" in units
    assert "B1" not in units
    assert units <= {"A1", "A1-1", "A2"}
    row = next(row for row in response.json() if row["unit"] == "A1")
    assert set(row) >= {"total", "rank", "band", "nodes", "vetoed", "category"}


def test_it_answers_404_for_a_malformed_period(api: Api) -> None:
    assert api.get("/api/frameworks/T/scores/2025X9").status_code == 404


def test_it_describes_the_endpoints_in_openapi(api: Api) -> None:
    described = api.client.get("/api/openapi.json").json()
    paths = described["paths"]
    assert set(paths) >= {
        "/api/frameworks/{code}",
        "/api/frameworks/{code}/periods",
        "/api/frameworks/{code}/scores/{period}",
        "/api/frameworks/{code}/records",
    }
    body = paths["/api/frameworks/{code}/records"]["post"]["requestBody"]
    reference = body["content"]["application/json"]["schema"]["$ref"]
    batch = described["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert batch["required"] == ["records"]
    item = described["components"]["schemas"]["RecordIn"]
    assert set(item["required"]) == {"external_id", "unit", "indicator", "date"}
    assert item["properties"]["date"] == {
        "type": "string",
        "format": "date",
        "title": "Date",
        "description": "事实发生日期，格式 YYYY-MM-DD；必须落在开放的采集期内。",
    }
    assert item["additionalProperties"] is False


def test_it_serves_the_docs_without_external_urls(api: Api) -> None:
    reference = api.client.get("/api/docs").content.decode()
    assert "http://" not in reference and "https://" not in reference
    response = api.client.get("/api/docs?ui=swagger")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        served = api.client.get(f"/api/docs/assets/{asset}")
        assert served.status_code == 200, asset
    assert api.client.get("/api/docs/assets/redoc.standalone.js.map").status_code == 404
