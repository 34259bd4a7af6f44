"""Template tags of the leader's file: whether the viewer may open a person's file (the
link on the person's page) and the viewer's own file (the menu entry)."""

from __future__ import annotations

from typing import Any

from django import template

from qingfeng.duties import leader_file

register = template.Library()


@register.simple_tag(takes_context=True)
def may_open_leader_file(context: Any, person_id: int) -> bool:
    """True when the page's user may open this person's file."""
    request = context.get("request")
    if request is None:
        return False
    return leader_file.may_open_file(user=request.user, person_id=person_id)


@register.simple_tag(takes_context=True)
def own_leader_file(context: Any) -> int | None:
    """The person of the page's user's own file, if the user is a leader."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return leader_file.own_file_person(request.user)
