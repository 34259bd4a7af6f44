"""What publishing a draft would do to a period's scores: the period scored with the draft
beside the version in force, unit by unit (``publish_preview``). Both sides are computed
with the scoring of ``scoring.services`` (``scores_with``), so the preview's numbers are
the ones a recompute stores after publishing; nothing is stored here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qingfeng.framework.models import FrameworkVersion
from qingfeng.framework.selectors import version_in_force
from qingfeng.lib.periods import Period
from qingfeng.scoring.inputs import RecordReader, ReportingReader
from qingfeng.scoring.services import scores_with

# Totals are compared as the pages show them and the ranks are given (2 decimals).
DECIMALS = 2


@dataclass(frozen=True)
class Side:
    """One unit's result under one version."""

    total: float | None
    band: str
    rank: int | None
    vetoed: bool


@dataclass(frozen=True)
class Move:
    """A unit whose total, band or rank the draft changes."""

    unit_id: int
    category: str
    before: Side
    after: Side

    @property
    def change(self) -> float | None:
        """The change of the total (None when either side has no total)."""
        if self.before.total is None or self.after.total is None:
            return None
        return round(self.after.total - self.before.total, DECIMALS)

    @property
    def size(self) -> float:
        """How large the move is, for ordering: a total appearing or vanishing first."""
        change = self.change
        return float("inf") if change is None else abs(change)

    @property
    def total_changed(self) -> bool:
        return self.before.total != self.after.total

    @property
    def band_changed(self) -> bool:
        return self.before.band != self.after.band

    @property
    def rank_changed(self) -> bool:
        return self.before.rank != self.after.rank


@dataclass
class PublishPreview:
    """The period scored with the draft beside the version in force."""

    draft: FrameworkVersion
    period: Period
    published: FrameworkVersion | None
    units: int = 0
    moves: list[Move] = field(default_factory=list)  # largest first

    @property
    def total_changes(self) -> int:
        return sum(1 for move in self.moves if move.total_changed)

    @property
    def band_changes(self) -> int:
        return sum(1 for move in self.moves if move.band_changed)

    @property
    def rank_changes(self) -> int:
        return sum(1 for move in self.moves if move.rank_changed)


def _side(snapshot: dict[str, Any] | None) -> Side:
    if snapshot is None:
        return Side(None, "", None, False)
    total = snapshot["total"]
    return Side(
        None if total is None else round(total, DECIMALS),
        snapshot["band"],
        snapshot["rank"],
        snapshot["vetoed"],
    )


def publish_preview(
    *,
    draft: FrameworkVersion,
    period: Period,
    read_records: RecordReader,
    read_reporting: ReportingReader | None = None,
) -> PublishPreview:
    """Score ``period`` with ``draft`` and with the version in force for it (None: no
    version is; every unit then moves from nothing), and list the units whose total (to
    2 decimals), band or rank differ, the largest change of the total first."""
    published = version_in_force(framework=draft.framework, period=period)
    preview = PublishPreview(draft=draft, period=period, published=published)
    after = {
        row["unit_id"]: row
        for row in scores_with(
            version=draft,
            period=period,
            read_records=read_records,
            read_reporting=read_reporting,
        )
    }
    before: dict[int, dict[str, Any]] = {}
    if published is not None:
        rows = scores_with(
            version=published,
            period=period,
            read_records=read_records,
            read_reporting=read_reporting,
        )
        before = {row["unit_id"]: row for row in rows}
    preview.units = len(after)
    for unit_id, row in after.items():
        move = Move(unit_id, row["category"], _side(before.get(unit_id)), _side(row))
        if move.total_changed or move.band_changed or move.rank_changed:
            preview.moves.append(move)
    preview.moves.sort(key=lambda move: (-move.size, move.unit_id))
    return preview
