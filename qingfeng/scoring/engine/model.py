"""The engine's inputs and outputs: plain data, no Django.

A framework is a tuple of indicators in tree order (every parent before its children);
records are columnar numpy arrays so that scoring never loops over units x indicators in
Python. See docs/design.md "The scoring model" for the semantics; ``docs/scoring.md`` records
the decisions taken where docs/design.md is silent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

RULE_TYPES = ("deduct", "bonus", "direct", "rate", "survey", "veto")
GREEN = "green"


@dataclass(frozen=True)
class Band:
    """A warning level that applies when a node's ratio (score / applicable max) is below
    ``below`` (a fraction). The most severe band is the one with the smallest ``below``."""

    level: str
    below: float


@dataclass(frozen=True)
class Rule:
    """How a leaf turns its records into points. Parameters unused by a type are None."""

    type: str
    per: float | None = None
    cap: float | None = None
    grades: Mapping[str, float] = field(default_factory=dict)
    zero_at: float | None = None
    full_at: float | None = None


@dataclass(frozen=True)
class Indicator:
    """A node of the indicator tree. A leaf has a rule; a group (with children) has none."""

    code: str
    parent: str | None
    max: float
    rule: Rule | None = None
    applies_to: frozenset[str] = frozenset()
    component: str | None = None
    bands: tuple[Band, ...] | None = None  # None: the framework's bands


@dataclass(frozen=True)
class Component:
    """An assessment component (daily supervision, survey, evaluation …) and its weight."""

    code: str
    weight: float


@dataclass(frozen=True)
class Framework:
    """One framework version as the engine needs it."""

    code: str
    scale: float
    bands: tuple[Band, ...]
    indicators: tuple[Indicator, ...]
    components: tuple[Component, ...] = ()
    # The strict rule for unreported leaves (``Reporting``): they are not assessed instead
    # of scoring as a leaf without records does.
    strict_unreported: bool = False


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]


@dataclass
class Records:
    """The records of one period, one row per record, as parallel arrays.

    ``unit`` indexes the unit list given to ``score``; ``indicator`` indexes
    ``Framework.indicators`` and must point at a leaf. Absent numbers are NaN; an absent
    grade is None. ``id`` is the record's database id, returned in explanations.
    """

    unit: IntArray
    indicator: IntArray
    points: FloatArray
    quantity: FloatArray
    value: FloatArray
    grade: ObjectArray
    id: IntArray

    @classmethod
    def empty(cls) -> Records:
        return cls(
            unit=np.zeros(0, np.int64),
            indicator=np.zeros(0, np.int64),
            points=np.zeros(0),
            quantity=np.zeros(0),
            value=np.zeros(0),
            grade=np.zeros(0, object),
            id=np.zeros(0, np.int64),
        )

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, object]]) -> Records:
        """Build from dicts with keys unit, indicator, and optionally points, quantity,
        value, grade, id (convenient for tests and small inputs)."""

        def floats(key: str) -> FloatArray:
            return np.array(
                [np.nan if row.get(key) is None else float(row[key]) for row in rows],  # type: ignore[arg-type]
                dtype=np.float64,
            )

        return cls(
            unit=np.array([row["unit"] for row in rows], dtype=np.int64),
            indicator=np.array([row["indicator"] for row in rows], dtype=np.int64),
            points=floats("points"),
            quantity=floats("quantity"),
            value=floats("value"),
            grade=np.array([row.get("grade") for row in rows], dtype=object),
            id=np.array([row.get("id", i) for i, row in enumerate(rows)], dtype=np.int64),
        )


@dataclass
class Reporting:
    """Which leaves a data station answers for, per unit, and where it declared that it has
    nothing to report (docs/completeness.md). Both are [unit, node] masks.

    A ``deduct`` or ``bonus`` leaf that applies to a unit, is ``tracked`` for it, has no
    counted record and is not ``declared`` is *unreported*: marked in the result and, under
    the framework's strict rule, not assessed. Other leaves are never unreported.
    """

    tracked: BoolArray
    declared: BoolArray


@dataclass
class Result:
    """Scores of every unit for one framework and period.

    Arrays are indexed [unit] or [unit, node] with nodes in ``Framework.indicators`` order
    (``score``, ``max`` and ``applicable`` are stored node by node, i.e. in Fortran order;
    ``band`` in C order).
    A node that does not apply to a unit, or has nothing assessed, has ``applicable[u, n]``
    False, score NaN, max 0 and band None. A unit with nothing assessed has total NaN,
    band None and rank 0 (no rank). Ranks start at 1; 0 means "no rank".

    Explanations: ``record_*`` hold the records that counted (see docs/scoring.md);
    ``records_behind`` and ``unit_vetoed_by`` read them without scanning them all.
    """

    codes: list[str]
    score: FloatArray  # [unit, node]
    max: FloatArray  # [unit, node] applicable max
    applicable: BoolArray  # [unit, node]
    band: ObjectArray  # [unit, node] "green", a level, or None
    raw: FloatArray  # [unit]
    applicable_max: FloatArray  # [unit]
    total: FloatArray  # [unit] on the framework scale, NaN when nothing assessed
    unit_band: ObjectArray  # [unit]
    vetoed: BoolArray  # [unit]
    rank: IntArray  # [unit]
    category_rank: IntArray  # [unit]
    component_percent: FloatArray  # [unit, component] 0-100, NaN when not assessed
    record_unit: IntArray  # the counted records, sorted by (unit, leaf)
    record_leaf: IntArray
    record_id: IntArray
    ancestors: list[list[int]] = field(default_factory=list)  # node -> [node, parent, …]
    component_codes: list[str] = field(default_factory=list)  # columns of component_percent
    veto_leaf: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # [node]
    # [unit, node]: deduct and bonus leaves no station reported on (see ``Reporting``).
    unreported: BoolArray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    # [unit]: reported share of the unit's tracked applicable deduct and bonus leaves; NaN
    # when it has none (or no ``Reporting`` was given).
    completeness: FloatArray = field(default_factory=lambda: np.zeros(0))
    # subtree[n, m]: m is n or below n. Built from `ancestors` when left empty.
    subtree: BoolArray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))

    def _unit_rows(self, unit: int) -> slice:
        # record_unit is sorted: two binary searches find the unit's records.
        lo = int(np.searchsorted(self.record_unit, unit, side="left"))
        hi = int(np.searchsorted(self.record_unit, unit, side="right"))
        return slice(lo, hi)

    def records_behind(self, unit: int, node: int) -> list[int]:
        """Ids of the records that made ``node``'s score for ``unit`` (the counted records of
        the unit on any leaf under ``node``, or on ``node`` itself when it is a leaf), in
        (leaf, input) order."""
        if self.subtree.shape != (len(self.ancestors),) * 2:
            n = len(self.ancestors)
            self.subtree = np.zeros((n, n), dtype=bool)
            for m, chain in enumerate(self.ancestors):
                self.subtree[chain, m] = True
        rows = self._unit_rows(unit)
        under = self.subtree[node][self.record_leaf[rows]]
        return [int(i) for i in self.record_id[rows][under]]

    def unit_vetoed_by(self, unit: int) -> list[int]:
        """Ids of the records that vetoed ``unit`` (its records on applicable veto leaves)."""
        if not len(self.veto_leaf):
            return []
        rows = self._unit_rows(unit)
        return [int(i) for i in self.record_id[rows][self.veto_leaf[self.record_leaf[rows]]]]
