"""The default templates of the unit report kinds (see ``gongwen`` for the layout)."""

from __future__ import annotations

from collections.abc import Callable

TEMPLATES: dict[str, Callable[[], bytes]] = {}
