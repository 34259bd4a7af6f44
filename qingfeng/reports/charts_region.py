"""The region reports' charts (the half-year and annual analysis): the distribution of
totals, the heat map of the weakest units, the trend of the periods inside the year.

Each takes figures already read by the dashboard selectors (nothing is computed here
but where a bar or a cell goes) and returns PNG bytes drawn with ``reports.charts``
(the pages' band colours, Noto CJK, a ``Figure`` of its own: nothing global).
Labels written from stored names go through ``plain``.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.patches import Patch, Rectangle

from qingfeng.reports.charts import (
    MEAN_COLOUR,
    UNIT_COLOUR,
    band_colour,
    figure,
    plain,
    png,
)

# Text on a dark band colour is white, on a light one black.
DARK_BANDS = {"green", "blue", "red", "orange"}
LABEL_CHARS = 14  # a unit's name on the heat map's axis is cut after this many


@dataclass(frozen=True)
class Bar:
    """One histogram bin: its label (e.g. "800–900"), count and band."""

    label: str
    count: int
    band: str


@dataclass(frozen=True)
class HeatRow:
    """One unit's line of the heat map: its label, and per column the stored band and
    the score rate in per cent (None when not assessed)."""

    label: str
    cells: list[tuple[str, float | None]]


def histogram(bars: list[Bar], *, x_label: str, y_label: str) -> bytes:
    """The distribution of totals: one bar per bin, coloured by the bin's band, its count
    above it."""
    chart = figure(150, 46)
    axes = chart.add_subplot()
    positions = range(len(bars))
    drawn = axes.bar(
        positions,
        [bar.count for bar in bars],
        color=[band_colour(bar.band) for bar in bars],
        edgecolor="white",
        width=0.9,
    )
    axes.bar_label(drawn, labels=[str(bar.count) if bar.count else "" for bar in bars], fontsize=7)
    axes.set_xticks(list(positions), [bar.label for bar in bars], fontsize=6.5, rotation=0)
    axes.set_xlabel(x_label, fontsize=8)
    axes.set_ylabel(y_label, fontsize=8)
    axes.tick_params(axis="y", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(y=0.15)
    return png(chart)


def heat_map(
    rows: list[HeatRow],
    *,
    columns: list[str],
    legend: list[tuple[str, str]],
) -> bytes:
    """Units (rows, top to bottom) × level-1 indicators (columns): each cell coloured by
    its stored band and holding the score rate in per cent; ``legend`` is (band, words)."""
    height = 20 + 4.2 * max(len(rows), 1)
    chart = figure(160, height)
    axes = chart.add_subplot()
    for y, row in enumerate(rows):
        for x, (band, percent) in enumerate(row.cells):
            axes.add_patch(
                Rectangle((x, y), 1, 1, facecolor=band_colour(band), edgecolor="white", lw=0.8)
            )
            if percent is not None:
                axes.text(
                    x + 0.5,
                    y + 0.5,
                    f"{percent:.0f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if band in DARK_BANDS else "black",
                )
    axes.set_xlim(0, len(columns))
    axes.set_ylim(len(rows), 0)
    axes.set_xticks([x + 0.5 for x in range(len(columns))], [plain(c) for c in columns])
    axes.xaxis.tick_top()
    axes.tick_params(axis="x", labelsize=7, length=0)
    axes.set_yticks(
        [y + 0.5 for y in range(len(rows))],
        [plain(_cut(row.label)) for row in rows],
    )
    axes.tick_params(axis="y", labelsize=6.5, length=0)
    for side in ("top", "right", "bottom", "left"):
        axes.spines[side].set_visible(False)
    handles = [Patch(facecolor=band_colour(band), label=words) for band, words in legend]
    if handles:
        axes.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.01),
            ncol=len(handles),
            fontsize=7,
            frameon=False,
        )
    return png(chart)


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def trend(
    labels: list[str],
    means: list[float | None],
    *,
    scale: float,
    series_label: str,
    halves: list[tuple[float, float | None, str]] | None = None,
    halves_label: str = "",
) -> bytes:
    """The mean total over the periods inside the year (the quarters, as a line) and,
    when given, the half-years as (x position between its quarters, mean, label) points."""
    chart = figure(150, 62)
    axes = chart.add_subplot()
    points = [(x, mean) for x, mean in enumerate(means) if mean is not None]
    if points:
        xs, ys = zip(*points, strict=True)
        axes.plot(xs, ys, marker="o", color=UNIT_COLOUR, label=series_label, linewidth=1.6)
        for x, y in points:
            axes.annotate(
                f"{y:.2f}",
                (x, y),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=7,
            )
    if halves:
        shown = [(x, mean) for x, mean, _label in halves if mean is not None]
        if shown:
            hx, hy = zip(*shown, strict=True)
            axes.plot(
                hx,
                hy,
                marker="s",
                linestyle="--",
                color=MEAN_COLOUR,
                label=halves_label,
                linewidth=1.2,
            )
            for middle, y in shown:
                axes.annotate(
                    f"{y:.2f}",
                    (middle, y),
                    textcoords="offset points",
                    xytext=(0, -12),
                    ha="center",
                    fontsize=7,
                    color=MEAN_COLOUR,
                )
    axes.set_xticks(list(range(len(labels))), labels, fontsize=7)
    axes.set_xlim(-0.5, len(labels) - 0.5)
    values = [m for m in means if m is not None] + [
        m for _x, m, _l in halves or [] if m is not None
    ]
    if values:
        low, high = min(values), max(values)
        pad = max((high - low) * 0.4, scale * 0.02)
        axes.set_ylim(max(low - pad, 0), min(high + pad, scale))
    axes.tick_params(axis="y", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False, loc="lower right")
    return png(chart)
