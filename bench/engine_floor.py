"""The engine's floor: the irreducible numpy work of scoring, timed side by side with it.

Usage:

    .venv/bin/python bench/engine_floor.py [--units 20000] [--records 1000000] [--runs 7]

On the same framework, units and records as ``bench/engine.py`` (same seed), ``floor()``
does only the work no scoring of these arrays can avoid:

1. per unit-and-leaf sums: one ``np.bincount`` over every record, keyed ``unit * L + leaf``
   and weighted by the records' ``value`` column, giving a [unit, leaf] array;
2. the leaf clip: ``np.clip`` of those sums to [0, the leaf's max];
3. one aggregation to every node: the leaf scores summed into every node above them,
   giving [unit, node]. Two ways are timed: ``floor-matmul``, one product with a
   [leaf, node] 0/1 "is below" matrix (the floor issue 17 was measured with, ~0.16 s:
   BLAS does 200 multiply-adds per output cell and its threads count as CPU time), and
   ``floor-reduceat``, one ``np.add.reduceat`` per tree level over the leaves' contiguous
   columns (the bench framework lists every node's leaves together; not every framework
   does), which is the cheapest pass there is;
4. totals: the level-1 nodes summed per unit;
5. one sort: ``np.argsort`` of the totals (the ranking order).

It does NOT do what the engine must also do: decide which records count (applicability
by category, rules without a number, grades), compute each record's amount by rule, apply
the six rule formulas and counts (means, "not assessed"), carry applicability and maxima
up the tree (NaN where nothing applies) in node order, component weights, bands, ties in
ranks, category ranks, or the sorted explanation rows. The ratio engine / floor is thus
the price of those semantics; issue 17 asks for at most 1.5.

Runs are interleaved (engine, floor, engine, floor, ...) after one warm-up of each, and
compared by CPU time of this process (the machine is shared with other jobs; wall time is
printed too). Reports medians and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# One BLAS thread: the matmul floor's helper threads otherwise spin on after each product
# and their CPU time is charged to whatever runs next (the engine measured 0.26 s of CPU
# for 0.19 s of wall time, interleaved with the floor). Set before numpy loads BLAS.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import CATEGORIES, build_framework, build_records  # noqa: E402

from qingfeng.scoring.engine import Framework, Records, score  # noqa: E402


@dataclass
class Layout:
    """The framework as the floor needs it (built once, outside the timing)."""

    leaf_column: np.ndarray  # node -> column of the [unit, leaf] array (-1 for groups)
    leaf_max: np.ndarray  # [leaf]
    level_starts: list[np.ndarray]  # per level above the leaves: first column of each node
    n_leaves: int
    below: np.ndarray  # [leaf, node] 1.0 where the leaf is the node or under it
    roots: np.ndarray  # the level-1 nodes


def layout(framework: Framework) -> Layout:
    """Leaves in framework order; each group's leaves are contiguous there."""
    nodes = framework.indicators
    is_leaf = [node.rule is not None for node in nodes]
    leaf_column = np.cumsum(is_leaf) - 1
    leaf_column[~np.array(is_leaf)] = -1
    leaf_max = np.array([node.max for node, leaf in zip(nodes, is_leaf, strict=True) if leaf])
    # Nodes with children, grouped by depth: the deepest level is aggregated from the leaves,
    # each level above from the one below, as contiguous runs of columns.
    depth: dict[str, int] = {}
    for node in nodes:
        depth[node.code] = 0 if node.parent is None else depth[node.parent] + 1
    levels: list[np.ndarray] = []
    below = [n.code for n, leaf in zip(nodes, is_leaf, strict=True) if leaf]
    for d in range(max(depth.values()) - 1, -1, -1):
        groups = [n.code for n in nodes if depth[n.code] == d and n.code not in below]
        parent_of = {n.code: n.parent for n in nodes}
        firsts = [below.index(next(c for c in below if parent_of[c] == g)) for g in groups]
        levels.append(np.array(firsts, dtype=np.int64))
        below = groups
    index = {n.code: i for i, n in enumerate(nodes)}
    below_matrix = np.zeros((int(sum(is_leaf)), len(nodes)))
    for i, node in enumerate(nodes):
        if is_leaf[i]:
            at: str | None = node.code
            while at is not None:
                below_matrix[leaf_column[i], index[at]] = 1.0
                at = nodes[index[at]].parent
    return Layout(
        leaf_column,
        leaf_max,
        levels,
        int(sum(is_leaf)),
        below_matrix,
        np.array([i for i, n in enumerate(nodes) if n.parent is None]),
    )


def floor(
    lay: Layout, records: Records, n_units: int, matmul: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The irreducible work (see the module docstring): [unit] totals and their order."""
    key = records.unit * lay.n_leaves + lay.leaf_column[records.indicator]
    sums = np.bincount(key, weights=records.value, minlength=n_units * lay.n_leaves)
    leaf = np.clip(sums.reshape(n_units, lay.n_leaves), 0.0, lay.leaf_max)
    if matmul:
        nodes = leaf @ lay.below  # [unit, node]
        total = nodes[:, lay.roots].sum(axis=1)
    else:
        level = leaf
        for starts in lay.level_starts:
            level = np.add.reduceat(level, starts, axis=1)  # ends with the level-1 nodes
        total = level.sum(axis=1)
    return total, np.argsort(total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(20261122)  # the same data as bench/engine.py
    framework = build_framework(rng)
    categories = [CATEGORIES[i] for i in rng.integers(0, len(CATEGORIES), args.units)]
    records = build_records(rng, framework, args.units, args.records)
    lay = layout(framework)
    print(
        f"{args.units:,} units, {len(framework.indicators)} nodes ({lay.n_leaves} leaves), "
        f"{args.records:,} records; {args.runs} interleaved runs each"
    )
    names = ("engine", "floor-matmul", "floor-reduceat")
    jobs = {
        "engine": lambda: score(framework, categories, records),
        "floor-matmul": lambda: floor(lay, records, args.units, matmul=True),
        "floor-reduceat": lambda: floor(lay, records, args.units, matmul=False),
    }
    for name in names:  # warm-ups
        jobs[name]()
    cpu: dict[str, list[float]] = {name: [] for name in names}
    wall: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(args.runs):
        for name in names:
            start, start_cpu = time.perf_counter(), time.process_time()
            jobs[name]()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    for name in names:
        runs = ", ".join(f"{s:.3f}" for s in cpu[name])
        print(
            f"{name:14}: median {statistics.median(cpu[name]):.3f} s CPU, "
            f"{statistics.median(wall[name]):.3f} s wall (CPU runs: {runs})"
        )
    engine_cpu = statistics.median(cpu["engine"])
    for name in names[1:]:
        ratio = engine_cpu / statistics.median(cpu[name])
        print(f"ratio engine / {name} (CPU medians): {ratio:.2f}")


if __name__ == "__main__":
    main()
