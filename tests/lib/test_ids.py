"""``qingfeng.lib.ids.parse_id``: what a request may name as an id (fuzzing, issue 10)."""

from __future__ import annotations

import pytest

from qingfeng.lib.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 400, None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1_000", None),
        ("١٢", None),  # Arabic-Indic digits: int() takes them
        ("１２", None),  # full-width digits
        ("", None),
        ("abc", None),
        (None, None),
        (12, None),
    ],
)
def test_parse_id(text: object, expected: int | None) -> None:
    assert parse_id(text) == expected
