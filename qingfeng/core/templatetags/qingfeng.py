"""Template filters shared by the pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The usual warning levels, in order of severity; a framework may name others, which are
# shown as written.
BAND_LABELS = {
    "green": _("green"),
    "blue": _("blue"),
    "yellow": _("yellow"),
    "orange": _("orange"),
    "red": _("red"),
    "none": _("not scored"),
}
BAND_ORDER = list(BAND_LABELS)


@register.filter
def band_label(level: str | None) -> str:
    """A warning level in the user's language (绿色, 蓝色 … in Chinese)."""
    if not level:
        return ""
    return str(BAND_LABELS.get(level, level))
