"""Leaf scores: records -> one number per (leaf, unit), vectorised over all records.

Arrays here are node-major ([node, unit]) so that a node's row is contiguous: the
aggregation walks the tree node by node with whole-row operations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import BoolArray, FloatArray, IntArray, ObjectArray, Records
from .plan import BONUS, DEDUCT, DIRECT, MEAN_RULES, RATE, SURVEY, VETO, Plan


@dataclass
class Counted:
    """The records that count, as a row mask over the input records, with their amounts."""

    mask: BoolArray  # [record]: on a leaf that applies to the unit, and used by its rule
    amount: FloatArray  # [record]: what the record contributes (NaN where not counted)


def _grade_points(p: Plan, leaf: IntArray, grade: ObjectArray) -> FloatArray:
    """Points of each record's grade in its leaf's table; 0 for a grade the table lacks."""
    codes, inverse = np.unique(grade.astype(str), return_inverse=True)
    # One sorted key per (leaf, grade) known to a rule, looked up with searchsorted: no
    # dense leaf x grade table, whatever junk grades the records hold.
    keys: list[int] = []
    points: list[float] = []
    for i in np.flatnonzero(p.rule == BONUS):
        rule = p.framework.indicators[i].rule
        assert rule is not None
        for name, value in rule.grades.items():
            j = int(np.searchsorted(codes, name))
            if j < len(codes) and codes[j] == name:
                keys.append(int(i) * len(codes) + j)
                points.append(float(value))
    out = np.zeros(len(leaf))
    if keys:
        order = np.argsort(keys)
        table_keys = np.asarray(keys, dtype=np.int64)[order]
        table_points = np.asarray(points)[order]
        wanted = leaf * len(codes) + inverse.ravel()
        at = np.minimum(np.searchsorted(table_keys, wanted), len(table_keys) - 1)
        found = table_keys[at] == wanted
        out[found] = table_points[at[found]]
    return out


def count_records(p: Plan, applies: BoolArray, unit_category: IntArray, rec: Records) -> Counted:
    """Decide which records count and what each contributes.

    ``applies[category, node]`` is the applicability table; ``unit_category[u]`` the
    category index of unit u.
    """
    leaf = rec.indicator
    rule = p.rule[leaf]
    on_applicable = applies[unit_category[rec.unit], leaf]
    quantity = np.where(np.isnan(rec.quantity), 1.0, rec.quantity)
    per = np.nan_to_num(p.per[leaf], nan=0.0)  # per None -> 0
    has_points = ~np.isnan(rec.points)
    amount = np.where(has_points, rec.points, per * quantity)

    # Bonus records without points use their grade when they have one (an unknown grade
    # adds 0: it does not fall back to `per`).
    graded = (rule == BONUS) & ~has_points & (rec.grade != None)  # noqa: E711 (elementwise)
    if graded.any():
        rows = np.flatnonzero(graded)
        named = rec.grade[rows].astype(str) != ""
        rows = rows[named]
        if len(rows):
            amount[rows] = _grade_points(p, leaf[rows], rec.grade[rows]) * quantity[rows]

    # Averaged rules read one number; a record without it is ignored.
    amount = np.where(rule == DIRECT, rec.points, amount)
    amount = np.where((rule == RATE) | (rule == SURVEY), rec.value, amount)
    usable = ~np.isin(rule, MEAN_RULES) | ~np.isnan(amount)
    amount = np.where(rule == VETO, 0.0, amount)
    mask = on_applicable & usable
    return Counted(mask=mask, amount=np.where(mask, amount, np.nan))


@dataclass
class Leaves:
    """Leaf rows of the node-major score arrays."""

    score: FloatArray  # [node, unit], NaN where not applicable; group rows untouched
    max: FloatArray  # [node, unit], 0 where not applicable
    applicable: BoolArray  # [node, unit]
    vetoed: BoolArray  # [unit]


def score_leaves(
    p: Plan, node_applies: BoolArray, rec: Records, counted: Counted, n_units: int
) -> Leaves:
    """Score every leaf for every unit. ``node_applies[node, unit]`` is applicability."""
    leaves = np.flatnonzero(p.is_leaf)
    row_of = np.full(p.n, -1, dtype=np.int64)
    row_of[leaves] = np.arange(len(leaves))
    size = len(leaves) * n_units
    sel = counted.mask
    key = row_of[rec.indicator[sel]] * n_units + rec.unit[sel]
    # bincount adds in record order, the order a plain loop over the records would use.
    total = np.bincount(key, weights=counted.amount[sel], minlength=size).astype(np.float64)
    count = np.bincount(key, minlength=size)
    total = total.reshape(len(leaves), n_units)
    count = count.reshape(len(leaves), n_units)

    score = np.full((p.n, n_units), np.nan)
    maxima = np.zeros((p.n, n_units))
    applicable = np.zeros((p.n, n_units), dtype=bool)
    vetoed = np.zeros(n_units, dtype=bool)
    rule = p.rule[leaves]
    top = p.max[leaves][:, None]
    for kind in (DEDUCT, BONUS, DIRECT, RATE, SURVEY, VETO):
        rows = np.flatnonzero(rule == kind)
        if not len(rows):
            continue
        nodes = leaves[rows]
        m = top[rows]
        if kind == VETO:
            vetoed |= (count[rows] > 0).any(axis=0)
            continue
        if kind == DEDUCT:
            deduction = np.fmin(total[rows], p.cap[nodes][:, None])  # NaN cap: no cap
            s = m - deduction
            assessed = np.ones_like(s, dtype=bool)
        elif kind == BONUS:
            s = total[rows]
            assessed = np.ones_like(s, dtype=bool)
        else:
            assessed = count[rows] > 0
            # Mean of the records' numbers first, then the rule's formula.
            with np.errstate(divide="ignore", invalid="ignore"):
                v = total[rows] / count[rows]
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
        s = np.minimum(np.maximum(s, 0.0), m)
        ok = assessed & node_applies[nodes]
        score[nodes] = np.where(ok, s, np.nan)
        maxima[nodes] = np.where(ok, m, 0.0)
        applicable[nodes] = ok
    return Leaves(score=score, max=maxima, applicable=applicable, vetoed=vetoed)
