"""Warning bands: the one comparison that puts a ratio (score / applicable max) in a band.

The engine's own classification (``aggregate``) and every reader that bands a figure the
engine did not store (a region's mean, a histogram bin) go through ``bands_passed``, so a
ratio exactly at a threshold lands in the same band everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from .model import GREEN, Band, FloatArray

# A ratio exactly at a threshold (0.9 of the max against "below 0.9") is not warned, even
# when floating point lands it a hair under: warned iff ratio < below - TOLERANCE.
TOLERANCE = 1e-9


def sorted_bands(bands: Iterable[Band]) -> tuple[Band, ...]:
    """The bands from the most severe (smallest ``below``) to the mildest; stable, so of two
    bands with the same ``below`` the first listed wins."""
    return tuple(sorted(bands, key=lambda band: band.below))


def bands_passed(
    bands_sorted: tuple[Band, ...], ratio: FloatArray, dtype: type[np.integer] = np.int16
) -> npt.NDArray[np.integer]:
    """For each ratio, how many of the (sorted) bands it escapes, i.e. the index in
    ``bands_sorted`` of its band, ``len(bands_sorted)`` meaning green.

    A ratio escapes a band iff ratio >= below - TOLERANCE. With thresholds ascending, the
    count of those passed is the index of the first, most severe, band whose threshold
    exceeds the ratio. One comparison pass per band is several times faster than
    searchsorted here. A NaN ratio passes none: callers decide what it means. ``dtype``
    must hold ``len(bands_sorted)``; the engine's node bands use uint8 (less to move).
    """
    passed = np.zeros(np.shape(ratio), dtype=dtype)
    for band in bands_sorted:
        np.add(passed, ratio >= band.below - TOLERANCE, out=passed, casting="unsafe")
    return passed


def band_of(bands: Iterable[Band], ratio: float) -> str:
    """The band of one ratio: the most severe band whose ``below`` exceeds it (within
    TOLERANCE), ``green`` otherwise; exactly as the engine bands its nodes and totals.
    ``ratio`` must be a number (not NaN): "not assessed" is the caller's to show."""
    if ratio != ratio:  # NaN
        raise ValueError("band_of needs a ratio, not NaN")
    ordered = sorted_bands(bands)
    index = int(bands_passed(ordered, np.array(float(ratio))))
    return ordered[index].level if index < len(ordered) else GREEN
