"""Assessment periods: ``2025`` (year), ``2025H1`` (half), ``2025Q3`` (quarter),
``2025M07`` (month). A period's scores use the records dated inside it."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(\d{4})(?:(H)([12])|(Q)([1-4])|(M)(0[1-9]|1[0-2]))?$")
MONTHS = {"Y": 12, "H": 6, "Q": 3, "M": 1}


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period; ``kind`` is Y, H, Q or M and ``index`` its number in the year."""

    year: int
    kind: str
    index: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2025``, ``2025H1``, ``2025Q3`` or ``2025M07``; ValueError otherwise."""
        match = _PATTERN.match(text.strip().upper())
        if not match:
            raise ValueError(f"not a period: {text!r} (use 2025, 2025H1, 2025Q3 or 2025M07)")
        year = int(match.group(1))
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


def periods_containing(day: datetime.date) -> list[Period]:
    """The year, half, quarter and month that contain ``day``."""
    return [
        Period(day.year, "Y", 1),
        Period(day.year, "H", (day.month - 1) // 6 + 1),
        Period(day.year, "Q", (day.month - 1) // 3 + 1),
        Period(day.year, "M", day.month),
    ]
