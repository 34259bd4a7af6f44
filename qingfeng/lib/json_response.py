"""JSON answers that are always valid JSON.

Python's ``json`` writes a float ``inf`` or ``nan`` as ``Infinity`` or ``NaN``, which no
JSON parser (a browser's included) reads, so one bad number would break a whole chart.
``FiniteJsonResponse`` (the pages' JSON) and ``FiniteJsonRenderer`` (the API's) write them
as ``null`` (what a chart draws as "no value") and refuse to write anything else that is
not JSON.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from ninja.renderers import JSONRenderer


def finite(data: Any) -> Any:
    """``data`` with every float that is not finite (numpy's included) replaced by None;
    dicts, lists and tuples are copied, everything else is kept as it is."""
    if isinstance(data, float):  # numpy.float64 is a float
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(value) for value in data]
    if hasattr(data, "dtype") and getattr(data, "shape", None) == ():  # numpy scalars
        return finite(data.item())
    return data


class _StrictEncoder(DjangoJSONEncoder):
    """Django's encoder that fails (ValueError) rather than write NaN or Infinity."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_nan"] = False
        super().__init__(*args, **kwargs)


class FiniteJsonResponse(JsonResponse):
    """A ``JsonResponse`` whose numbers are finite: not-finite floats become null."""

    def __init__(self, data: Any, **kwargs: Any) -> None:
        kwargs.setdefault("encoder", _StrictEncoder)
        super().__init__(finite(data), **kwargs)


class FiniteJsonRenderer(JSONRenderer):
    """The API's renderer (django-ninja) under the same rule: not-finite floats as null."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json.dumps(
            finite(data), cls=self.encoder_class, allow_nan=False, **self.json_dumps_params
        )
