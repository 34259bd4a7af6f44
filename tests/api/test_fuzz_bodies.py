"""Fuzzing the API's write endpoint (issue 10): arbitrary JSON, and valid batches with a
field changed to anything, posted with a valid token.

Never a server error: the answer is 201 (the batch was valid), 422 with the documented
list of located errors, or 404 (an unknown framework), always JSON; a refused batch
stores nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from qingfeng.records.models import Record
from tests.api.conftest import Api, item
from tests.fuzz import TRICKY, fuzz_settings

RECORDS = "/api/frameworks/T/records"

pytestmark = pytest.mark.django_db

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(TRICKY),
)
JSON = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "external_id",
    "unit",
    "indicator",
    "date",
    "points",
    "quantity",
    "grade",
    "value",
    "problem_type",
    "note",
    "unknown",
]


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> None:
    # The examples come faster than the 120 a minute a token may send.
    settings.API_RATE_PER_MINUTE = 10**9


def _post(api: Api, body: Any) -> Any:
    # ``allow_nan``: Python's json writes NaN and Infinity, as a careless sender would.
    raw = json.dumps(body, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")
    client = Client(raise_request_exception=True)
    return client.post(RECORDS, raw, content_type="application/json", **api.headers())


def _check(api: Api, body: Any, before: int) -> Any:
    response = _post(api, body)  # a server error raises here
    assert response.status_code in (201, 422), response.content
    answer = response.json()
    if response.status_code == 422:
        assert set(answer) == {"errors", "more"} and answer["errors"]
        for error in answer["errors"]:
            assert set(error) == {"index", "field", "message"} and error["message"]
        assert Record.objects.count() == before
    return answer


@fuzz_settings(80)
@given(body=st.one_of(JSON, st.fixed_dictionaries({"records": JSON})))
def test_fuzz_any_json_body_is_a_clean_answer(api: Api, body: Any) -> None:
    _check(api, body, Record.objects.count())


@fuzz_settings(80)
@given(
    changes=st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(FIELDS), JSON), min_size=1, max_size=3
    ),
    dropped=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(FIELDS)), max_size=2),
)
def test_fuzz_a_valid_batch_with_fields_changed(
    api: Api, changes: list[tuple[int, str, Any]], dropped: list[tuple[int, str]]
) -> None:
    batch = [item(f"x-{n}", quantity=n + 1) for n in range(3)]
    for index, name, value in changes:
        batch[index][name] = value
    for index, name in dropped:
        batch[index].pop(name, None)
    before = Record.objects.count()
    answer = _check(api, {"records": batch}, before)
    if "created" in answer:
        assert Record.objects.count() == before + answer["created"]
