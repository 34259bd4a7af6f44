"""Writing domain objects so that their history says who changed them."""

from __future__ import annotations

from typing import Any

from django.db.models import Model


def stamp(obj: Model, actor: Any) -> None:
    """Tell django-simple-history who made this change (the middleware covers web
    requests; commands and services called outside a request pass the actor)."""
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]


def save_validated(obj: Model, actor: Any, **clean_kwargs: Any) -> None:
    """``full_clean()`` then save, recording ``actor`` in the history."""
    obj.full_clean(**clean_kwargs)
    stamp(obj, actor)
    obj.save()
