"""Issue 10 on the records push: numbers finite and within bounds (finding 8), bodies with
a lone surrogate or deep nesting, the length of the error list and inactive units
(finding 10) — each a clean 422, never a server error."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from qingfeng.lib.periods import Period
from qingfeng.lib.uploads import ISSUES_SHOWN
from qingfeng.records.models import Record
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
from tests.api.conftest import Api, item
from tests.conftest import record

URL = "/api/frameworks/T/records"

pytestmark = pytest.mark.django_db


def _post(api: Api, body: str) -> object:
    # A server error must show as a 500 answer here, not as an exception in the test.
    client = Client(raise_request_exception=False)
    return client.post(URL, body, content_type="application/json", **api.headers())


@pytest.mark.parametrize(
    ("field", "sent", "message"),
    [
        ("quantity", 1e308, "the number must lie between -100,000 and 100,000"),
        ("quantity", "1e308", "the number must lie between -100,000 and 100,000"),
        ("points", -20000, "the number must lie between -10,000 and 10,000"),
        ("quantity", "inf", 'expected a number, got "inf"'),
        ("quantity", "NaN", 'expected a number, got "NaN"'),
    ],
)
def test_finding_8_the_api_refuses_numbers_out_of_bounds(
    api: Api, field: str, sent: object, message: str
) -> None:
    response = api.post(URL, {"records": [item("x-1", **{field: sent})]})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"index": 0, "field": field, "message": message}]
    assert not Record.objects.exists()


def test_finding_8_the_api_refuses_infinity_written_as_json(api: Api) -> None:
    # Python's json (and so ninja's parser) reads the non-standard Infinity and NaN.
    body = json.dumps({"records": [item("x-1")]}).replace('"quantity": 1', '"quantity": Infinity')
    response = _post(api, body)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert not Record.objects.exists()


@pytest.mark.parametrize("field", ["external_id", "unit", "note", "problem_type", "points"])
def test_finding_10_a_lone_surrogate_in_a_body_is_a_clean_422(api: Api, field: str) -> None:
    sent = item("x-1")
    sent[field] = "a\ud800"
    response = _post(api, json.dumps({"records": [sent]}))
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.json() == {  # type: ignore[attr-defined]
        "errors": [
            {
                "index": None,
                "field": None,
                "message": "the body holds text that is not valid Unicode",
            }
        ],
        "more": 0,
    }
    assert not Record.objects.exists()


def test_finding_10_a_surrogate_pair_is_text_like_any_other(api: Api) -> None:
    response = _post(api, json.dumps({"records": [item("x-1", note="好 \U0001f600")]}))
    assert response.status_code == 201  # type: ignore[attr-defined]
    assert Record.objects.get().note == "好 \U0001f600"


@pytest.mark.parametrize("depth", [100_000, 1_000, 40])
def test_finding_10_deeply_nested_brackets_are_a_clean_422(api: Api, depth: int) -> None:
    for body in ("[" * depth + "]" * depth, '{"records": ' + "[" * depth + "]" * depth + "}"):
        response = _post(api, body)
        assert response.status_code == 422  # type: ignore[attr-defined]
        errors = response.json()["errors"]  # type: ignore[attr-defined]
        assert errors == [
            {"index": None, "field": None, "message": "the body is nested more than 32 levels deep"}
        ]


def test_finding_10_the_api_lists_at_most_200_errors(api: Api) -> None:
    batch = {"records": [item(f"x-{n}", quantity=-1) for n in range(ISSUES_SHOWN + 50)]}
    response = api.post(URL, batch)
    assert response.status_code == 422
    body = response.json()
    assert len(body["errors"]) == ISSUES_SHOWN == 200
    assert body["more"] == 50
    assert body["errors"][-1]["index"] == ISSUES_SHOWN - 1


def test_finding_10_the_api_refuses_records_of_an_inactive_unit(api: Api) -> None:
    api.org.unit_a2.active = False
    api.org.unit_a2.save()
    response = api.post(URL, {"records": [item("x-1", unit="A2")]})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 0, "field": "unit", "message": 'unit "A2" is inactive: it is no longer assessed'}
    ]


def test_finding_8_api_answers_never_hold_infinity(api: Api) -> None:
    record(api.scored, api.org.unit_a1, "A1", "2025-02-01", quantity=1)
    period_recompute(framework=api.scored.framework, period=Period.parse("2025Q1"))
    stored = Snapshot.objects.filter(period="2025Q1")
    assert stored.exists()
    stored.update(total=float("inf"), raw=float("-inf"))

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    response = api.get("/api/frameworks/T/scores/2025Q1")
    assert response.status_code == 200
    rows = json.loads(response.content, parse_constant=refuse)
    assert rows and all(row["total"] is None and row["raw"] is None for row in rows)
