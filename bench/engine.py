"""Time the scoring engine at province scale.

Usage:

    .venv/bin/python bench/engine.py [--units 20000] [--records 1000000]

Builds 20,000 units in 8 categories, a 3-level framework with 200 leaf indicators (mixed
rules, some category-specific nodes, 3 weighted components, node band overrides) and
1,000,000 records, then times ``score()``: one warm-up run, then the median of 3
(wall clock, and CPU time of this process). ``bench/engine_floor.py`` times it side by
side with its floor (the irreducible numpy work on the same arrays).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qingfeng.scoring.engine import (
    Band,
    Component,
    Framework,
    Indicator,
    Records,
    Rule,
    score,
)

CATEGORIES = [f"cat{i}" for i in range(8)]
GRADES = {"优秀": 10.0, "良好": 8.0, "一般": 5.0, "较差": 2.0}
BANDS = (Band("blue", 0.9), Band("yellow", 0.8), Band("red", 0.6))


def leaf_rule(rng: np.random.Generator) -> Rule:
    kind = rng.choice(["deduct", "deduct", "deduct", "bonus", "direct", "rate", "survey"])
    if kind == "deduct":
        cap = float(rng.integers(3, 8)) if rng.random() < 0.3 else None
        return Rule("deduct", per=float(rng.integers(1, 3)), cap=cap)
    if kind == "bonus":
        return Rule("bonus", per=1.0, grades=GRADES)
    if kind == "rate":
        if rng.random() < 0.5:
            return Rule("rate", zero_at=60.0, full_at=100.0)
        return Rule("rate", zero_at=10.0, full_at=0.0)  # lower is better
    return Rule(str(kind))


def build_framework(rng: np.random.Generator) -> Framework:
    """4 level-1 nodes x 5 groups x 10 leaves = 200 leaves (2 of them veto)."""
    components = (Component("daily", 0.7), Component("survey", 0.1), Component("eval", 0.2))
    nodes: list[Indicator] = []
    for a in range(4):
        code = "ABCD"[a]
        nodes.append(Indicator(code, None, 0.0, component=components[min(a, 2)].code))
        for b in range(5):
            group = f"{code}{b + 1}"
            applies = frozenset(rng.choice(CATEGORIES, 3, replace=False)) if b == 4 else frozenset()
            bands = (Band("red", 0.5),) if b == 0 else None
            nodes.append(Indicator(group, code, 0.0, applies_to=applies, bands=bands))
            for c in range(10):
                rule = Rule("veto") if (a, b, c) in ((0, 0, 9), (1, 0, 9)) else leaf_rule(rng)
                applies = frozenset(rng.choice(CATEGORIES, 2, replace=False)) if c == 8 else None
                nodes.append(
                    Indicator(
                        f"{group}.{c + 1}",
                        group,
                        float(rng.integers(2, 11)),
                        rule=rule,
                        applies_to=applies or frozenset(),
                    )
                )
    return Framework(
        code="BENCH", scale=1000.0, bands=BANDS, indicators=tuple(nodes), components=components
    )


def build_records(
    rng: np.random.Generator, framework: Framework, n_units: int, n_records: int
) -> Records:
    leaves = np.array([i for i, node in enumerate(framework.indicators) if node.rule is not None])
    veto = np.array(
        [node.rule is not None and node.rule.type == "veto" for node in framework.indicators]
    )
    leaf = rng.choice(leaves, n_records)
    # Veto records are rare: move most of them to the next leaf.
    leaf = np.where(veto[leaf] & (rng.random(n_records) > 0.002), leaf - 1, leaf)
    points = np.where(rng.random(n_records) < 0.3, rng.integers(0, 6, n_records), np.nan)
    quantity = np.where(rng.random(n_records) < 0.5, rng.integers(1, 4, n_records), np.nan)
    grade_names = np.array([*GRADES, "未知", None], dtype=object)
    grade = grade_names[rng.integers(0, len(grade_names), n_records)]
    grade[rng.random(n_records) < 0.5] = None
    return Records(
        unit=rng.integers(0, n_units, n_records).astype(np.int64),
        indicator=leaf.astype(np.int64),
        points=points.astype(np.float64),
        quantity=quantity.astype(np.float64),
        value=rng.uniform(0, 100, n_records),
        grade=grade,
        id=np.arange(n_records, dtype=np.int64) + 1,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(20261122)
    framework = build_framework(rng)
    categories = [CATEGORIES[i] for i in rng.integers(0, len(CATEGORIES), args.units)]
    records = build_records(rng, framework, args.units, args.records)
    n_leaves = sum(node.rule is not None for node in framework.indicators)
    print(
        f"{args.units:,} units, {len(framework.indicators)} nodes ({n_leaves} leaves), "
        f"{args.records:,} records"
    )
    result = score(framework, categories, records)  # warm-up
    samples, cpu = [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = score(framework, categories, records)
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    runs = ", ".join(f"{s:.3f}" for s in samples)
    print(f"score(): median {statistics.median(samples):.3f} s wall (runs: {runs})")
    # CPU time shows the engine's own cost when other processes share the 2 cores.
    print(f"score(): median {statistics.median(cpu):.3f} s CPU")
    ranked = int((result.rank > 0).sum())
    print(
        f"{ranked:,} ranked, {int(result.vetoed.sum()):,} vetoed, "
        f"{len(result.record_id):,} counted records"
    )


if __name__ == "__main__":
    main()
