"""The default templates of the filing report kinds (see ``gongwen`` for the layout)."""

from __future__ import annotations

from collections.abc import Callable

TEMPLATES: dict[str, Callable[[], bytes]] = {}
