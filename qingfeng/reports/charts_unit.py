"""The unit reports' charts as PNG images: the radar of the level-one score rates and the
trend of total and rank, drawn as the portrait page draws them (``static/js/
charts-portrait.js``): the unit in its band's colour, the mean dashed grey, the total a
dark blue line with each point in its period's band colour (hollow while the period is
open or incomplete), the rank a dashed orange line on an inverted axis.

Each chart is one ``Figure`` (no pyplot state), small (the size the document shows it)
at ``charts.DPI``; labels are stored names, drawn as written (``charts.plain``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from matplotlib.ticker import MaxNLocator

from qingfeng.reports import charts

# The page's trend colours (charts-portrait.js).
TOTAL_COLOUR = "#1f5f8b"
RANK_COLOUR = "#f07c1a"
# Images as wide as the document shows them, in millimetres.
RADAR_SIZE_MM = (110.0, 68.0)
TREND_SIZE_MM = (150.0, 58.0)
FONT_SIZE = 7


def _short(name: str, limit: int = 8) -> str:
    """A long indicator name cut to fit an axis label."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _two_lines(label: str) -> str:
    """A period in words on two lines (2026年 / 第三季度), so that eight quarters fit."""
    year, sep, rest = label.partition("年")
    return charts.plain(f"{year}{sep}\n{rest}" if sep and rest else label)


def radar_png(
    *,
    names: Sequence[str],
    unit: Sequence[float | None],
    mean: Sequence[float | None] | None,
    band: str | None,
    unit_label: str,
    mean_label: str,
) -> bytes:
    """The radar of ``unit``'s level-one score rates (0–1; None not assessed, drawn at 0
    as the page does) against ``mean``; bars when there are fewer than three axes (a
    radar needs three, as on the page)."""
    colour = charts.band_colour(band)
    chart = charts.figure(*RADAR_SIZE_MM)
    labels = [charts.plain(_short(name)) for name in names]
    unit_values = [v or 0.0 for v in unit]
    mean_values = [v or 0.0 for v in mean] if mean is not None else None
    if len(names) < 3:
        axes = chart.add_subplot(1, 1, 1)
        positions = list(range(len(names)))
        width = 0.35 if mean_values is not None else 0.6
        axes.bar(positions, unit_values, width=width, color=colour, label=charts.plain(unit_label))
        if mean_values is not None:
            axes.bar(
                [p + width for p in positions],
                mean_values,
                width=width,
                color=charts.MEAN_COLOUR,
                label=charts.plain(mean_label),
            )
        axes.set_xticks(positions, labels, fontsize=FONT_SIZE)
        axes.set_ylim(0, 1)
        axes.yaxis.set_major_formatter(lambda value, _at: f"{value * 100:.0f}%")
        axes.tick_params(labelsize=FONT_SIZE)
        axes.legend(fontsize=FONT_SIZE, loc="lower center", bbox_to_anchor=(0.5, -0.3), ncol=2)
        return charts.png(chart)
    angles = [2 * math.pi * i / len(names) for i in range(len(names))]
    closed = [*angles, angles[0]]
    polar: Any = chart.add_subplot(1, 1, 1, projection="polar")
    polar.set_theta_offset(math.pi / 2)
    polar.set_theta_direction(-1)
    polar.set_ylim(0, 1)
    polar.set_yticks([0.25, 0.5, 0.75, 1.0], ["", "50%", "", ""], fontsize=FONT_SIZE - 1)
    # The rate labels between the first two axes, off the indicators' names.
    polar.set_rlabel_position(180 / len(names))
    polar.set_xticks(angles, labels, fontsize=FONT_SIZE)
    polar.tick_params(axis="x", pad=6)
    polar.spines["polar"].set_color("#999999")
    polar.grid(color="#dddddd", linewidth=0.6)
    polar.plot(
        closed,
        [*unit_values, unit_values[0]],
        color=colour,
        linewidth=1.5,
        label=charts.plain(unit_label),
    )
    polar.fill(closed, [*unit_values, unit_values[0]], color=colour, alpha=0.25)
    if mean_values is not None:
        polar.plot(
            closed,
            [*mean_values, mean_values[0]],
            color=charts.MEAN_COLOUR,
            linewidth=1.2,
            linestyle="--",
            label=charts.plain(mean_label),
        )
    # The legend beside the radar, so that the image is wider than tall (a shorter figure).
    polar.legend(fontsize=FONT_SIZE, loc="center left", bbox_to_anchor=(1.12, 0.5), frameon=False)
    return charts.png(chart)


def trend_png(
    *,
    labels: Sequence[str],
    totals: Sequence[float | None],
    ranks: Sequence[int | None],
    bands: Sequence[str | None],
    hollow: Sequence[bool],
    total_label: str,
    rank_label: str,
) -> bytes:
    """The trend of the total (left axis) and the rank (right axis, 1 at the top) over
    the periods ``labels`` (in words), oldest first; a hollow point where the period is
    open or incomplete."""
    chart = charts.figure(*TREND_SIZE_MM)
    axes = chart.add_subplot(1, 1, 1)
    positions = list(range(len(labels)))
    known = [(p, t) for p, t in zip(positions, totals, strict=True) if t is not None]
    if known:
        axes.plot(
            [p for p, _t in known],
            [t for _p, t in known],
            color=TOTAL_COLOUR,
            linewidth=1.5,
            label=charts.plain(total_label),
            zorder=2,
        )
    for position, total, band, empty in zip(positions, totals, bands, hollow, strict=True):
        if total is None:
            continue
        colour = charts.band_colour(band)
        axes.scatter(
            [position],
            [total],
            s=22,
            zorder=3,
            facecolors="white" if empty else colour,
            edgecolors=colour,
            linewidths=1.2,
        )
    # From zero as on the page, with room above the highest total.
    axes.set_ylim(0, max((t for _p, t in known), default=1.0) * 1.1 or 1.0)
    axes.set_xticks(positions, [_two_lines(label) for label in labels], fontsize=FONT_SIZE)
    axes.tick_params(labelsize=FONT_SIZE)
    axes.set_ylabel(charts.plain(total_label), fontsize=FONT_SIZE)
    axes.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    axes.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))
    ranked = [(p, r) for p, r in zip(positions, ranks, strict=True) if r is not None]
    handles, names = axes.get_legend_handles_labels()
    if ranked:
        right = axes.twinx()
        right.plot(
            [p for p, _r in ranked],
            [r for _p, r in ranked],
            color=RANK_COLOUR,
            linestyle="--",
            linewidth=1.2,
            marker="o",
            markersize=3,
            label=charts.plain(rank_label),
        )
        top = max(r for _p, r in ranked)
        right.set_ylim(top + max(1, top // 10), 0.5)
        right.yaxis.set_major_locator(MaxNLocator(integer=True))
        right.tick_params(labelsize=FONT_SIZE)
        right.set_ylabel(charts.plain(rank_label), fontsize=FONT_SIZE)
        more, more_names = right.get_legend_handles_labels()
        handles, names = handles + more, names + more_names
    axes.legend(
        handles,
        names,
        fontsize=FONT_SIZE,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.3),
        ncol=2,
        frameon=False,
    )
    return charts.png(chart)
