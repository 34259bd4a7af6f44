"""Leaf scores: records -> one number per (leaf, unit), vectorised over all records.

Arrays here are node-major ([node, unit]) so that a node's row is contiguous: the
aggregation walks the tree node by node with whole-row operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import BoolArray, FloatArray, IntArray, ObjectArray, Records, Reporting
from .plan import BONUS, DEDUCT, DIRECT, MEAN_RULES, RATE, SURVEY, VETO, Plan


@dataclass
class Counted:
    """The records that count, as a row mask over the input records, with their amounts."""

    mask: BoolArray  # [record]: on a leaf that applies to the unit, and used by its rule
    amount: FloatArray  # [record]: what the record contributes (meaningless where not counted)


def _grade_points(p: Plan, leaf: IntArray, grade: ObjectArray) -> tuple[BoolArray, FloatArray]:
    """Which records name a grade (not None, not ""), and for those the points of that
    grade in their leaf's table (0 for a grade the table lacks)."""
    bonus = [int(i) for i in np.flatnonzero(p.rule == BONUS)]
    tables = [p.framework.indicators[i].rule for i in bonus]
    names = sorted({name for rule in tables if rule is not None for name in rule.grades})
    # A dense [node, grade] table over the grades the rules name, plus a column of zeros
    # for any other grade.
    points = np.zeros((p.n, len(names) + 1))
    for i, rule in zip(bonus, tables, strict=True):
        assert rule is not None
        for name, value in rule.grades.items():
            points[i, names.index(name)] = float(value)
    unknown, no_grade = len(names), -1
    column: dict[object, int] = {name: j for j, name in enumerate(names)}
    column[None] = column[""] = no_grade
    values = grade.tolist()
    try:
        # A dict look-up per record, in C; anything not found is looked at once more.
        found = list(map(column.get, values))
    except TypeError:  # an unhashable grade: every record takes the slow way
        found = [None] * len(values)
    for k in [k for k, j in enumerate(found) if j is None]:
        # A grade is compared as text, as str() writes it (a number, say).
        found[k] = column.get(str(values[k]), unknown)
    at = np.array(found, dtype=np.int64)
    named = at != no_grade
    return named, points[leaf[named], at[named]]


def count_records(p: Plan, applies: BoolArray, unit_category: IntArray, rec: Records) -> Counted:
    """Decide which records count and what each contributes.

    ``applies[category, node]`` is the applicability table; ``unit_category[u]`` the
    category index of unit u. Each step is one pass over the records with the rule's
    parameters looked up in small per-node tables; a rule the framework does not use
    costs nothing.
    """
    leaf = rec.indicator
    kind = p.rule.astype(np.int8)[leaf]
    present = set(p.rule[p.is_leaf].tolist())
    # One look-up in the small [category, node] table (flattened) per record.
    unit_offset = unit_category * p.n
    on_applicable = applies.ravel()[unit_offset[rec.unit] + leaf]
    quantity = rec.quantity
    quantity = np.where(np.isnan(quantity), 1.0, quantity)
    per = np.nan_to_num(p.per, nan=0.0)[leaf]  # per None -> 0
    points = rec.points
    has_points = ~np.isnan(points)
    per *= quantity
    amount = np.where(has_points, points, per)

    # Bonus records without points use their grade when they have one (an unknown grade
    # adds 0: it does not fall back to `per`).
    if BONUS in present:
        rows = np.flatnonzero((kind == BONUS) & ~has_points)
        if len(rows):
            # No grade (None or "") keeps `per`.
            named, graded = _grade_points(p, leaf[rows], rec.grade[rows])
            rows = rows[named]
            amount[rows] = graded * quantity[rows]

    # Averaged rules read one number; a record without it is ignored.
    mask = on_applicable
    if DIRECT in present:
        amount = np.where(kind == DIRECT, points, amount)
    if RATE in present or SURVEY in present:
        amount = np.where((kind == RATE) | (kind == SURVEY), rec.value, amount)
    if present & set(MEAN_RULES):
        mean = (kind >= DIRECT) & (kind <= SURVEY)
        mask &= ~(mean & np.isnan(amount))
    if VETO in present:
        amount[kind == VETO] = 0.0
    return Counted(mask=mask, amount=amount)


@dataclass
class Leaves:
    """Leaf rows of the node-major score arrays."""

    score: FloatArray  # [node, unit], NaN where not applicable; group rows untouched
    max: FloatArray  # [node, unit], 0 where not applicable
    applicable: BoolArray  # [node, unit]
    vetoed: BoolArray  # [unit]
    count: IntArray  # [node, unit]: how many records counted


def score_leaves(
    p: Plan, applies: BoolArray, unit_category: IntArray, rec: Records, counted: Counted
) -> Leaves:
    """Score every leaf for every unit. ``applies[category, node]`` is applicability and
    ``unit_category[u]`` unit u's category index."""
    n_units = len(unit_category)
    size = p.n * n_units
    # Keyed by node index (not leaf rank): the sums land on the nodes' own rows. Records
    # that do not count go to one extra bin, dropped after: cheaper than picking the
    # counted ones out of three arrays.
    key = rec.indicator * n_units
    key += rec.unit
    key[~counted.mask] = size
    # bincount adds in record order, the order a plain loop over the records would use.
    sums = np.bincount(key, weights=counted.amount, minlength=size + 1)[:size]
    # (An empty bincount is int64 whatever its weights.)
    total: FloatArray = sums.astype(np.float64, copy=False).reshape(p.n, n_units)
    count = np.bincount(key, minlength=size + 1)[:size].reshape(p.n, n_units)

    score = np.full((p.n, n_units), np.nan)
    maxima = np.zeros((p.n, n_units))
    applicable = np.zeros((p.n, n_units), dtype=bool)
    vetoed = np.zeros(n_units, dtype=bool)
    # Most nodes apply to every category: only the others' rows are spread over the units.
    restricted = np.logical_not(applies.all(axis=0))
    for kind in (DEDUCT, BONUS, DIRECT, RATE, SURVEY, VETO):
        nodes = np.flatnonzero(p.rule == kind)
        if not len(nodes):
            continue
        m = p.max[nodes][:, None]
        if kind == VETO:
            # Counted records lie on applicable leaves only: a count is a veto.
            vetoed |= (count[nodes] > 0).any(axis=0)
            continue
        t = total[nodes]
        if kind == DEDUCT:
            np.fmin(t, p.cap[nodes][:, None], out=t)  # NaN cap: no cap
            s = np.subtract(m, t, out=t)
        elif kind == BONUS:
            s = t
        else:
            c = count[nodes]
            # Mean of the records' numbers first, then the rule's formula.
            with np.errstate(divide="ignore", invalid="ignore"):
                v = np.divide(t, c, out=t)
            if kind == DIRECT:
                s = v
            elif kind == RATE:
                zero_at = p.zero_at[nodes][:, None]
                full_at = p.full_at[nodes][:, None]
                s = m * np.clip((v - zero_at) / (full_at - zero_at), 0.0, 1.0)
            else:
                s = m * np.clip(v / 100.0, 0.0, 1.0)
        # Every leaf stays within [0, max]: deductions floor at 0, bonuses cap at max, and
        # negative inputs (which validation elsewhere rejects) cannot push it outside.
        s = np.minimum(np.maximum(s, 0.0, out=s), m, out=s)
        if kind in (DEDUCT, BONUS):
            # Assessed wherever the leaf applies: everywhere but on its restricted rows.
            score[nodes] = s
            maxima[nodes] = m
            applicable[nodes] = True
            nodes = nodes[restricted[nodes]]
            if not len(nodes):
                continue
            ok = applies.T[nodes][:, unit_category]
            s = score[nodes]
            m = maxima[nodes]
        else:
            # Assessed where a record counted, which it does only where the leaf applies.
            ok = c > 0
        score[nodes] = np.where(ok, s, np.nan)
        maxima[nodes] = np.where(ok, m, 0.0)
        applicable[nodes] = ok
    return Leaves(score=score, max=maxima, applicable=applicable, vetoed=vetoed, count=count)


@dataclass
class Unreported:
    """The unreported leaves ([node, unit]) and each unit's completeness."""

    mask: BoolArray  # [node, unit]
    completeness: FloatArray  # [unit]


def unreported_leaves(p: Plan, lv: Leaves, reporting: Reporting | None) -> Unreported:
    """Mark the tracked deduct and bonus leaves that apply, have no counted record and were
    not declared nil (``Reporting``); under the strict rule, make them not assessed in
    ``lv`` (before the groups are aggregated)."""
    n_units = lv.score.shape[1]
    if reporting is None:
        return Unreported(np.zeros((p.n, n_units), dtype=bool), np.full(n_units, np.nan))
    kinds = (p.rule == DEDUCT) | (p.rule == BONUS)
    expected = reporting.tracked.T & lv.applicable & kinds[:, None]
    mask = expected & ~reporting.declared.T & (lv.count == 0)
    owed = expected.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        completeness = np.where(owed > 0, 1.0 - mask.sum(axis=0) / owed, np.nan)
    if p.framework.strict_unreported:
        lv.score[mask] = np.nan
        lv.max[mask] = 0.0
        lv.applicable[mask] = False
    return Unreported(mask, completeness)
