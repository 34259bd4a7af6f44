"""What fuzzing the API found (issue 10: schemathesis and hypothesis), each fixed at its
root, each with the test that failed before the fix.

* NUL characters: PostgreSQL can neither store nor compare text holding U+0000, so a
  ``"\\u0000"`` anywhere in a records body (a unit code, a note, an external id) or in a
  framework code of the URL was a server error there (SQLite stored it).
* The OpenAPI document described a blank unit, indicator and external id as valid (the
  API refuses them), grade and problem type as unbounded (the API refuses more than 32
  and 100 characters) and the external id as text only (the API also takes a number).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from qingfeng.records.models import Record
from tests.api.conftest import Api, item

RECORDS = "/api/frameworks/T/records"

pytestmark = pytest.mark.django_db


def _post(api: Api, body: str) -> Any:
    # A server error must show as a 500 answer here, not as an exception in the test.
    client = Client(raise_request_exception=False)
    return client.post(RECORDS, body, content_type="application/json", **api.headers())


@pytest.mark.parametrize(
    "field", ["external_id", "unit", "indicator", "date", "note", "grade", "problem_type"]
)
def test_nul_character_in_a_records_body_is_a_clean_422(api: Api, field: str) -> None:
    sent = item("x-1")
    sent[field] = "a\x00b"
    response = _post(api, json.dumps({"records": [sent]}))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "index": None,
            "field": None,
            "message": "the body holds a NUL character, which no text may hold",
        }
    ]
    assert not Record.objects.exists()


def test_nul_character_in_a_key_of_the_body_is_refused_too(api: Api) -> None:
    response = _post(api, json.dumps({"records": [{**item("x-1"), "no\x00te": "x"}]}))
    assert response.status_code == 422
    assert not Record.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/api/frameworks/T%00/periods", "/api/frameworks/%00", "/api/frameworks/T%00/scores/2025Q1"],
)
def test_nul_character_in_a_framework_code_is_a_404(api: Api, path: str) -> None:
    response = Client(raise_request_exception=False).get(path, **api.headers())
    assert response.status_code == 404
    assert response.json()["detail"].startswith("unknown framework")


def test_nul_character_in_a_framework_code_of_a_push_is_a_404(api: Api) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/frameworks/T%00/records",
        json.dumps({"records": [item("x-1")]}),
        content_type="application/json",
        **api.headers(),
    )
    assert response.status_code == 404
    assert not Record.objects.exists()


def _record_schema(api: Api) -> dict[str, Any]:
    document = api.client.get("/api/openapi.json").json()
    return document["components"]["schemas"]["RecordIn"]["properties"]


def test_openapi_says_unit_indicator_and_external_id_must_not_be_blank(api: Api) -> None:
    properties = _record_schema(api)
    for name in ("unit", "indicator"):
        assert properties[name]["minLength"] == 1
        assert properties[name]["pattern"] == r"\S"
    text, number = properties["external_id"]["anyOf"]
    assert (text["minLength"], text["maxLength"], text["pattern"]) == (1, 100, r"\S")
    assert number == {"type": "integer"}
    # What the document says is what the API does.
    response = api.post(RECORDS, {"records": [item(" ", unit="  ", indicator="")]})
    assert response.status_code == 422
    assert {(e["field"], e["message"]) for e in response.json()["errors"]} == {
        ("external_id", "this field is required"),
        ("unit", "this field is required"),
        ("indicator", "this field is required"),
    }


def test_openapi_says_a_number_is_an_external_id_as_the_api_takes_it(api: Api) -> None:
    response = api.post(RECORDS, {"records": [item(12345)]})  # type: ignore[arg-type]
    assert response.status_code == 201
    assert Record.objects.get().external_id == "12345"


def test_openapi_says_how_long_grade_and_problem_type_may_be(api: Api) -> None:
    properties = _record_schema(api)
    assert properties["grade"]["anyOf"] == [{"type": "string", "maxLength": 32}, {"type": "null"}]
    assert properties["problem_type"]["anyOf"] == [
        {"type": "string", "maxLength": 100},
        {"type": "null"},
    ]
    response = api.post(
        RECORDS, {"records": [item("x-1", grade="一" * 33, problem_type="x" * 101)]}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"grade", "problem_type"}
