"""Template tags linking other pages to the unit portrait."""

from __future__ import annotations

from typing import Any

from django import template

from qingfeng.dashboard.portrait import unit_portraits as _unit_portraits

register = template.Library()


@register.simple_tag(takes_context=True)
def unit_portraits(context: dict[str, Any], unit: Any) -> list[tuple[Any, str]]:
    """``{% unit_portraits unit as portraits %}``: (framework, latest period) pairs of the
    frameworks that score the unit, as the current user sees them."""
    return _unit_portraits(user=context["request"].user, unit=unit)
