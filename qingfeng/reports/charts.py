"""Charts drawn on the server as PNG images for the Word reports (matplotlib, Agg, no
display), in the pages' colours and with Noto CJK for the Chinese text.

Shared plumbing for every report's charts: the band colours (the same as
``static/css/qingfeng.css`` and ``static/js/qingfeng-charts.js``; a test holds them
equal), the font, the figure size in millimetres (as the document shows it), and
``png`` turning a figure into bytes. Each report part draws its own charts with these
(``charts_unit``, ``charts_region``).

Labels come from stored names: matplotlib draws them as text (no markup is
interpreted but ``$…$`` mathtext, which ``plain`` turns off), so a hostile name is
drawn as written.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot
from matplotlib.figure import Figure

# The band colours of the pages (qingfeng.css .qf-band-*, qingfeng-charts.js BAND_COLOURS).
BAND_COLOURS: dict[str, str] = {
    "green": "#2e8b57",
    "blue": "#2f6fd1",
    "yellow": "#e0a800",
    "orange": "#f07c1a",
    "red": "#c8312b",
    "none": "#ced4da",
}
# The line and fill colours the page charts use for a unit and for the mean.
UNIT_COLOUR = "#2f6fd1"
MEAN_COLOUR = "#6c757d"
# Noto CJK, installed with fonts-noto-cjk; matplotlib falls back along the list.
FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "DejaVu Sans"]
DPI = 200
MM_PER_INCH = 25.4


def band_colour(band: str | None) -> str:
    """The colour of a band (grey for none or an unknown one)."""
    return BAND_COLOURS.get(band or "none", BAND_COLOURS["none"])


def plain(text: Any) -> str:
    """A stored string as a chart label: drawn as written (a ``$`` would start
    matplotlib's mathtext; it is escaped)."""
    return str(text).replace("$", r"\$")


def figure(width_mm: float, height_mm: float) -> Figure:
    """A new figure of the size the document shows it, with the Chinese fonts."""
    pyplot.rcParams["font.sans-serif"] = FONTS
    pyplot.rcParams["font.family"] = "sans-serif"
    pyplot.rcParams["axes.unicode_minus"] = False
    return Figure(figsize=(width_mm / MM_PER_INCH, height_mm / MM_PER_INCH), dpi=DPI)


def png(chart: Figure) -> bytes:
    """The figure as PNG bytes (tight layout, white background)."""
    buffer = io.BytesIO()
    chart.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()
