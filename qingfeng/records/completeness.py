"""Completeness: which units a data station answers for on which indicators, and whether it
did (docs/completeness.md). The one place these rules live: the scoring reader, the board,
the station's view, the API and the ``completeness`` command all call them.

- A *tracked leaf* is a ``deduct`` or ``bonus`` leaf of the version in force that names a
  data station: without records it would read as "no problems" (full marks) or "nothing
  earned", so silence must be told apart from a real nothing. ``direct``, ``rate`` and
  ``survey`` leaves are "not assessed" without records and never pretend; ``veto`` leaves
  carry no points.
- A station *answers for* a tracked leaf's units that lie in the station's region and to
  which the leaf applies.
- For one collection period, a (unit, leaf) cell is *reported* when an approved record of
  the unit on the leaf is dated in the period, *nil* when an approved nil return of the
  period covers it, *pending* when only submitted ones do, and *missing* otherwise.
- A collection period is *due* once it is closed or its entry deadline has passed.
- For a scoring period P, a tracked cell is *unreported* when it has no approved record
  dated in P and some due collection period overlapping P is neither reported nor nil for
  it. With no due collection period overlapping P nothing is marked (nothing was due yet).
  Scores therefore change when a deadline passes: ``rescore_passed_deadlines`` (daily,
  from ``send_reminders``) and closing or reopening a period recompute what they touch.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Count
from django.utils import timezone

from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.lib.periods import Period
from qingfeng.org.models import Region, Station, Unit, path_within
from qingfeng.records.models import (
    CollectionPeriod,
    NilReturnStatus,
    NilReturnUnit,
    PeriodStatus,
    Record,
    RecordStatus,
)
from qingfeng.records.selectors import leaves
from qingfeng.scoring.engine import Reporting

TRACKED_RULES = ("deduct", "bonus")


def is_tracked(leaf: Indicator) -> bool:
    """A leaf whose silence must be told apart from "nothing to report"."""
    return bool(leaf.station_id) and (leaf.rule or {}).get("type") in TRACKED_RULES


def tracked_leaves(version: FrameworkVersion) -> list[Indicator]:
    """The version's tracked leaves in tree order, each with ``applies`` (see
    ``records.selectors.leaves``)."""
    return [leaf for leaf in leaves(version) if is_tracked(leaf)]


def leaf_applies(leaf: Indicator, category: str) -> bool:
    """Whether ``leaf`` (from ``tracked_leaves``) applies to a unit of ``category``."""
    return all(category in codes for codes in leaf.applies)  # type: ignore[attr-defined]


def is_due(collection: CollectionPeriod, *, today: datetime.date) -> bool:
    """Whether a collection period's data is owed by now: it is closed, or its entry
    deadline has passed."""
    return collection.status == PeriodStatus.CLOSED or collection.entry_deadline < today


def due_collection_periods(
    *, framework: Framework, period: Period, today: datetime.date | None = None
) -> list[Period]:
    """The framework's due collection periods (``is_due``) that share a day with
    ``period`` (periods nest, so each lies within ``period`` or contains it), in order."""
    today = today or timezone.localdate()
    found = []
    for collection in CollectionPeriod.objects.filter(framework=framework):
        span = Period.parse(collection.period)
        if (
            span.start <= period.end
            and span.end >= period.start
            and is_due(collection, today=today)
        ):
            found.append(span)
    return sorted(found)


@dataclass
class UnitIndex:
    """Units as rows of a mask: ids sorted ascending, with the region path of each."""

    ids: np.ndarray
    paths: list[str]

    @classmethod
    def of(cls, unit_ids: np.ndarray) -> UnitIndex:
        """The index of ``unit_ids`` (sorted ascending, as scoring orders its units)."""
        region_path = dict(Region.objects.values_list("pk", "path"))
        wanted = set(unit_ids.tolist())
        # All units, then picked: a province's 12,000 ids would not fit in one IN (...).
        region_of = {
            pk: region
            for pk, region in Unit.objects.values_list("pk", "region").iterator(chunk_size=5000)
            if pk in wanted
        }
        return cls(unit_ids, [region_path[region_of[u]] for u in unit_ids.tolist()])

    def rows(self, unit_ids: Iterable[int]) -> np.ndarray:
        """Row numbers of ``unit_ids`` (each must be in the index)."""
        wanted = np.fromiter(unit_ids, dtype=np.int64)
        return np.searchsorted(self.ids, wanted)

    def within(self, region_path: str) -> np.ndarray:
        """A mask of the units in the region with ``region_path`` or below it."""
        return np.fromiter(
            (path_within(path, region_path) for path in self.paths), dtype=bool, count=len(self.ids)
        )


def station_regions(stations: Iterable[int]) -> dict[int, str]:
    """Station id -> its region's path."""
    return dict(Station.objects.filter(pk__in=list(stations)).values_list("pk", "region__path"))


def _codes_mask(
    units_by_code: dict[str, np.ndarray], index: UnitIndex, column: dict[str, int], width: int
) -> np.ndarray:
    """A [unit, node] mask of the units listed under each node's code; units and codes
    outside the mask are skipped."""
    mask = np.zeros((len(index.ids), width), dtype=bool)
    if not len(index.ids):
        return mask
    for code, units in units_by_code.items():
        at = column.get(code)
        if at is None or not len(units):
            continue
        rows = np.minimum(np.searchsorted(index.ids, units), len(index.ids) - 1)
        mask[rows[index.ids[rows] == units], at] = True
    return mask


def nil_units_by_code(
    *, framework: Framework, period: Period, statuses: Sequence[str] = (NilReturnStatus.APPROVED,)
) -> dict[str, np.ndarray]:
    """Indicator code -> ids of the units the framework's nil returns in ``statuses``
    cover for the collection period ``period``. Read as one column of ids ordered by code
    plus a count per code (a province has a million lines: no Python tuple per line)."""
    lines = NilReturnUnit.objects.filter(
        framework=framework, period=str(period), nil_return__status__in=list(statuses)
    )
    counts = list(
        lines.order_by("indicator_code")
        .values_list("indicator_code")
        .annotate(n=Count("pk"))
        .values_list("indicator_code", "n")
    )
    ids = np.array(
        lines.order_by("indicator_code").values_list("unit_id", flat=True), dtype=np.int64
    )
    found, start = {}, 0
    for code, n in counts:
        found[code] = ids[start : start + n]
        start += n
    return found


def nil_pairs(
    *, framework: Framework, period: Period, statuses: Sequence[str] = (NilReturnStatus.APPROVED,)
) -> list[tuple[int, str]]:
    """(unit id, indicator code) of the nil returns of ``framework`` for the collection
    period ``period`` in ``statuses``."""
    return list(
        NilReturnUnit.objects.filter(
            framework=framework, period=str(period), nil_return__status__in=list(statuses)
        ).values_list("unit_id", "indicator_code")
    )


def record_pairs(
    *,
    framework: Framework,
    start: datetime.date,
    end: datetime.date,
    statuses: Sequence[str] = (RecordStatus.APPROVED,),
) -> list[tuple[int, str]]:
    """Distinct (unit id, indicator code) of the framework's records dated from ``start``
    to ``end`` in ``statuses``."""
    return list(
        Record.objects.filter(
            framework=framework, status__in=list(statuses), date__gte=start, date__lte=end
        )
        .order_by()
        .values_list("unit_id", "indicator_code")
        .distinct()
    )


def reporting_for_scoring(
    *,
    framework: Framework,
    version: FrameworkVersion,
    period: Period,
    unit_ids: np.ndarray,
    codes: list[str],
) -> Reporting | None:
    """The engine's ``Reporting`` for ``period`` (``scoring.inputs.ReportingReader``):
    tracked = the tracked leaves over the units their station answers for; declared = the
    cells every due overlapping collection period reported (records dated in it, for one
    that reaches beyond ``period``) or declared nil. The engine adds the records dated in
    ``period`` itself. None when no due collection period overlaps ``period``."""
    collections = due_collection_periods(framework=framework, period=period)
    if not collections:
        return None
    column = {code: i for i, code in enumerate(codes)}
    index = UnitIndex.of(unit_ids)
    shape = (len(unit_ids), len(codes))
    tracked = np.zeros(shape, dtype=bool)
    tracked_codes = tracked_leaves(version)
    regions = station_regions(int(leaf.station_id or 0) for leaf in tracked_codes)
    within: dict[str, np.ndarray] = {}
    for leaf in tracked_codes:
        path = regions[int(leaf.station_id or 0)]
        if path not in within:
            within[path] = index.within(path)
        tracked[:, column[leaf.code]] = within[path]
    # Applicability is the engine's to decide (it ANDs the mask with its own).
    declared = np.ones(shape, dtype=bool)
    for collection in collections:
        nil = nil_units_by_code(framework=framework, period=collection)
        covered = _codes_mask(nil, index, column, len(codes))
        if collection.start < period.start or collection.end > period.end:
            pairs = record_pairs(framework=framework, start=collection.start, end=collection.end)
            by_code: dict[str, list[int]] = {}
            for unit, code in pairs:
                by_code.setdefault(code, []).append(unit)
            reported = {code: np.array(units, dtype=np.int64) for code, units in by_code.items()}
            covered |= _codes_mask(reported, index, column, len(codes))
        declared &= covered
    return Reporting(tracked=tracked, declared=declared)
