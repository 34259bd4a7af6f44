"""``{% warning_url pk as url %}``: the address of a stored warning's page
(``monitoring:warning``, the responses' page), or "" while no such page is installed,
so the register, the overview and the portrait link to it once it is there."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def warning_url(pk: int | None) -> str:
    """The warning's page, "" without a warning or without the page."""
    if not pk:
        return ""
    try:
        return reverse("monitoring:warning", args=[pk])
    except NoReverseMatch:
        return ""
