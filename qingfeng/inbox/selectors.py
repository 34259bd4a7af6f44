"""Reads of the inbox: a user sees only their own notices."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, QuerySet, Value, When

from qingfeng.inbox.models import Notice


def inbox_for(user: Any, *, state: str = "") -> QuerySet[Notice]:
    """The user's notices, unread first, then the newest first; ``state`` "unread" or
    "read" keeps only those (anything else: all). None for an anonymous user."""
    if not user.is_authenticated:
        return Notice.objects.none()
    found = Notice.objects.filter(recipient=user).select_related("unit")
    if state == "unread":
        found = found.filter(read_at__isnull=True)
    elif state == "read":
        found = found.filter(read_at__isnull=False)
    unread_first = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1))
    return found.order_by(unread_first, "-created_at", "-pk")


def unread_count(user: Any) -> int:
    """How many of the user's notices are unread: one indexed count, no query for an
    anonymous user."""
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
