"""Periods: parsing, bounds, neighbours."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from qingfeng.lib.periods import (
    MAX_YEAR,
    MIN_YEAR,
    Period,
    PeriodConverter,
    latest_ended,
    periods_containing,
)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2025", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
        ("2025H2", datetime.date(2025, 7, 1), datetime.date(2025, 12, 31)),
        ("2025Q1", datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),
        ("2024M02", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
        ("2025q4", datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
    ],
)
def test_it_parses_periods_and_their_bounds(
    text: str, start: datetime.date, end: datetime.date
) -> None:
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)
    assert str(Period.parse(str(period))) == str(period)


@pytest.mark.parametrize("text", ["25Q1", "2025Q5", "2025M13", "2025H3", "2025-Q1", ""])
def test_it_rejects_malformed_periods(text: str) -> None:
    # Worded for users, in Chinese first (said explicitly: an earlier test may have left
    # another language active in this thread).
    with translation.override("zh-hans"), pytest.raises(ValueError, match="不是考核周期"):
        Period.parse(text)


def test_it_finds_the_previous_period_of_the_same_length() -> None:
    assert str(Period.parse("2025Q1").previous()) == "2024Q4"
    assert str(Period.parse("2025H2").previous()) == "2025H1"
    assert str(Period.parse("2025M01").previous()) == "2024M12"
    assert str(Period.parse("2025").previous()) == "2024"


def test_it_lists_the_periods_containing_a_day() -> None:
    periods = [str(p) for p in periods_containing(datetime.date(2025, 8, 15))]
    assert periods == ["2025", "2025H2", "2025Q3", "2025M08"]


def test_the_latest_ended_period_is_the_default_to_show() -> None:
    scored = ["2025Q4", "2026Q1", "2025", "2025H2"]
    # On 2026-02-10 the first quarter of 2026 is still running: the last ended ones end
    # on 2025-12-31, the longest first.
    assert latest_ended(scored, today=datetime.date(2026, 2, 10)) == "2025"
    assert latest_ended(["2025Q4", "2025H2"], today=datetime.date(2026, 2, 10)) == "2025H2"
    assert latest_ended(scored, today=datetime.date(2026, 4, 1)) == "2026Q1"
    # Nothing ended yet: the latest scored one; nothing scored: None.
    assert latest_ended(["2026Q1"], today=datetime.date(2026, 2, 10)) == "2026Q1"
    assert latest_ended([], today=datetime.date(2026, 2, 10)) is None


def test_the_url_converter_reads_periods_and_refuses_the_rest() -> None:
    converter = PeriodConverter()
    assert converter.to_python("2025q3") == Period(2025, "Q", 3)
    assert converter.to_url(Period(2025, "M", 7)) == "2025M07"
    for text in ("2025Q5", "compare", "nonsense"):
        with pytest.raises(ValueError):
            converter.to_python(text)


@pytest.mark.parametrize("text", ["0000", "0001", "0001Q1", "1899", "2101H2", "9999", "9999M12"])
def test_finding_10_periods_of_impossible_years_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Period.parse(text)


def test_finding_10_the_years_of_periods_leave_room_for_their_arithmetic() -> None:
    first, last = Period.parse(f"{MIN_YEAR}M01"), Period.parse(f"{MAX_YEAR}")
    assert first.previous().start.year == MIN_YEAR - 1
    assert last.next().end.year == MAX_YEAR + 1
