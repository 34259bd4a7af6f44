"""Nil returns by API: an item of the records batch with "nil": true is a nil return for its
unit and indicator in the open collection period containing its date; checked like the
Excel upload's nil rows, all or nothing with the batch's records, scoped to the token's
station, and a batch sent twice files once."""

from __future__ import annotations

from qingfeng.records.models import NilReturn, NilReturnStatus, Record, RecordSource
from tests.api.conftest import Api, item

URL = "/api/frameworks/T/records"


def nil_item(external_id: str, unit: str = "A1", **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "external_id": external_id,
        "unit": unit,
        "indicator": "A1",
        "date": "2025-02-10",
        "nil": True,
    }
    base.update(fields)
    return base


def test_it_files_nil_returns_from_nil_items_with_the_records(api: Api) -> None:
    batch = {
        "records": [
            item("r-1", "A2"),  # a record of A2 on A1
            nil_item("n-1", "A1", note="一季度无信访件"),
            nil_item("n-2", "A1-1"),
            nil_item("n-3", "A2", indicator="A2"),
        ]
    }
    response = api.post(URL, batch)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 1 and body["nil_returns"] == 2
    a1 = NilReturn.objects.get(indicator_code="A1")
    a2 = NilReturn.objects.get(indicator_code="A2")
    assert body["ids"][1:] == [a1.pk, a1.pk, a2.pk]
    assert Record.objects.get().pk == body["ids"][0]
    assert sorted(a1.lines.values_list("unit__code", flat=True)) == ["A1", "A1-1"]
    assert (a1.period, a1.status, a1.source) == ("2025Q1", NilReturnStatus.SUBMITTED, "api")
    assert a1.station == api.org.station_a and a1.created_by is None
    assert a1.note == "一季度无信访件"
    history = a1.history.get()  # type: ignore[attr-defined]
    assert history.history_change_reason.startswith("API token")
    # Sent again: nothing new (the records by external_id, the nil items by what is filed).
    again = api.post(URL, batch)
    assert again.status_code == 201, again.content
    assert again.json()["created"] == 0 and again.json()["nil_returns"] == 0
    assert again.json()["existing"] == 4 and again.json()["ids"] == body["ids"]
    assert NilReturn.objects.count() == 2 and Record.objects.count() == 1
    assert Record.objects.get().source == RecordSource.API


def test_it_refuses_the_whole_batch_on_a_conflicting_nil_item(api: Api) -> None:
    batch = {
        "records": [
            item("r-1", "A1"),
            nil_item("n-1", "A1"),  # the same unit, indicator and quarter as r-1
            nil_item("n-2", "A2", points=3),  # a nil item with points
            nil_item("n-3", "B1"),  # county B: not the token's
            nil_item("n-4", "A2", indicator="B1"),  # a survey: no nil return
            nil_item("n-5", "A2", nil="yes"),
        ]
    }
    response = api.post(URL, batch)
    assert response.status_code == 422
    errors = {(e["index"], e["field"]): e["message"] for e in response.json()["errors"]}
    assert errors[(5, "nil")] == "expected true or false"
    response = api.post(URL, {"records": batch["records"][:5]})
    assert response.status_code == 422
    errors = {(e["index"], e["field"]): e["message"] for e in response.json()["errors"]}
    assert errors[(1, "nil")].startswith(
        "record 0 of this batch already gives this unit and indicator a record"
    )
    assert errors[(2, "points")].startswith("a nil row leaves this column empty")
    assert errors[(3, "unit")] == 'unknown unit "B1"'
    assert errors[(4, "indicator")].startswith("B1 takes no nil return")
    assert not NilReturn.objects.exists() and not Record.objects.exists()


def test_a_record_is_refused_where_a_nil_item_was_filed(api: Api) -> None:
    assert api.post(URL, {"records": [nil_item("n-1", "A1")]}).status_code == 201
    response = api.post(URL, {"records": [item("r-1", "A1")]})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["index"] == 0 and error["field"] == "indicator"
    assert "withdraw the nil return first" in error["message"]
    assert not Record.objects.exists()
