"""POST /api/frameworks/{code}/records: all or nothing, idempotent, limited."""

from __future__ import annotations

import json

from django.test import Client, override_settings
from django.utils import timezone

from qingfeng.api.tokens import token_revoke
from qingfeng.records.models import CollectionPeriod, Record, RecordSource, RecordStatus
from qingfeng.records.periods import period_close
from tests.api.conftest import Api, item

URL = "/api/frameworks/T/records"


def test_it_stores_a_batch_as_submitted_records_from_the_api(api: Api) -> None:
    batch = {"records": [item("x-1"), item("x-2", "A2", indicator="A2", grade="一等")]}
    response = api.post(URL, batch)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 2 and body["existing"] == 0
    records = Record.objects.filter(pk__in=body["ids"]).order_by("external_id")
    assert [r.external_id for r in records] == ["x-1", "x-2"]
    for record in records:
        assert record.status == RecordStatus.SUBMITTED
        assert record.source == RecordSource.API
        assert record.station == api.org.station_a
        assert record.submitted_at is not None
        assert record.history.count() == 1  # type: ignore[attr-defined]
    api.token.refresh_from_db()
    assert api.token.last_used_at is not None


def test_it_needs_no_csrf_token(api: Api) -> None:
    api.client = Client(enforce_csrf_checks=True)
    assert api.post(URL, {"records": [item("x-1")]}).status_code == 201


def test_it_stores_a_batch_sent_twice_once(api: Api) -> None:
    batch = {"records": [item("x-1"), item("x-2", quantity=2)]}
    first = api.post(URL, batch)
    assert first.status_code == 201
    second = api.post(URL, batch)
    assert second.status_code == 201
    assert second.json()["created"] == 0
    assert second.json()["existing"] == 2
    assert second.json()["ids"] == first.json()["ids"]
    assert Record.objects.count() == 2


def test_it_rejects_the_whole_batch_naming_the_bad_item(api: Api) -> None:
    batch = {
        "records": [
            item("x-1"),
            item("x-2"),
            item("x-3"),
            item("x-4", date="2025-02-30"),
            item("x-3"),
        ]
    }
    response = api.post(URL, batch)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {k: errors[0][k] for k in ("index", "field")} == {"index": 3, "field": "date"}
    assert errors[1]["index"] == 4 and errors[1]["field"] == "external_id"
    assert Record.objects.count() == 0


def test_it_answers_in_chinese_when_asked(api: Api) -> None:
    batch = {"records": [item("x-1", unit="NOPE")]}
    english = api.post(URL, batch).json()["errors"][0]
    assert english == {"index": 0, "field": "unit", "message": 'unknown unit "NOPE"'}
    chinese = api.post(URL, batch, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["errors"][0]
    assert chinese == {"index": 0, "field": "unit", "message": "未知的单位“NOPE”"}


def test_it_treats_a_unit_outside_the_station_region_as_unknown(api: Api) -> None:
    response = api.post(URL, {"records": [item("x-1", unit="B1")]})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 0, "field": "unit", "message": 'unknown unit "B1"'}
    ]


def test_it_requires_an_external_id(api: Api) -> None:
    response = api.post(URL, {"records": [item(""), {"unit": "A1"}]})
    assert response.status_code == 422
    fields = {(e["index"], e["field"]) for e in response.json()["errors"]}
    assert (0, "external_id") in fields and (1, "external_id") in fields


def test_it_refuses_dates_of_a_closed_period(api: Api, admin_a: object) -> None:
    period_close(
        collection=CollectionPeriod.objects.get(framework=api.scored.framework), actor=admin_a
    )
    response = api.post(URL, {"records": [item("x-1")]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "date"
    assert Record.objects.count() == 0


def test_it_refuses_a_revoked_token(api: Api, admin_a: object) -> None:
    token_revoke(token=api.token, actor=admin_a)  # type: ignore[arg-type]
    assert api.post(URL, {"records": [item("x-1")]}).status_code == 401
    assert api.get("/api/frameworks/T/periods").status_code == 401
    assert api.client.get("/api/frameworks/T/periods").status_code == 401


@override_settings(API_MAX_BODY_BYTES=1000)
def test_it_refuses_a_body_too_large(api: Api) -> None:
    batch = {"records": [item(f"x-{n}") for n in range(20)]}
    assert len(json.dumps(batch)) > 1000
    response = api.post(URL, batch)
    assert response.status_code == 413
    assert "detail" in response.json()
    assert Record.objects.count() == 0


@override_settings(API_MAX_BATCH=3)
def test_it_refuses_a_batch_too_long(api: Api) -> None:
    response = api.post(URL, {"records": [item(f"x-{n}") for n in range(4)]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["index"] is None


@override_settings(API_RATE_PER_MINUTE=3)
def test_it_limits_the_requests_per_minute(api: Api) -> None:
    statuses = [api.get("/api/frameworks/T/periods").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/frameworks/T/periods")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61


@override_settings(API_RATE_PER_MINUTE=3)
def test_it_counts_the_rate_in_the_database_for_every_process(api: Api) -> None:
    from django.core.cache.backends.db import DatabaseCache
    from django.db import connection

    for _ in range(3):
        assert api.get("/api/frameworks/T/periods").status_code == 200
    # The count is a row of the shared cache table, not a process's memory: a fresh cache
    # handle (what another worker process opens) reads it, and the next call is refused.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cache_key FROM qingfeng_cache WHERE cache_key LIKE %s", ["%api-rate%"]
        )
        (stored,) = [key for (key,) in cursor.fetchall()]
    other_process = DatabaseCache("qingfeng_cache", {})
    assert other_process.get(stored.split(":", 2)[2]) == 3  # stored keys carry ":1:"
    assert api.get("/api/frameworks/T/periods").status_code == 429


def test_it_answers_404_for_an_unknown_framework(api: Api) -> None:
    response = api.post("/api/frameworks/NOPE/records", {"records": [item("x-1")]})
    assert response.status_code == 404
    assert "detail" in response.json()


def test_it_rejects_bad_json(api: Api) -> None:
    response = api.client.post(URL, "{not json", content_type="application/json", **api.headers())
    assert response.status_code == 422
    assert response.json()["errors"][0]["index"] is None


def test_it_notes_the_last_use_at_most_once_a_minute(api: Api) -> None:
    api.get("/api/frameworks/T/periods")
    api.token.refresh_from_db()
    first = api.token.last_used_at
    assert first is not None and first <= timezone.now()
    api.get("/api/frameworks/T/periods")
    api.token.refresh_from_db()
    assert api.token.last_used_at == first


def test_it_words_a_malformed_item_as_the_excel_import_does(api: Api) -> None:
    batch = {
        "records": [
            item("x-1", points="abc"),
            {"external_id": "x-2", "indicator": "A1", "date": "2025-02-10", "colour": "red"},
            "not an object",
        ]
    }
    response = api.post(URL, batch)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"index": 0, "field": "points", "message": 'expected a number, got "abc"'},
        {"index": 1, "field": "unit", "message": "this field is required"},
        {"index": 1, "field": "colour", "message": "unknown field"},
        {"index": 2, "field": None, "message": "expected an object"},
    ]
    chinese = api.post(URL, batch, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["errors"]
    assert chinese[0] == {"index": 0, "field": "points", "message": "应为数字，实际为“abc”"}
    assert chinese[1]["message"] == "此项为必填项"
    assert Record.objects.count() == 0


def test_it_accepts_numbers_as_text_and_ids_as_numbers(api: Api) -> None:
    response = api.post(URL, {"records": [{**item("x"), "external_id": 17, "quantity": "２"}]})
    assert response.status_code == 201, response.content
    record = Record.objects.get()
    assert record.external_id == "17" and record.quantity == 2


def test_it_refuses_a_body_without_records(api: Api) -> None:
    for body in ([item("x-1")], {"items": []}, {"records": "x-1"}, {"records": []}):
        response = api.post(URL, body)
        assert response.status_code == 422, body
        (error,) = response.json()["errors"]
        assert error["index"] is None and error["field"] == "records"
    assert api.post(URL, {"records": []}).json()["errors"][0]["message"] == (
        "the batch contains no records"
    )


def test_it_keeps_ninjas_answer_for_a_bad_query_parameter(api: Api) -> None:
    response = api.get("/api/frameworks/T?year=soon")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "year"]
