"""The engine's guards on its input, and its independence from Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qingfeng.scoring.engine import Band, Component, Framework, Indicator, Records, Rule, score

ROOT = Path(__file__).resolve().parents[3]


def framework(*nodes: Indicator, components: tuple[Component, ...] = ()) -> Framework:
    return Framework(
        code="F", scale=100, bands=(Band("red", 0.6),), indicators=nodes, components=components
    )


LEAF = Indicator("A", None, 10, Rule("deduct", per=1))


def test_it_imports_without_django() -> None:
    # A fresh interpreter: pytest-django has already imported Django into this one.
    code = (
        "import sys, qingfeng.scoring.engine as engine\n"
        "assert engine.score\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


@pytest.mark.parametrize(
    ("nodes", "components", "message"),
    [
        ((LEAF, LEAF), (), "used twice"),
        ((Indicator("A1", "A", 5, Rule("deduct")), Indicator("A", None, 0)), (), "before it"),
        ((Indicator("A", None, 5),), (), "needs a rule"),
        (
            (Indicator("A", None, 0, Rule("bonus")), Indicator("A1", "A", 5, Rule("deduct"))),
            (),
            "has no rule",
        ),
        ((Indicator("A", None, 5, Rule("magic")),), (), "unknown rule type"),
        ((Indicator("A", None, 5, Rule("rate", zero_at=1, full_at=1)),), (), "zero_at"),
        ((Indicator("A", None, 5, Rule("deduct"), component="X"),), (), "unknown component"),
        ((LEAF,), (Component("K", 1),), "must name a component"),
        ((Indicator("A", None, -1, Rule("deduct")),), (), "negative"),
    ],
)
def test_it_rejects_a_broken_framework(
    nodes: tuple[Indicator, ...], components: tuple[Component, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        score(framework(*nodes, components=components), ["x"], Records.empty())


def test_it_rejects_records_that_do_not_point_at_a_leaf() -> None:
    fw = framework(Indicator("A", None, 0), Indicator("A1", "A", 5, Rule("deduct")))
    with pytest.raises(ValueError, match="not a leaf"):
        score(fw, ["x"], Records.from_rows([{"unit": 0, "indicator": 0}]))
    with pytest.raises(ValueError, match="not a leaf"):
        score(fw, ["x"], Records.from_rows([{"unit": 0, "indicator": 7}]))
    with pytest.raises(ValueError, match="out of range"):
        score(fw, ["x"], Records.from_rows([{"unit": 1, "indicator": 1}]))


def test_it_scores_no_units_and_no_records() -> None:
    result = score(framework(LEAF), [], Records.empty())
    assert result.score.shape == (0, 1) and result.rank.shape == (0,)
    result = score(framework(LEAF), ["x", "y"], Records.empty())
    assert result.total.tolist() == [100, 100] and result.rank.tolist() == [1, 1]
    assert result.records_behind(0, 0) == [] and len(result.record_id) == 0
    assert result.band.tolist() == [["green"], ["green"]]
    assert result.score.dtype == np.float64
