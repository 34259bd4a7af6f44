"""Template filters shared by the pages."""

from __future__ import annotations

from django import template

from qingfeng.lib import bands

register = template.Library()


@register.filter
def band_label(level: str | None) -> str:
    """A warning level in the user's language (绿色, 蓝色 … in Chinese)."""
    return bands.band_label(level)
