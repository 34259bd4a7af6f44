"""The warning-band vocabulary shared by pages, exports and domain code: the usual levels
in order of severity and their names in the user's language. Which band a ratio falls in
is the scoring engine's (``qingfeng.scoring.engine.band_of``), not this module's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The usual warning levels, mildest first, then "none" (no result); a framework may name
# others, which are shown as written.
BAND_LABELS = {
    "green": _("green"),
    "blue": _("blue"),
    "yellow": _("yellow"),
    "orange": _("orange"),
    "red": _("red"),
    "none": _("not scored"),
}
BAND_ORDER = list(BAND_LABELS)


def band_label(level: str | None) -> str:
    """A warning level in the user's language (绿色, 蓝色 … in Chinese); a level a
    framework names that is not a usual one as written; "" for no level."""
    if not level:
        return ""
    return str(BAND_LABELS.get(level, level))
