"""Template filters shared by the pages."""

from __future__ import annotations

from django import template

from qingfeng.lib import bands, periods

register = template.Library()


@register.filter
def band_label(level: str | None) -> str:
    """A warning level in the user's language (绿色, 蓝色 … in Chinese)."""
    return bands.band_label(level)


@register.filter
def period_label(period: object) -> str:
    """A period in words (2026年第三季度); its code stays in URLs."""
    return periods.period_label(str(period))
