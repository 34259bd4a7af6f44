"""Competition ranking (1, 2, 2, 4) of units by total, overall or within groups; sorting."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .model import BoolArray, FloatArray, IntArray


def rank_key(total: FloatArray) -> FloatArray:
    """Totals are ranked as rounded to 2 decimals (numpy's round half to even of x * 100)."""
    return np.round(total, 2)


def competition_rank(key: FloatArray, group: IntArray, eligible: BoolArray) -> IntArray:
    """Within each group, 1 + the number of eligible members with a strictly greater key;
    0 for the ineligible."""
    idx = np.flatnonzero(eligible)
    out = np.zeros(len(key), dtype=np.int64)
    if not len(idx):
        return out
    g = group[idx]
    k = -key[idx]
    order = np.lexsort((k, g))
    gs = g[order]
    ks = k[order]
    pos = np.arange(len(idx))
    new_group = np.r_[True, gs[1:] != gs[:-1]]
    new_run = new_group | np.r_[True, ks[1:] != ks[:-1]]
    # Sorted by (group, -key): a member's rank is where its run of equal keys starts,
    # counted from where its group starts.
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    run_start = np.maximum.accumulate(np.where(new_run, pos, 0))
    out[idx[order]] = run_start - group_start + 1
    return out


def ranks(total: FloatArray, vetoed: BoolArray, group: IntArray) -> IntArray:
    """Rank units within ``group`` (all zeros: overall). Units without a total get 0;
    vetoed units come after every non-vetoed unit of their group, ranked among themselves
    by total, their ranks continuing from the number of non-vetoed ranked units."""
    key = rank_key(total)
    ranked = ~np.isnan(total)
    tier = group * 2 + vetoed.astype(np.int64)
    rank = competition_rank(key, tier, ranked)
    n_groups = int(group.max()) + 1 if len(group) else 0
    clean = np.bincount(group[ranked & ~vetoed], minlength=n_groups)
    late = ranked & vetoed
    rank[late] += clean[group[late]]
    return rank


def rank_values(
    values: Sequence[float | None], vetoed: Sequence[bool] | None = None
) -> list[int | None]:
    """The ranking rule for plain lists (the ranks ``score`` gives, for any figure a reader
    ranks: a node's score, a ratio): by value rounded to 2 decimals, descending; ties share
    a rank (1, 2, 2, 4); vetoed after all others; no value (None or NaN) -> no rank (None)."""
    total = np.array([math.nan if v is None else v for v in values], dtype=np.float64)
    veto = np.zeros(len(total), dtype=bool) if vetoed is None else np.array(vetoed, dtype=bool)
    rank = ranks(total, veto, np.zeros(len(total), dtype=np.int64))
    return [int(r) if r else None for r in rank]


def stable_lexsort(keys: Sequence[IntArray]) -> IntArray:
    """``np.lexsort(keys)`` (the last key is the primary one, ties keep input order) for
    non-negative integer keys, as LSD radix passes: each key is sorted as uint8 or uint16
    when it fits (numpy radix-sorts those in linear time; uint8 is the cheapest), by 16-bit
    digits otherwise. Sorting (unit, leaf) pairs this way is twice as fast as sorting the
    combined key ``unit * n + leaf`` by 16-bit digits."""
    size = len(keys[0]) if keys else 0
    order = np.arange(size)
    first = True
    for key in keys:
        top = int(key.max()) if size else 0
        shift = 0
        while True:
            rest = top >> shift
            part = key >> shift if shift else key
            if rest < 256:
                digit = part.astype(np.uint8)
            elif rest < 65536:
                digit = part.astype(np.uint16)
            else:
                digit = (part & 0xFFFF).astype(np.uint16)
            # Narrow first, then put in the current order: the gather moves 1 or 2 bytes.
            order = (
                np.argsort(digit, kind="stable")
                if first
                else order[np.argsort(digit[order], kind="stable")]
            )
            first = False
            shift += 16
            if rest >> 16 == 0:
                break
    return order
