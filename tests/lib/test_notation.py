"""The bands and grades notation: one reading and one set of messages for forms and files."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from qingfeng.lib.notation import (
    NotationError,
    bands_text,
    grades_text,
    parse_bands,
    parse_grades,
)


def test_it_reads_bands_and_writes_them_back() -> None:
    bands = parse_bands("blue<0.9， yellow<0.8;red<0.6")
    assert bands == [
        {"level": "blue", "below": 0.9},
        {"level": "yellow", "below": 0.8},
        {"level": "red", "below": 0.6},
    ]
    assert bands_text(bands) == "blue<0.9, yellow<0.8, red<0.6"
    assert parse_bands(bands_text(bands)) == bands


def test_none_switches_the_warnings_off_and_empty_means_not_given() -> None:
    assert parse_bands("none") == parse_bands("无") == parse_bands("-") == []
    assert bands_text([]) == "none"
    assert bands_text(None) == ""
    assert parse_bands("") == []


def test_it_reads_grades_with_whole_points_as_ints() -> None:
    grades = parse_grades("国家级一档:10, 省级一档：8.5")
    assert grades == {"国家级一档": 10, "省级一档": 8.5}
    assert isinstance(grades["国家级一档"], int)
    assert grades_text(grades) == "国家级一档:10, 省级一档:8.5"


@pytest.mark.parametrize(
    ("parse", "written", "message"),
    [
        (
            parse_bands,
            "blue 0.9",
            'write bands as level<fraction, e.g. blue<0.9, yellow<0.8 (not "blue 0.9")',
        ),
        (
            parse_bands,
            "<0.9",
            'write bands as level<fraction, e.g. blue<0.9, yellow<0.8 (not "<0.9")',
        ),
        (
            parse_grades,
            "一等 10",
            'write grades as grade:points, e.g. 一等:10, 二等:8 (not "一等 10")',
        ),
        (
            parse_grades,
            "一等:十",
            'write grades as grade:points, e.g. 一等:10, 二等:8 (not "一等:十")',
        ),
        (parse_grades, "一等:10, 一等:8", 'duplicate grade "一等"'),
    ],
)
def test_it_says_how_to_write_what_it_cannot_read(
    parse: object, written: str, message: str
) -> None:
    with override("en"), pytest.raises(NotationError) as caught:
        parse(written)  # type: ignore[operator]
    assert str(caught.value) == message


def test_it_says_it_in_chinese() -> None:
    with override("zh-hans"), pytest.raises(NotationError) as caught:
        parse_bands("blue 0.9")
    assert "blue 0.9" in str(caught.value) and "write" not in str(caught.value)
