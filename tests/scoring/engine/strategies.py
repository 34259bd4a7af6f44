"""Hypothesis strategies: small random frameworks, unit categories and records.

Numbers are small multiples of 1/4, so sums of them are exact in floating point whatever
the order: the engine (vectorised) and the reference (plain loops) then agree to the bit,
and permuting records changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from qingfeng.scoring.engine import Band, Component, Framework, Indicator, Records, Rule

CATEGORIES = ("a", "b", "c")
GRADES = ("A", "B", "C")

bands_st = st.lists(
    st.builds(
        Band,
        level=st.sampled_from(["blue", "yellow", "red"]),
        below=st.sampled_from([0.5, 0.6, 0.75, 0.8, 0.9, 1.0]),
    ),
    max_size=3,
).map(tuple)

applies_st: st.SearchStrategy[frozenset[str]] = st.one_of(
    st.just(frozenset()),
    st.frozensets(st.sampled_from(CATEGORIES), min_size=1, max_size=2),
)


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    kind = draw(st.sampled_from(["deduct", "bonus", "direct", "rate", "survey", "veto"]))
    per = draw(st.sampled_from([None, 0.5, 1.0, 2.0, 3.0]))
    if kind == "deduct":
        return Rule("deduct", per=per, cap=draw(st.sampled_from([None, 1.0, 2.5, 5.0])))
    if kind == "bonus":
        grades = draw(st.dictionaries(st.sampled_from(GRADES), st.sampled_from([0.5, 1.5, 3.0])))
        return Rule("bonus", per=per, grades=grades)
    if kind == "rate":
        zero_at, full_at = draw(
            st.sampled_from([(0.0, 100.0), (60.0, 100.0), (100.0, 50.0), (10.0, 0.0)])
        )
        return Rule("rate", zero_at=zero_at, full_at=full_at)
    return Rule(kind)


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    """Depth <= 3, 1-3 children per group, nodes listed depth-first or breadth-first."""
    components: tuple[Component, ...] = ()
    if draw(st.booleans()):
        weights = draw(st.lists(st.sampled_from([0.1, 0.2, 0.5, 1.0, 2.0]), min_size=1, max_size=3))
        components = tuple(Component(f"K{i}", w) for i, w in enumerate(weights))

    counter = iter(range(1000))
    tree: list[tuple[Indicator, int]] = []  # (node, depth) in depth-first order

    def grow(parent: str | None, depth: int) -> None:
        code = f"N{next(counter)}"
        is_leaf = depth == 3 or draw(st.booleans())
        component = None
        if parent is None and components:
            component = draw(st.sampled_from(components)).code
        node = Indicator(
            code=code,
            parent=parent,
            max=draw(st.sampled_from([0.0, 1.0, 2.0, 5.0, 7.5, 10.0])) if is_leaf else 0.0,
            rule=draw(rules()) if is_leaf else None,
            applies_to=draw(applies_st),
            component=component,
            bands=draw(st.one_of(st.none(), bands_st)),
        )
        tree.append((node, depth))
        if not is_leaf:
            for _ in range(draw(st.integers(1, 3))):
                grow(code, depth + 1)

    for _ in range(draw(st.integers(1, 3))):
        grow(None, 1)
    if draw(st.booleans()):  # breadth-first: a subtree's nodes are no longer contiguous
        tree.sort(key=lambda item: item[1])
    return Framework(
        code="F",
        scale=draw(st.sampled_from([100.0, 1000.0])),
        bands=draw(bands_st),
        indicators=tuple(node for node, _ in tree),
        components=components,
    )


def leaf_indexes(framework: Framework) -> list[int]:
    return [i for i, node in enumerate(framework.indicators) if node.rule is not None]


@dataclass
class Case:
    """One scoring input: the records also kept as dicts for the reference."""

    framework: Framework
    categories: list[str]
    rows: list[dict[str, Any]]

    def records(self) -> Records:
        return Records.from_rows(self.rows) if self.rows else Records.empty()


def record_rows(
    draw: st.DrawFn, leaves: list[int], n_units: int, max_size: int = 25
) -> list[dict[str, Any]]:
    rows = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "unit": st.integers(0, n_units - 1),
                    "indicator": st.sampled_from(leaves),
                    "points": st.sampled_from([None, None, None, 0.0, 0.5, 1.0, 2.5, 4.0, 12.0]),
                    "quantity": st.sampled_from([None, None, 1.0, 2.0, 3.0]),
                    "value": st.sampled_from([None, 0.0, 25.0, 50.0, 62.5, 80.0, 100.0, 120.0]),
                    "grade": st.sampled_from([None, None, "A", "B", "C", "Z"]),
                }
            ),
            max_size=max_size,
        )
    )
    for i, row in enumerate(rows):
        row["id"] = 1000 + i
    return rows


@st.composite
def cases(draw: st.DrawFn) -> Case:
    framework = draw(frameworks())
    n_units = draw(st.integers(1, 6))
    categories = draw(st.lists(st.sampled_from(CATEGORIES), min_size=n_units, max_size=n_units))
    rows = record_rows(draw, leaf_indexes(framework), n_units)
    return Case(framework=framework, categories=categories, rows=rows)
