"""The overview sorts its one-pass matrix in Python (issue 17: by an indicator as fast as
by rank): the two stable sorts give exactly the order of one sort by the full key (ratio,
then rank with the unranked last, then unit), on rows with ties and gaps."""

from __future__ import annotations

import random
from typing import Any

import pytest

from qingfeng.dashboard import access
from qingfeng.dashboard import overview_tables as tables
from qingfeng.dashboard.overview import Column, OverviewQuery, node_means
from qingfeng.lib.periods import Period
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
from tests.dashboard.conftest import Results

FIXED = tables.FIXED


def _rank_key(rank: int | None, descending: bool) -> tuple[bool, int]:
    if rank is None:
        return (True, 0)
    return (False, rank if descending else -rank)


def _reference(
    rows: list[tuple[Any, ...]], query: OverviewQuery, position: int | None
) -> list[int]:
    """One sort by the whole key, as the SQL orders (``unit_ordering``)."""
    if position is None:
        return [r[0] for r in sorted(rows, key=lambda r: (_rank_key(r[6], query.descending), r[1]))]
    sign = -1.0 if query.descending else 1.0

    def key(row: tuple[Any, ...]) -> tuple[Any, ...]:
        ratio = row[FIXED + 2 * position + 1]
        first = (True, 0.0) if ratio is None else (False, sign * ratio)
        return (first, _rank_key(row[6], True), row[1])

    return [r[0] for r in sorted(rows, key=key)]


@pytest.mark.parametrize("seed", range(5))
def test_the_matrix_order_is_the_full_key_order(seed: int) -> None:
    rng = random.Random(seed)
    columns = [
        Column(code=code, name=code, index=i, max=10.0, bands=[])
        for i, code in enumerate(["A", "B"])
    ]
    rows = []
    for pk in range(1, 400):
        unit = rng.randrange(1, 10_000)
        rank = rng.choice([None, *range(1, 60)])  # ties and unranked units
        cells: list[Any] = []
        for _column in columns:
            ratio = rng.choice([None, 0.0, 0.5, 1.0, rng.random()])
            cells += ["red", ratio]
        rows.append((pk, unit, unit, "red", False, 1.0, rank, rank, *cells))
    matrix = tables.Matrix(columns=columns, rows=rows)
    for sort, position in (("total", None), ("A", 0), ("B", 1)):
        for descending in (True, False):
            query = OverviewQuery(sort=sort, order="desc" if descending else "asc")
            expected = _reference(rows, query, position)
            assert tables._matrix_order(matrix, query, ranking=False) == expected
    ranking = [r[0] for r in sorted(rows, key=lambda r: (_rank_key(r[6], True), r[1]))]
    assert tables._matrix_order(matrix, OverviewQuery(), ranking=True) == ranking


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2025"])
def test_the_matrix_reads_the_stored_level_one_figures_as_the_nodes_hold_them(
    results: Results, period: str
) -> None:
    """The matrix reads each snapshot's small ``level_one`` lists; the same figures read
    out of ``nodes`` (the path for snapshots stored before the lists existed) agree to the
    bit, on every period of the fixture (vetoed, unassessed and banded nodes); ``only``
    reads the named columns and leaves the others empty."""
    period_recompute(framework=results.scored.framework, period=Period.parse(period))
    found = access.period_results(
        user=results.analyst, framework=results.scored.framework, period=Period.parse(period)
    )
    query = OverviewQuery()
    stored = tables.level_one_matrix(results=found, query=query)
    assert len(stored.rows) == 3  # A1, A1-1 and A2: the analyst's county
    assert any(row[FIXED] and row[FIXED + 1] is not None for row in stored.rows)
    only_b = tables.level_one_matrix(results=found, query=query, only=["B"])
    assert not only_b.complete
    full = {row[tables.PK]: row for row in stored.rows}
    for row in only_b.rows:  # A's band and ratio empty, the rest as read in full
        assert row[FIXED : FIXED + 2] == (None, None)
        assert row[:FIXED] == full[row[tables.PK]][:FIXED]
        assert row[FIXED + 2 :] == full[row[tables.PK]][FIXED + 2 :]
    Snapshot.objects.update(level_one=None)  # as a snapshot stored before the lists
    from_nodes = tables.level_one_matrix(results=found, query=query)
    assert sorted(stored.rows) == sorted(from_nodes.rows)


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["2025Q1", "2025Q2", "2025Q3"])
def test_the_node_means_of_every_node_are_the_means_of_the_stored_rates(
    results: Results, period: str
) -> None:
    """``node_means`` (the region reports' weakest leaves) over every node, against the
    rates of the analyst's snapshots worked out one by one: a node not applicable, not
    assessed or with an applicable max of 0 (the veto leaf B2) is left out."""
    found = access.period_results(
        user=results.analyst, framework=results.scored.framework, period=Period.parse(period)
    )
    codes = found.codes
    means = node_means(results=found, query=OverviewQuery(), indexes=list(range(len(codes))))
    snapshots = list(found.snapshots)
    assert len(snapshots) == 3
    for i, code in enumerate(codes):
        cells = [s.node_results(codes).get(code) for s in snapshots]
        rates = [cell[0] / cell[1] for cell in cells if cell is not None and cell[1]]
        mean, units = means[i]
        assert units == len(rates), code
        assert mean == (pytest.approx(sum(rates) / len(rates)) if rates else None), code
    assert means[codes.index("B2")] == (None, 0)  # the veto leaf: max 0 everywhere
