"""The completeness board: per data station (and indicator) of one framework and one
collection period, how many of the cells it answers for are reported, nil-returned,
pending review or missing (docs/completeness-board.md).

Built on the rules of ``qingfeng.records.completeness`` (tracked leaves, which units a
station answers for, when a period is due, ``UnitIndex``). What this module adds is the
counting, as whole-array operations: one [unit, leaf] mask per kind, so a province period
(11,728 units × 40 tracked leaves, 500,000 records) counts in about 0.3 s (bench/README.md).
It reads the cells with the rules' ``record_cells`` and ``nil_cells`` (the pairs of
``record_pairs`` and ``nil_pairs`` without their DISTINCT, only for the leaves shown: a
province quarter needs that; a test compares them).

Scope: a user sees the stations of ``board_stations`` (their region's stations for the
commission, their own station for its clerks and reviewers) and only the units they see
are ever counted.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework, Indicator
from qingfeng.framework.selectors import version_in_force
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station, UnitQuerySet
from qingfeng.records.completeness import (
    UnitIndex,
    is_due,
    leaf_applies,
    nil_cells,
    record_cells,
    station_regions,
    tracked_leaves,
)
from qingfeng.records.models import (
    CollectionPeriod,
    NilReturnStatus,
    RecordStatus,
)

# Who sees the commission board: those who analyse or manage collection periods, over the
# stations of their regions.
COMMISSION_CAPABILITIES = (Capability.VIEW_ANALYSIS, Capability.MANAGE_PERIODS)
# Who sees a station's own view: its clerks and reviewers (scoped to the station).
STATION_CAPABILITIES = (Capability.ENTER_RECORDS, Capability.REVIEW_RECORDS)
BOARD_PERIODS = 4  # collection periods shown side by side on the board
UNITS_SHOWN = 300  # missing units a page lists per indicator


@dataclass(frozen=True)
class Counts:
    """Cells (unit × leaf a station answers for) by state; each cell counts once, in the
    first state that holds: reported, nil, pending, missing."""

    cells: int = 0
    reported: int = 0
    nil: int = 0
    pending: int = 0

    @property
    def missing(self) -> int:
        return self.cells - self.reported - self.nil - self.pending

    @property
    def missing_share(self) -> float | None:
        """Missing cells over all cells (0–1); None when nothing is owed."""
        return self.missing / self.cells if self.cells else None

    @property
    def missing_percent(self) -> int | None:
        """The missing share as a whole percent for people: never 0 while a cell is
        missing, never 100 while one is not."""
        share = self.missing_share
        if share is None:
            return None
        percent = round(share * 100)
        if self.missing and percent == 0:
            return 1
        if self.missing < self.cells and percent == 100:
            return 99
        return percent

    def as_dict(self) -> dict[str, Any]:
        """The counts and the missing share, for JSON."""
        return {
            "cells": self.cells,
            "reported": self.reported,
            "nil": self.nil,
            "pending": self.pending,
            "missing": self.missing,
            "missing_share": self.missing_share,
        }


@dataclass(frozen=True)
class MissingUnit:
    """A unit with a missing cell (names shown to people, codes given to the API)."""

    pk: int
    code: str
    name: str


@dataclass
class IndicatorCompleteness:
    """One tracked leaf of a station: its counts and (when asked for) its missing units."""

    leaf: Indicator
    counts: Counts
    missing_units: list[MissingUnit] = field(default_factory=list)

    @property
    def shown_units(self) -> list[MissingUnit]:
        """The missing units a page lists (a province leaf may miss thousands)."""
        return self.missing_units[:UNITS_SHOWN]

    @property
    def more_units(self) -> int:
        """How many missing units a page does not list."""
        return max(0, len(self.missing_units) - UNITS_SHOWN)


@dataclass
class StationCompleteness:
    """One station in one collection period: overall counts, late or not, and per leaf."""

    station: Station
    counts: Counts
    late: bool
    indicators: list[IndicatorCompleteness]
    period: Period


@dataclass
class PeriodCompleteness:
    """The stations' completeness in one collection period of a framework (stations: late
    first, then by missing share, largest first, then by name)."""

    framework: Framework
    collection: CollectionPeriod
    period: Period
    due: bool
    stations: list[StationCompleteness]

    def station(self, pk: int) -> StationCompleteness | None:
        """The row of the station ``pk``, if it is on the board."""
        return next((row for row in self.stations if row.station.pk == pk), None)


@dataclass
class BoardRow:
    """A station across the board's periods (None where it owes nothing in a period)."""

    station: Station
    cells: list[StationCompleteness | None]

    @property
    def late(self) -> bool:
        return any(cell is not None and cell.late for cell in self.cells)


@dataclass
class Board:
    """The commission board: stations × collection periods (newest first)."""

    framework: Framework
    periods: list[PeriodCompleteness]
    rows: list[BoardRow]


def can_see_board(*, user: Any) -> bool:
    """Whether the user may open the completeness pages at all."""
    return any(
        scope.has_capability(user, capability)
        for capability in (*COMMISSION_CAPABILITIES, *STATION_CAPABILITIES)
    )


def board_stations(*, user: Any) -> QuerySet[Station]:
    """The stations whose completeness the user sees: those of the user's regions for a
    commission user (``COMMISSION_CAPABILITIES``), and a clerk's or reviewer's own
    station (``STATION_CAPABILITIES``)."""
    found: QuerySet[Station] = Station.objects.none()
    for capability in (*COMMISSION_CAPABILITIES, *STATION_CAPABILITIES):
        found = found | scope.visible_stations(user, capability)
    return found.distinct()


def board_collections(
    *, framework: Framework, upto: Period | None = None, count: int = BOARD_PERIODS
) -> list[CollectionPeriod]:
    """The framework's ``count`` latest collection periods not after ``upto`` (default:
    the latest), newest first."""
    collections = sorted(
        CollectionPeriod.objects.filter(framework=framework).select_related("framework"),
        key=lambda c: Period.parse(c.period),
        reverse=True,
    )
    if upto is not None:
        collections = [c for c in collections if Period.parse(c.period) <= upto]
    return collections[:count]


def _mask(
    units: Sequence[int], codes: Sequence[str], index: UnitIndex, column: dict[str, int]
) -> np.ndarray:
    """A [unit, leaf] mask of the cells (``units[i]``, ``codes[i]``), built as arrays (a
    province quarter has hundreds of thousands); cells outside the index are skipped."""
    mask = np.zeros((len(index.ids), len(column)), dtype=bool)
    if not len(units) or not len(index.ids):
        return mask
    count = len(units)
    unit_array = np.fromiter(units, dtype=np.int64, count=count)
    columns = np.fromiter(map(column.get, codes, repeat(-1, count)), dtype=np.int64, count=count)
    rows = np.minimum(np.searchsorted(index.ids, unit_array), len(index.ids) - 1)
    known = (index.ids[rows] == unit_array) & (columns >= 0)
    mask[rows[known], columns[known]] = True
    return mask


@dataclass
class _Grid:
    """The masks of one period: which cells are owed (and by which station's columns),
    then the state of each owed cell (exclusive: reported, nil, pending, missing)."""

    index: UnitIndex
    leaves: list[Indicator]
    owed: np.ndarray
    reported: np.ndarray
    nil: np.ndarray
    pending: np.ndarray

    @property
    def missing(self) -> np.ndarray:
        return self.owed & ~(self.reported | self.nil | self.pending)


@dataclass
class _Units:
    """The framework's active units the user sees: a ``UnitIndex``, each one's category
    code, and (for the missing units) each one's code, name and tree path."""

    index: UnitIndex
    kinds: list[str]  # the category codes present
    categories: np.ndarray  # each unit's category as an index into ``kinds``
    labels: list[tuple[str, str, str]]


def _units(*, visible: UnitQuerySet, framework: Framework) -> _Units:
    rows = list(
        visible.within(framework.region)
        .filter(active=True)
        .order_by("pk")
        .values_list("pk", "region__path", "category__code", "code", "name", "path")
    )
    index = UnitIndex(np.array([row[0] for row in rows], dtype=np.int64), [row[1] for row in rows])
    kinds = sorted({row[2] for row in rows})
    number = {kind: at for at, kind in enumerate(kinds)}
    categories = np.array([number[row[2]] for row in rows], dtype=np.int64)
    return _Units(index, kinds, categories, [(row[5], row[3], row[4]) for row in rows])


def _grid(*, units: _Units, framework: Framework, period: Period, leaves: list[Indicator]) -> _Grid:
    """The masks of the collection period ``period`` for ``leaves`` (tracked leaves of
    the stations shown)."""
    index = units.index
    width = len(leaves)
    column = {leaf.code: at for at, leaf in enumerate(leaves)}
    owed = np.zeros((len(index.ids), width), dtype=bool)
    regions = station_regions({int(leaf.station_id or 0) for leaf in leaves})
    within: dict[str, np.ndarray] = {}
    for at, leaf in enumerate(leaves):
        path = regions[int(leaf.station_id or 0)]
        if path not in within:
            within[path] = index.within(path)
        # Whether the leaf applies, per category, looked up for every unit at once.
        applies = np.array([leaf_applies(leaf, kind) for kind in units.kinds], dtype=bool)
        owed[:, at] = within[path] & applies[units.categories]
    codes = list(column)

    def records(statuses: Sequence[str]) -> np.ndarray:
        found = record_cells(framework=framework, period=period, codes=codes, statuses=statuses)
        return _mask(*found, index, column)

    def nils(statuses: Sequence[str]) -> np.ndarray:
        found = nil_cells(framework=framework, period=period, codes=codes, statuses=statuses)
        return _mask(*found, index, column)

    reported = owed & records((RecordStatus.APPROVED,))
    nil = owed & ~reported & nils((NilReturnStatus.APPROVED,))
    pending = records((RecordStatus.SUBMITTED,)) | nils((NilReturnStatus.SUBMITTED,))
    pending &= owed & ~reported & ~nil
    return _Grid(index, leaves, owed, reported, nil, pending)


def _counts(grid: _Grid, columns: np.ndarray | slice) -> Counts:
    return Counts(
        cells=int(grid.owed[:, columns].sum()),
        reported=int(grid.reported[:, columns].sum()),
        nil=int(grid.nil[:, columns].sum()),
        pending=int(grid.pending[:, columns].sum()),
    )


def _missing_units(grid: _Grid, units: _Units, at: int) -> list[MissingUnit]:
    """The units missing on leaf column ``at``, in tree order."""
    rows = np.flatnonzero(grid.missing[:, at]).tolist()
    found = sorted((units.labels[row], int(grid.index.ids[row])) for row in rows)
    return [MissingUnit(pk, code, name) for (_path, code, name), pk in found]


def _sorted(rows: Iterable[StationCompleteness]) -> list[StationCompleteness]:
    """Late stations first, then the largest missing share, then by name."""
    return sorted(
        rows,
        key=lambda row: (
            not row.late,
            -(row.counts.missing_share or 0.0),
            row.station.name,
            row.station.pk,
        ),
    )


def period_completeness(
    *,
    user: Any,
    framework: Framework,
    period: Period,
    station: Station | None = None,
    with_units: bool = False,
    today: datetime.date | None = None,
) -> PeriodCompleteness | None:
    """The completeness of ``framework``'s collection period ``period`` per station the
    user sees (``board_stations``; only ``station`` when given) owning a tracked leaf of
    the version in force, and per leaf; ``with_units`` adds each leaf's missing units.
    None when ``period`` is not a collection period of the framework."""
    collection = CollectionPeriod.objects.filter(framework=framework, period=str(period)).first()
    if collection is None:
        return None
    stations = board_stations(user=user)
    if station is not None:
        stations = stations.filter(pk=station.pk)
    return _period_completeness(
        stations=stations,
        visible=scope.visible_units(user),
        collection=collection,
        with_units=with_units,
        today=today or timezone.localdate(),
        units=None,
    )


def station_completeness(
    *,
    station: Station,
    visible: UnitQuerySet,
    framework: Framework,
    period: Period,
    today: datetime.date | None = None,
) -> PeriodCompleteness | None:
    """``period_completeness`` as the station itself sees it (an API token acting for
    it): the station only, over the ``visible`` units (``accounts.selectors.token_units``),
    with the missing units."""
    collection = CollectionPeriod.objects.filter(framework=framework, period=str(period)).first()
    if collection is None:
        return None
    return _period_completeness(
        stations=Station.objects.filter(pk=station.pk),
        visible=visible,
        collection=collection,
        with_units=True,
        today=today or timezone.localdate(),
        units=None,
    )


def _period_completeness(
    *,
    stations: QuerySet[Station],
    visible: UnitQuerySet,
    collection: CollectionPeriod,
    with_units: bool,
    today: datetime.date,
    units: _Units | None,
) -> PeriodCompleteness:
    """The completeness of ``collection`` for the tracked leaves of ``stations``, over the
    ``visible`` units (``units``: the same, already read)."""
    framework = collection.framework
    period = Period.parse(collection.period)
    due = is_due(collection, today=today)
    version = version_in_force(framework=framework, period=period)
    leaves = tracked_leaves(version) if version is not None else []
    owners = {s.pk: s for s in stations.filter(pk__in={leaf.station_id for leaf in leaves})}
    leaves = [leaf for leaf in leaves if leaf.station_id in owners]
    result = PeriodCompleteness(framework, collection, period, due, [])
    if not leaves:
        return result
    units = units or _units(visible=visible, framework=framework)
    grid = _grid(units=units, framework=framework, period=period, leaves=leaves)
    station_of = np.array([leaf.station_id for leaf in leaves], dtype=np.int64)
    rows = []
    for pk, found in owners.items():
        columns = np.flatnonzero(station_of == pk)
        indicators = []
        for at in columns.tolist():
            counts = _counts(grid, slice(at, at + 1))
            missing = _missing_units(grid, units, at) if with_units and counts.missing else []
            indicators.append(IndicatorCompleteness(grid.leaves[at], counts, missing))
        counts = _counts(grid, columns)
        rows.append(
            StationCompleteness(found, counts, due and counts.missing > 0, indicators, period)
        )
    result.stations = _sorted(rows)
    return result


def completeness_board(
    *,
    user: Any,
    framework: Framework,
    upto: Period | None = None,
    count: int = BOARD_PERIODS,
    today: datetime.date | None = None,
) -> Board:
    """The commission board: the stations the user sees × the framework's ``count``
    latest collection periods up to ``upto`` (newest first). Rows: stations late in any
    shown period first, then by the newest period's missing share."""
    collections = board_collections(framework=framework, upto=upto, count=count)
    visible = scope.visible_units(user)
    units = _units(visible=visible, framework=framework) if collections else None
    periods = [
        _period_completeness(
            stations=board_stations(user=user),
            visible=visible,
            collection=collection,
            with_units=False,
            today=today or timezone.localdate(),
            units=units,
        )
        for collection in collections
    ]
    stations: dict[int, Station] = {}
    for found in periods:
        for row in found.stations:
            stations.setdefault(row.station.pk, row.station)
    rows = [
        BoardRow(station, [found.station(pk) for found in periods])
        for pk, station in stations.items()
    ]

    def worst(row: BoardRow) -> tuple[bool, float, str, int]:
        newest = next((cell for cell in row.cells if cell is not None), None)
        share = newest.counts.missing_share or 0.0 if newest is not None else 0.0
        return (not row.late, -share, row.station.name, row.station.pk)

    return Board(framework, periods, sorted(rows, key=worst))


def completeness_json(found: PeriodCompleteness) -> dict[str, Any]:
    """``found`` as the API and ``manage.py completeness --format json`` give it: codes,
    not names; per station its counts and per indicator its counts and missing unit
    codes (when ``found`` was read ``with_units``)."""
    return {
        "framework": found.framework.code,
        "period": str(found.period),
        "entry_deadline": found.collection.entry_deadline.isoformat(),
        "due": found.due,
        "stations": [
            {
                "station": row.station.code,
                "name": row.station.name,
                **row.counts.as_dict(),
                "late": row.late,
                "indicators": [
                    {
                        "indicator": item.leaf.code,
                        "name": item.leaf.name,
                        **item.counts.as_dict(),
                        "missing_units": [unit.code for unit in item.missing_units],
                    }
                    for item in row.indicators
                ],
            }
            for row in found.stations
        ],
    }
