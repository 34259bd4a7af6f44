"""The API answers within ``token_units``: a county's token never sees, nor learns of, the
other county's units and frameworks."""

from __future__ import annotations

from typing import Any

from django.test import Client

from qingfeng.accounts.models import User
from qingfeng.accounts.selectors import token_units
from qingfeng.api.tokens import token_issue
from qingfeng.lib.periods import Period
from qingfeng.org import services
from qingfeng.org.models import Station, StationKind
from qingfeng.records.rescore import period_recompute
from tests.api.conftest import Api, county_b_framework, item
from tests.conftest import record


def _county_b_token(api: Api, admin_b: User) -> str:
    station = services.station_save(
        station=Station(
            code="ST-B", name="平顺县委组织部", kind=StationKind.DEPARTMENT, region=api.org.county_b
        )
    )
    _token, plain = token_issue(station=station, name="信访系统", actor=admin_b)
    return plain


def _get(plain: str, url: str) -> Any:
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_each_county_token_gets_the_scores_of_its_own_units(api: Api, admin_b: User) -> None:
    org = api.org
    record(api.scored, org.unit_a1, "A1", "2025-02-01", quantity=1)
    record(api.scored, org.unit_b1, "A1", "2025-02-01", quantity=2)
    period_recompute(framework=api.scored.framework, period=Period.parse("2025Q1"))
    plain_b = _county_b_token(api, admin_b)

    units_a = {row["unit"] for row in api.get("/api/frameworks/T/scores/2025Q1").json()}
    units_b = {row["unit"] for row in _get(plain_b, "/api/frameworks/T/scores/2025Q1").json()}
    assert units_a == set(token_units(api.token).values_list("code", flat=True))
    assert units_a == {"A1", "A1-1", "A2"}
    assert units_b == {"B1"}


def test_a_unit_of_the_other_county_is_unknown_to_a_push(api: Api) -> None:
    response = api.post("/api/frameworks/T/records", {"records": [item("x-1", unit="B1")]})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors == [{"index": 0, "field": "unit", "message": 'unknown unit "B1"'}]
    # Exactly what a unit that does not exist gets.
    missing = api.post("/api/frameworks/T/records", {"records": [item("x-2", unit="NOPE")]})
    assert missing.json()["errors"][0]["message"] == 'unknown unit "NOPE"'


def test_the_other_county_framework_is_404_for_one_token_and_found_by_its_own(
    api: Api, admin_b: User
) -> None:
    county_b_framework(api)
    plain_b = _county_b_token(api, admin_b)
    assert api.get("/api/frameworks/FB/periods").status_code == 404
    assert _get(plain_b, "/api/frameworks/FB/periods").status_code == 200
    # The city's framework assesses both counties' units.
    assert _get(plain_b, "/api/frameworks/T/periods").status_code == 200
