"""The dashboard bands a figure (a region's mean, a histogram bin) exactly as the engine
bands a node: at every threshold of the demo frameworks and 1e-9 either side."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from qingfeng.dashboard.overview import band_of_ratio
from qingfeng.demo import records as demo
from qingfeng.scoring import engine

SPECS = {spec["code"]: spec for spec in demo.demo_framework_specs()}
STEP = 1e-9


def _band_lists(spec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The framework's bands and every node's own bands."""
    found = [spec.get("bands") or []]
    stack = list(spec.get("indicators") or [])
    while stack:
        node = stack.pop()
        if node.get("bands") is not None:
            found.append(node["bands"])
        stack.extend(node.get("children") or [])
    return found


def _engine_bands(bands: list[dict[str, Any]], ratios: list[float]) -> list[str]:
    """The band ``engine.score`` stores for a leaf of max 1 given each ratio as points
    (one unit per ratio), i.e. the engine's own classification of the node."""
    framework = engine.Framework(
        code="X",
        scale=100,
        bands=tuple(engine.Band(level=str(b["level"]), below=float(b["below"])) for b in bands),
        indicators=(
            engine.Indicator(code="L", parent=None, max=1.0, rule=engine.Rule(type="direct")),
        ),
    )
    records = engine.Records.from_rows(
        [{"unit": u, "indicator": 0, "points": ratio} for u, ratio in enumerate(ratios)]
    )
    result = engine.score(framework, ["c"] * len(ratios), records)
    return [str(band) for band in result.band[:, 0]]


def test_the_demo_frameworks_are_the_three_expected() -> None:
    assert {"LK", "PG", "LS"} <= set(SPECS)


@pytest.mark.parametrize("code", ["LK", "PG", "LS"])
def test_the_dashboard_bands_like_the_engine_at_every_threshold(code: str) -> None:
    lists = _band_lists(SPECS[code])
    assert any(lists), "the demo framework has bands"
    for bands in lists:
        ratios = [float(b["below"]) + delta for b in bands for delta in (-STEP, 0.0, STEP)]
        expected = _engine_bands(bands, ratios)
        shown = [band_of_ratio(bands, ratio) for ratio in ratios]
        assert shown == expected, (code, bands)
        # A hair under the threshold (floating point) is not warned: exactly at it.
        for b in bands:
            below = float(b["below"])
            assert band_of_ratio(bands, below - STEP) == band_of_ratio(bands, below)
            assert band_of_ratio(bands, below - 1e-6) != band_of_ratio(bands, below)


def test_engine_band_of_is_the_engines_classification_on_a_grid() -> None:
    bands = [{"level": "blue", "below": 0.9}, {"level": "yellow", "below": 0.8}]
    grid = [float(x) for x in np.linspace(0, 1, 101)]
    assert [band_of_ratio(bands, r) for r in grid] == _engine_bands(bands, grid)
