"""Sample contexts of the region report kinds (see ``documents.samples``)."""

from __future__ import annotations

from typing import Any

REGION_SAMPLES: dict[str, dict[str, Any]] = {}
