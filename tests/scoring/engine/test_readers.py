"""The engine's rules for readers: ``band_of`` (one ratio) and ``rank_values`` (a list)
give exactly what ``score`` stores for its nodes and units."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings

from qingfeng.scoring.engine import Band, band_of, rank_values, score

from .strategies import Case, cases

BANDS = (Band("red", 0.6), Band("blue", 0.9), Band("yellow", 0.8))


def test_band_of_takes_the_most_severe_band_with_the_tolerance() -> None:
    assert band_of(BANDS, 0.95) == "green"
    assert band_of(BANDS, 0.9) == "green"
    assert band_of(BANDS, 0.9 - 1e-10) == "green"  # floating point a hair under
    assert band_of(BANDS, 0.9 - 1e-6) == "blue"
    assert band_of(BANDS, 0.7) == "yellow"
    assert band_of(BANDS, 0.0) == "red"
    assert band_of((), 0.1) == "green"
    with pytest.raises(ValueError):
        band_of(BANDS, math.nan)


def test_rank_values_ties_vetoes_and_missing() -> None:
    assert rank_values([70.0, 90.0, 80.0, 80.0]) == [4, 1, 2, 2]
    # Rounded to 2 decimals: 80.004 and 80.001 tie.
    assert rank_values([80.004, 80.001, 79.0]) == [1, 1, 3]
    # Vetoed after all others, whatever their value; no value, no rank.
    assert rank_values([99.0, 50.0, None, 60.0], [True, False, False, False]) == [3, 2, None, 1]
    assert rank_values([]) == []


@settings(max_examples=100, deadline=None)
@given(cases())
def test_the_readers_rules_match_what_score_stores(case: Case) -> None:
    result = score(case.framework, case.categories, case.records())
    totals = [None if math.isnan(t) else float(t) for t in result.total]
    assert rank_values(totals, list(result.vetoed)) == [int(r) or None for r in result.rank]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = result.score / result.max
    for u in range(len(case.categories)):
        for n, node in enumerate(case.framework.indicators):
            stored = result.band[u, n]
            if stored is None or result.max[u, n] == 0:
                continue  # not applicable, or nothing to band (max 0: green by rule)
            bands = node.bands if node.bands is not None else case.framework.bands
            assert band_of(bands, float(ratios[u, n])) == stored
