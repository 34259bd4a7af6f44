"""Sample contexts of the unit report kinds (see ``documents.samples``)."""

from __future__ import annotations

from typing import Any

UNIT_SAMPLES: dict[str, dict[str, Any]] = {}
