"""``score()``: a framework, the units' categories and a period's records -> a Result.

The semantics are docs/design.md "The scoring model"; ``docs/scoring.md`` gives the formulas and
the decisions taken where docs/design.md is silent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .aggregate import BandLabels, aggregate_groups, node_bands, unit_bands, unit_totals
from .leaves import count_records, score_leaves, unreported_leaves
from .model import Framework, Records, Reporting, Result
from .plan import VETO, check_records, check_reporting, plan
from .rank import ranks, stable_lexsort


def score(
    framework: Framework,
    categories: Sequence[str],
    records: Records,
    reporting: Reporting | None = None,
) -> Result:
    """Score every unit against ``framework``.

    ``categories[u]`` is unit u's category code; ``records.unit`` indexes that sequence and
    ``records.indicator`` indexes ``framework.indicators`` (leaves only). ``reporting``
    says which leaves data stations answer for and declared nil (None: nobody is tracked,
    nothing is marked unreported). Raises ValueError
    when the framework or the records break the engine's assumptions.
    """
    p = plan(framework)
    n_units = len(categories)
    check_records(p, n_units, records)

    # Applicability is decided per category (a handful), then spread over the units.
    # A set and a dict look-up per unit, not a sort of their strings; categories are
    # numbered in sorted order, as np.unique would.
    category_codes = sorted(set(map(str, categories)))
    index = {c: i for i, c in enumerate(category_codes)}
    unit_category = np.fromiter(
        map(index.__getitem__, map(str, categories)), dtype=np.int64, count=n_units
    )
    applies = p.applies(category_codes)  # [category, node]

    counted = count_records(p, applies, unit_category, records)
    lv = score_leaves(p, applies, unit_category, records, counted)
    check_reporting(p, n_units, reporting)
    unreported = unreported_leaves(p, lv, reporting)
    aggregate_groups(p, lv.score, lv.max, lv.applicable)
    totals = unit_totals(p, lv.score, lv.max, lv.applicable)

    labels = BandLabels(p)
    band = node_bands(p, lv.score, lv.max, lv.applicable)
    unit_band = unit_bands(p, labels, totals.total, lv.vetoed)

    rank = ranks(totals.total, lv.vetoed, np.zeros(n_units, dtype=np.int64))
    category_rank = ranks(totals.total, lv.vetoed, unit_category)

    # Explanations: the counted records sorted by (unit, leaf), record order kept within.
    # Picked out in record order first, so that the sort's gathers read compact arrays.
    record_unit = records.unit[counted.mask]
    record_leaf = records.indicator[counted.mask]
    order = stable_lexsort([record_leaf, record_unit])

    subtree = np.zeros((p.n, p.n), dtype=bool)
    for n, chain in enumerate(p.ancestors):
        subtree[chain, n] = True
    return Result(
        codes=p.codes,
        # [unit, node] views of the node-major arrays (Fortran order): a copy into C order
        # would cost more than the consumers' one pass over them gains.
        score=lv.score.T,
        max=lv.max.T,
        applicable=lv.applicable.T,
        band=band,
        raw=totals.raw,
        applicable_max=totals.applicable_max,
        total=totals.total,
        unit_band=unit_band,
        vetoed=lv.vetoed,
        rank=rank,
        category_rank=category_rank,
        component_percent=totals.component_percent,
        record_unit=record_unit[order],
        record_leaf=record_leaf[order],
        record_id=records.id[counted.mask][order],
        ancestors=p.ancestors,
        component_codes=[c.code for c in framework.components],
        veto_leaf=p.rule == VETO,
        subtree=subtree,
        unreported=unreported.mask.T,
        completeness=unreported.completeness,
    )
