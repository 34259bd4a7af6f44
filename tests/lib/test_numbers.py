"""The one number rule (issue 10, finding 8), fuzzed: whatever comes in, a number that
gets through is finite and within its bounds, and a JSON answer is always JSON."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from qingfeng.lib import numbers
from qingfeng.lib.json_response import FiniteJsonResponse

_ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.from_regex(r"\A[+-]?\d{1,400}(\.\d*)?([eE][+-]?\d{1,4})?\Z"),
    st.sampled_from(["inf", "-inf", "nan", "NaN", "Infinity", "1e999", "1e308", "３.５"]),
)


@given(_ANY, st.sampled_from(sorted(numbers.RECORD_LIMITS.values())))
def test_finding_8_a_number_that_gets_through_is_finite_and_bounded(
    value: Any, limit: float
) -> None:
    try:
        converted = numbers.parse_within(value, limit=limit)
    except numbers.NumberError as error:
        assert str(error)
        return
    assert converted is None or (math.isfinite(converted) and abs(converted) <= limit)


_JSON = st.recursive(
    st.one_of(st.none(), st.floats(), st.integers(), st.text()),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(_JSON)
def test_finding_8_a_json_answer_is_always_json(data: Any) -> None:
    def refuse(constant: str) -> None:
        raise ValueError(constant)

    json.loads(FiniteJsonResponse(data, safe=False).content, parse_constant=refuse)
