"""Check a framework and records, and lay the framework out as numpy arrays.

The engine guards only what it relies on (tree order, unique codes, leaves with rules,
known components and rule parameters, records on leaves); the user-facing validation of a
framework lives in the framework app.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .bands import sorted_bands
from .model import (
    RULE_TYPES,
    Band,
    BoolArray,
    FloatArray,
    Framework,
    IntArray,
    Records,
    Reporting,
    Rule,
)

DEDUCT, BONUS, DIRECT, RATE, SURVEY, VETO = range(len(RULE_TYPES))
# Rules whose records are averaged and whose leaf is "not assessed" without a record.
MEAN_RULES = (DIRECT, RATE, SURVEY)


@dataclass(frozen=True)
class Plan:
    """A checked framework as arrays indexed by node (``Framework.indicators`` order)."""

    framework: Framework
    codes: list[str]
    parent: IntArray  # -1 for a level-1 node
    children: list[list[int]]  # in index order
    is_leaf: BoolArray
    rule: IntArray  # index into RULE_TYPES, -1 for a group
    max: FloatArray  # a leaf's max (0 for veto leaves); 0 for groups (theirs is computed)
    per: FloatArray  # NaN when the rule has none
    cap: FloatArray  # NaN: no cap
    zero_at: FloatArray
    full_at: FloatArray
    level1: list[int]
    component: IntArray  # component index of a level-1 node, -1 otherwise
    weights: FloatArray  # [component]
    ancestors: list[list[int]]  # node -> [node, parent, grandparent, …]
    band_sets: list[tuple[Band, ...]]  # distinct band lists, each sorted by `below`
    band_set: IntArray  # node -> index into band_sets

    @property
    def n(self) -> int:
        return len(self.codes)

    def applies(self, categories: Sequence[str]) -> BoolArray:
        """[category, node]: whether each node applies to each category, inheriting the
        ``applies_to`` of every ancestor."""
        out = np.zeros((len(categories), self.n), dtype=bool)
        for i, node in enumerate(self.framework.indicators):
            own = np.array([not node.applies_to or c in node.applies_to for c in categories])
            p = int(self.parent[i])
            out[:, i] = own if p < 0 else own & out[:, p]
        return out


def _num(value: float | None, what: str) -> float:
    if value is None:
        return math.nan
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return number


def _sorted_bands(bands: tuple[Band, ...], where: str) -> tuple[Band, ...]:
    for band in bands:
        _num(band.below, f"{where}: band {band.level!r} below")
        if band.level == "green":
            raise ValueError(f"{where}: 'green' is reserved for 'no warning'")
    return sorted_bands(bands)


def _check_rule(code: str, rule: Rule) -> None:
    if rule.type not in RULE_TYPES:
        raise ValueError(f"indicator {code}: unknown rule type {rule.type!r}")
    _num(rule.per, f"indicator {code}: per")
    _num(rule.cap, f"indicator {code}: cap")
    for grade, points in rule.grades.items():
        _num(points, f"indicator {code}: grade {grade!r}")
    if rule.type == "rate":
        zero_at = _num(rule.zero_at, f"indicator {code}: zero_at")
        full_at = _num(rule.full_at, f"indicator {code}: full_at")
        if math.isnan(zero_at) or math.isnan(full_at) or zero_at == full_at:
            raise ValueError(f"indicator {code}: a rate rule needs zero_at != full_at")


def plan(framework: Framework) -> Plan:
    """Check ``framework`` and return its array layout; ValueError on a broken framework."""
    if not (math.isfinite(framework.scale) and framework.scale > 0):
        raise ValueError(f"framework {framework.code}: scale must be positive")
    nodes = framework.indicators
    n = len(nodes)
    index: dict[str, int] = {}
    parent = np.full(n, -1, dtype=np.int64)
    children: list[list[int]] = [[] for _ in range(n)]
    for i, node in enumerate(nodes):
        if node.code in index:
            raise ValueError(f"indicator code {node.code!r} is used twice")
        if node.parent is not None:
            if node.parent not in index:
                raise ValueError(
                    f"indicator {node.code}: parent {node.parent!r} must come before it"
                )
            parent[i] = index[node.parent]
            children[index[node.parent]].append(i)
        index[node.code] = i

    components = {c.code: k for k, c in enumerate(framework.components)}
    if len(components) != len(framework.components):
        raise ValueError(f"framework {framework.code}: component codes must be unique")
    for c in framework.components:
        if not (math.isfinite(c.weight) and c.weight > 0):
            raise ValueError(f"component {c.code}: weight must be positive")

    is_leaf = np.array([not kids for kids in children], dtype=bool)
    rule = np.full(n, -1, dtype=np.int64)
    maxima = np.zeros(n)
    params = {key: np.full(n, np.nan) for key in ("per", "cap", "zero_at", "full_at")}
    component = np.full(n, -1, dtype=np.int64)
    band_sets: list[tuple[Band, ...]] = [_sorted_bands(framework.bands, "framework")]
    band_set = np.zeros(n, dtype=np.int64)
    for i, node in enumerate(nodes):
        if is_leaf[i]:
            if node.rule is None:
                raise ValueError(f"indicator {node.code}: a leaf needs a rule")
            _check_rule(node.code, node.rule)
            rule[i] = RULE_TYPES.index(node.rule.type)
            for key, values in params.items():
                values[i] = _num(getattr(node.rule, key), f"indicator {node.code}: {key}")
            # A veto leaf carries no points, whatever max it was given.
            if rule[i] != VETO:
                maxima[i] = _num(node.max, f"indicator {node.code}: max")
                if maxima[i] < 0:
                    raise ValueError(f"indicator {node.code}: max must not be negative")
        elif node.rule is not None:
            raise ValueError(f"indicator {node.code}: a group (it has children) has no rule")
        if node.component is not None:
            if node.component not in components:
                raise ValueError(f"indicator {node.code}: unknown component {node.component!r}")
            if parent[i] < 0:
                component[i] = components[node.component]
        elif components and parent[i] < 0:
            raise ValueError(f"indicator {node.code}: a level-1 node must name a component")
        if node.bands is not None:
            bands = _sorted_bands(node.bands, f"indicator {node.code}")
            if bands not in band_sets:
                band_sets.append(bands)
            band_set[i] = band_sets.index(bands)

    ancestors: list[list[int]] = []
    for i in range(n):
        p = int(parent[i])
        ancestors.append([i] if p < 0 else [i, *ancestors[p]])
    return Plan(
        framework=framework,
        codes=[node.code for node in nodes],
        parent=parent,
        children=children,
        is_leaf=is_leaf,
        rule=rule,
        max=maxima,
        per=params["per"],
        cap=params["cap"],
        zero_at=params["zero_at"],
        full_at=params["full_at"],
        level1=[i for i in range(n) if parent[i] < 0],
        component=component,
        weights=np.array([c.weight for c in framework.components], dtype=np.float64),
        ancestors=ancestors,
        band_sets=band_sets,
        band_set=band_set,
    )


def check_records(p: Plan, n_units: int, records: Records) -> None:
    """ValueError unless every record names a known unit and a leaf of the framework."""
    size = len(records.unit)
    for name in ("indicator", "points", "quantity", "value", "grade", "id"):
        rows = len(getattr(records, name))
        if rows != size:
            raise ValueError(f"records: '{name}' has {rows} rows, 'unit' has {size}")
    if size == 0:
        return
    bad_unit = (records.unit < 0) | (records.unit >= n_units)
    if bad_unit.any():
        row = int(np.flatnonzero(bad_unit)[0])
        raise ValueError(
            f"record {int(records.id[row])}: unit index {records.unit[row]} is out of range"
        )
    bad = (records.indicator < 0) | (records.indicator >= p.n)
    if not bad.any():
        bad = ~p.is_leaf[records.indicator]
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"record {int(records.id[row])}: indicator index {records.indicator[row]} "
            "is not a leaf of the framework"
        )


def check_reporting(p: Plan, n_units: int, reporting: Reporting | None) -> None:
    """ValueError unless both of the reporting masks are [unit, node] booleans."""
    if reporting is None:
        return
    for name in ("tracked", "declared"):
        mask = getattr(reporting, name)
        if mask.shape != (n_units, p.n) or mask.dtype != np.bool_:
            raise ValueError(
                f"reporting: '{name}' must be a boolean array of shape {(n_units, p.n)}, "
                f"not {mask.dtype} {mask.shape}"
            )
