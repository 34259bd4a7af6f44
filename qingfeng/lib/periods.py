"""Assessment periods: ``2025`` (year), ``2025H1`` (half), ``2025Q3`` (quarter),
``2025M07`` (month). A period's scores use the records dated inside it."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

_PATTERN = re.compile(r"^(\d{4})(?:(H)([12])|(Q)([1-4])|(M)(0[1-9]|1[0-2]))?$")
MONTHS = {"Y": 12, "H": 6, "Q": 3, "M": 1}
# A period in words (``Period.read``): 2026年, 2026年度, 2026年上半年, 2026年第三季度 (or
# 三季度, 第3季度), 2026年7月.
_WORDS = re.compile(r"^(\d{4})年(?:度|(上|下)半年|第?([一二三四1-4])季度?|(1[0-2]|0?[1-9])月)?$")
_QUARTER_WORDS = {"一": "1", "二": "2", "三": "3", "四": "4"}
# The years a period (and a record's date) may lie in. Far from datetime's 1 and 9999, so
# a page's arithmetic around a period (the next one, eight periods back, a year's span)
# never leaves the calendar Python can represent.
MIN_YEAR = 1900
MAX_YEAR = 2100


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period; ``kind`` is Y, H, Q or M and ``index`` its number in the year."""

    year: int
    kind: str
    index: int

    @classmethod
    def read(cls, text: str) -> Period:
        """A period as a user types it: a code (``2026Q3``) or its words as
        ``period_label`` writes them (2026年第三季度, 2026年三季度, 2026年上半年, 2026年,
        2026年度, 2026年7月); ValueError (the message of ``parse``) otherwise. For form
        fields and filters; URLs, files and the API take codes only (``parse``)."""
        words = unicodedata.normalize("NFKC", text).replace(" ", "").strip()
        match = _WORDS.match(words)
        if match:
            year, half, quarter, month = match.groups()
            if half:
                words = f"{year}H{1 if half == '上' else 2}"
            elif quarter:
                words = f"{year}Q{_QUARTER_WORDS.get(quarter, quarter)}"
            elif month:
                words = f"{year}M{int(month):02d}"
            else:
                words = year
        try:
            return cls.parse(words)
        except ValueError:
            return cls.parse(text)  # its message quotes what the user typed

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2025``, ``2025H1``, ``2025Q3`` or ``2025M07`` of a year from ``MIN_YEAR``
        to ``MAX_YEAR``; ValueError otherwise (so the ``<period:…>`` URLs of 0001 or 9999
        are a 404). The error's message is worded for users, in their language: pages show
        it as it is."""
        match = _PATTERN.match(text.strip().upper())
        if not match:
            raise ValueError(
                _(
                    "“%(text)s” is not a period: write a year, half, quarter or month "
                    "as 2025, 2025H1, 2025Q3 or 2025M07"
                )
                % {"text": text}
            )
        year = int(match.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(
                _("“%(text)s” is not a period: the year must be from %(min)d to %(max)d")
                % {"text": text, "min": MIN_YEAR, "max": MAX_YEAR}
            )
        for kind_group, index_group in ((2, 3), (4, 5), (6, 7)):
            if match.group(kind_group):
                return cls(year, match.group(kind_group), int(match.group(index_group)))
        return cls(year, "Y", 1)

    def __str__(self) -> str:
        if self.kind == "Y":
            return str(self.year)
        if self.kind == "M":
            return f"{self.year}M{self.index:02d}"
        return f"{self.year}{self.kind}{self.index}"

    @property
    def start(self) -> datetime.date:
        month = (self.index - 1) * MONTHS[self.kind] + 1
        return datetime.date(self.year, month, 1)

    @property
    def end(self) -> datetime.date:
        """The last day inside the period."""
        return self.next().start - datetime.timedelta(days=1)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        per_year = 12 // MONTHS[self.kind]
        if self.index < per_year:
            return Period(self.year, self.kind, self.index + 1)
        return Period(self.year + 1, self.kind, 1)

    def previous(self) -> Period:
        """The period of the same length just before this one (2025Q1 -> 2024Q4)."""
        per_year = 12 // MONTHS[self.kind]
        if self.index > 1:
            return Period(self.year, self.kind, self.index - 1)
        return Period(self.year - 1, self.kind, per_year)


def period_label(period: Period | str) -> str:
    """A period as its users say it, in their language: 2026年第三季度, 2026年上半年,
    2026年, 2026年7月 in Chinese (Q3 2026 … in English). The code (``2026Q3``) stays in
    URLs, files and the API; a text that is not a period is returned unchanged."""
    if not isinstance(period, Period):
        try:
            period = Period.parse(str(period))
        except ValueError:
            return str(period)
    year = period.year
    if period.kind == "Y":
        return pgettext("period", "%(year)d") % {"year": year}
    if period.kind == "H":
        if period.index == 1:
            return _("first half of %(year)d") % {"year": year}
        return _("second half of %(year)d") % {"year": year}
    if period.kind == "Q":
        quarters = (
            _("Q1 %(year)d"),
            _("Q2 %(year)d"),
            _("Q3 %(year)d"),
            _("Q4 %(year)d"),
        )
        return quarters[period.index - 1] % {"year": year}
    return pgettext("period", "%(year)d-%(month)02d") % {"year": year, "month": period.index}


def periods_containing(day: datetime.date) -> list[Period]:
    """The year, half, quarter and month that contain ``day``."""
    return [
        Period(day.year, "Y", 1),
        Period(day.year, "H", (day.month - 1) // 6 + 1),
        Period(day.year, "Q", (day.month - 1) // 3 + 1),
        Period(day.year, "M", day.month),
    ]


def period_sort_key(period: str) -> tuple[int, int]:
    """Newest end first; among periods ending together the longer first (2026, 2026H2,
    2026Q4, 2026M12), as the dashboard has always listed them (it sorted by the length of
    the text, which left a half and a quarter in no set order)."""
    parsed = Period.parse(period)
    return (-parsed.end.toordinal(), -MONTHS[parsed.kind])


def latest_ended(periods: Iterable[str], *, today: datetime.date) -> str | None:
    """Of scored periods, the latest that has ended before ``today`` (a period in progress
    has only part of its data), else the latest of all; None when there is none."""
    ordered = sorted(periods, key=period_sort_key)
    ended = [p for p in ordered if Period.parse(p).end < today]
    candidates = ended or ordered
    return candidates[0] if candidates else None


class PeriodConverter:
    """The ``<period:…>`` URL path converter (registered in ``qingfeng/urls.py``): a view
    receives a ``Period``; a path that is not one matches no URL, so it is a 404 without
    the view. Reversing takes a ``Period`` or its text."""

    # Any path segment, as ``<str:…>``: ``Period.parse`` is the only judge (no second
    # grammar here); its ValueError makes Django try the next pattern, then 404.
    regex = r"[^/]+"

    def to_python(self, value: str) -> Period:
        return Period.parse(value)

    def to_url(self, value: Period | str) -> str:
        # Text as given: a link to a non-period (2025Q9) is a 404 when followed, as before.
        return str(value)
