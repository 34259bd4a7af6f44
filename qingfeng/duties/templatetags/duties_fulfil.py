"""Template tags of the fulfil part: the counts of the home page's "my duties" panel
(read here so that the home view needs no change)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from qingfeng.duties.fulfil_selectors import light_totals
from qingfeng.duties.lights import YELLOW_DAYS

register = template.Library()


@register.simple_tag(takes_context=True)
def fulfil_lights(context: dict[str, Any]) -> dict[str, int]:
    """The lists the user fulfils this year, their red and yellow dues, and the days of
    the yellow window."""
    request = context.get("request")
    if request is None:
        return {"lists": 0}
    return {**light_totals(request.user, today=timezone.localdate()), "yellow_days": YELLOW_DAYS}
