"""From leaf scores to group scores, unit totals, component percentages and bands.

Loops here run over nodes or components (hundreds at most); each step is one numpy
operation over all units. Sums are taken in node index order, as a plain loop would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .bands import bands_passed
from .model import GREEN, Band, BoolArray, FloatArray, ObjectArray
from .plan import Plan


def aggregate_groups(p: Plan, score: FloatArray, maxima: FloatArray, applicable: BoolArray) -> None:
    """Fill the group rows of the node-major arrays in place: a group's score and applicable
    max are the sums over its applicable children; it applies iff one of them does."""
    n_units = score.shape[1]
    # Children come after their parent, so walking backwards finishes them first.
    for g in reversed(range(p.n)):
        if p.is_leaf[g]:
            continue
        s = np.zeros(n_units)
        m = np.zeros(n_units)
        any_child = np.zeros(n_units, dtype=bool)
        for c in p.children[g]:
            app = applicable[c]
            # Adding only where applicable equals adding 0.0 elsewhere (s starts at +0.0
            # and so is never -0.0), without a temporary; a max is already 0 where its
            # node does not apply.
            np.add(s, score[c], out=s, where=app)
            m += maxima[c]
            any_child |= app
        score[g] = np.where(any_child, s, np.nan)
        maxima[g] = m
        applicable[g] = any_child


@dataclass
class Totals:
    raw: FloatArray  # [unit]
    applicable_max: FloatArray  # [unit]
    total: FloatArray  # [unit], NaN when nothing is assessed
    component_percent: FloatArray  # [unit, component]


def unit_totals(p: Plan, score: FloatArray, maxima: FloatArray, applicable: BoolArray) -> Totals:
    """Raw sum, applicable max and the total on the framework scale for every unit."""
    n_units = score.shape[1]
    n_comp = len(p.weights)
    raw = np.zeros(n_units)
    amax = np.zeros(n_units)
    raw_c = np.zeros((n_comp, n_units))
    max_c = np.zeros((n_comp, n_units))
    for n in p.level1:
        app = applicable[n]
        s = np.where(app, score[n], 0.0)
        m = np.where(app, maxima[n], 0.0)
        raw += s
        amax += m
        if n_comp:
            raw_c[p.component[n]] += s
            max_c[p.component[n]] += m
    assessed = amax > 0
    scale = p.framework.scale
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(max_c > 0, 100 * raw_c / max_c, np.nan)
        if n_comp:
            # A component with nothing assessed drops out; the others' weights are rescaled.
            num = np.zeros(n_units)
            den = np.zeros(n_units)
            for c in range(n_comp):
                present = max_c[c] > 0
                num += np.where(present, p.weights[c] * percent[c], 0.0)
                den += np.where(present, p.weights[c], 0.0)
            total = np.where(assessed, scale / 100 * num / den, np.nan)
        else:
            total = np.where(assessed, raw * scale / amax, np.nan)
    return Totals(raw=raw, applicable_max=amax, total=total, component_percent=percent.T.copy())


class BandLabels:
    """Small integer codes for band names, so band arrays are built as int arrays and turned
    into objects once."""

    def __init__(self, p: Plan) -> None:
        names: list[str | None] = [GREEN, None]
        for bands in p.band_sets:
            names += [b.level for b in bands if b.level not in names]
        self.names: ObjectArray = np.array(names, dtype=object)
        self.code = {name: i for i, name in enumerate(names)}

    def classify(self, bands_sorted: tuple[Band, ...], ratio: FloatArray) -> npt.NDArray[np.int16]:
        """Code of the most severe band with ratio < below - TOLERANCE; green otherwise."""
        codes = np.array(
            [self.code[b.level] for b in bands_sorted] + [self.code[GREEN]],
            dtype=np.int16,
        )
        # The shared comparison (``bands.bands_passed``): the index of the ratio's band.
        # A NaN ratio gets the most severe: callers overwrite those (not applicable, max 0).
        passed = bands_passed(bands_sorted, ratio)
        return codes[passed]


def node_bands(
    p: Plan, score: FloatArray, maxima: FloatArray, applicable: BoolArray
) -> ObjectArray:
    """[unit, node] band names: None where not applicable, green where the max is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = score / maxima
    # One table of names for every band set (its bands, then green), then green and None:
    # each node's index into it is its set's offset plus the bands its ratio passes, so the
    # names come from one gather over small integers.
    names: list[str | None] = []
    offsets = []
    for bands in p.band_sets:
        offsets.append(len(names))
        names += [b.level for b in bands] + [GREEN]
    table = np.array([*names, GREEN, None], dtype=object)
    index_type = np.uint8 if len(table) <= 256 else np.int64
    if len(p.band_sets) == 1:
        index = bands_passed(p.band_sets[0], ratio, index_type)
    else:
        index = np.empty(score.shape, dtype=index_type)
        for k, bands in enumerate(p.band_sets):
            nodes = np.flatnonzero(p.band_set == k)
            if len(nodes):
                index[nodes] = bands_passed(bands, ratio[nodes], index_type) + offsets[k]
    # A NaN ratio passes no band; those with max 0 are green, or None where the node does
    # not apply (its max is 0 too).
    no_max = np.add(~applicable, len(names), dtype=index_type)
    np.copyto(index, no_max, where=maxima == 0)
    # Transpose the small integers, not the objects: [unit, node], C order.
    return table[np.ascontiguousarray(index.T)]


def unit_bands(p: Plan, labels: BandLabels, total: FloatArray, vetoed: BoolArray) -> ObjectArray:
    """Band of each unit's total; a vetoed unit gets the most severe band."""
    bands = p.band_sets[0]
    codes = labels.classify(bands, total / p.framework.scale)
    codes[np.isnan(total)] = labels.code[None]
    codes[vetoed] = labels.code[bands[0].level if bands else GREEN]
    return labels.names[codes]
