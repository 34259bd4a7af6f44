"""Sample contexts of the filing report kinds (see ``documents.samples``)."""

from __future__ import annotations

from typing import Any

FILING_SAMPLES: dict[str, dict[str, Any]] = {}
