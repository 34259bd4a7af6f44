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
from operator import itemgetter
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.lib.periods import Period
from qingfeng.org.models import Region, Station, Unit, path_within
from qingfeng.records.models import (
    CollectionPeriod,
    NilReturn,
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


def record_cells(
    *,
    framework: Framework,
    period: Period,
    codes: Sequence[str] | None = None,
    statuses: Sequence[str] = (RecordStatus.APPROVED,),
) -> tuple[list[int], list[str]]:
    """Unit ids and indicator codes (two parallel lists, repeats kept) of the records of
    ``framework`` (on ``codes`` when given) dated in ``period`` in ``statuses``: the cells
    the records fill, repeats kept (a mask absorbs them; a DISTINCT sorting 500,000 pairs
    costs a second on SQLite). The covering index (framework, status, date,
    indicator_code, unit) answers it without reading the records' rows."""
    if codes is not None and not codes:
        return [], []
    rows = Record.objects.filter(
        framework=framework,
        status__in=list(statuses),
        date__gte=period.start,
        date__lte=period.end,
    )
    if codes is not None:
        rows = rows.filter(indicator_code__in=list(codes))
    return _columns(rows.order_by().values_list("unit_id", "indicator_code"))


def nil_cells(
    *,
    framework: Framework,
    period: Period,
    codes: Sequence[str] | None = None,
    statuses: Sequence[str] = (NilReturnStatus.APPROVED,),
) -> tuple[list[int], list[str]]:
    """Unit ids and indicator codes (parallel lists) of the nil returns of ``framework``
    for the collection period ``period`` (on ``codes`` when given) in ``statuses``, read
    as (nil return, unit) from the lines' unique index and the few headers for their
    codes."""
    headers = NilReturn.objects.filter(
        framework=framework, period=str(period), status__in=list(statuses)
    )
    if codes is not None:
        headers = headers.filter(indicator_code__in=list(codes))
    code_of = dict(headers.values_list("pk", "indicator_code"))
    if not code_of:
        return [], []
    lines = (
        NilReturnUnit.objects.filter(nil_return__in=headers.values("pk"))
        .order_by()
        .values_list("unit_id", "nil_return_id")
    )
    units, returns = _columns(lines)
    return units, [code_of[pk] for pk in returns]


def _columns(rows: QuerySet[Any]) -> tuple[list[Any], list[Any]]:
    """Two lists from a two-value ``values_list``, fetched in one go by the database
    cursor (Django's chunked iteration doubles the cost of 200,000 rows)."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return list(map(itemgetter(0), found)), list(map(itemgetter(1), found))


def nil_pairs(
    *, framework: Framework, period: Period, statuses: Sequence[str] = (NilReturnStatus.APPROVED,)
) -> list[tuple[int, str]]:
    """Distinct (unit id, indicator code) of the nil returns of ``framework`` for the
    collection period ``period`` in ``statuses`` (``nil_cells`` as pairs)."""
    units, codes = nil_cells(framework=framework, period=period, statuses=statuses)
    return list(dict.fromkeys(zip(units, codes, strict=True)))


def record_pairs(
    *,
    framework: Framework,
    start: datetime.date,
    end: datetime.date,
    statuses: Sequence[str] = (RecordStatus.APPROVED,),
) -> list[tuple[int, str]]:
    """Distinct (unit id, indicator code) of the framework's records dated from ``start``
    to ``end`` in ``statuses`` (``record_cells`` as pairs)."""
    rows = Record.objects.filter(
        framework=framework, status__in=list(statuses), date__gte=start, date__lte=end
    )
    units, codes = _columns(rows.order_by().values_list("unit_id", "indicator_code"))
    return list(dict.fromkeys(zip(units, codes, strict=True)))


def _by_code(units: list[int], codes: list[str]) -> dict[str, np.ndarray]:
    """Indicator code -> the unit ids listed with it."""
    found: dict[str, list[int]] = {}
    for unit, code in zip(units, codes, strict=True):
        found.setdefault(code, []).append(unit)
    return {code: np.array(ids, dtype=np.int64) for code, ids in found.items()}


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
        nil = _by_code(*nil_cells(framework=framework, period=collection))
        covered = _codes_mask(nil, index, column, len(codes))
        if collection.start < period.start or collection.end > period.end:
            reported = _by_code(*record_cells(framework=framework, period=collection))
            covered |= _codes_mask(reported, index, column, len(codes))
        declared &= covered
    return Reporting(tracked=tracked, declared=declared)
