"""The one rule for the numbers users and systems send: finite, and within the bounds of the
field they go in.

Every way in uses it: the import cells (``qingfeng.lib.tabular.number`` and
``number_within``), the entry forms (``FiniteFloatField``), the quick-entry table
(``parse_number``), the API's record schema and, as a last guard, the records checker
(``limit_problem``). So ``inf``, ``nan``, ``1e308`` or a typing slip of a few zeros is
refused everywhere, with the same words, before it reaches a score.

The bounds of a record's numbers (documented in docs/interchange-records.md and
docs/api.md) are far above anything an assessment produces (a framework is scored out of
100 or 1,000; a count of problems or a rate stays small) and far below what a float
loses precision at. They bound the size only: the sign is the rule's business (a
deduction's points are 0 or more, a quantity more than 0), which says so in its own words.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")

# The largest size of each number a record carries.
POINTS_LIMIT = 10_000.0
QUANTITY_LIMIT = 100_000.0
VALUE_LIMIT = 1_000_000.0
RECORD_LIMITS: dict[str, float] = {
    "points": POINTS_LIMIT,
    "quantity": QUANTITY_LIMIT,
    "value": VALUE_LIMIT,
}


class NumberError(ValueError):
    """A value that is no usable number; the message says why (in the active language)."""


def parse_number(value: Any) -> float | None:
    """A finite number from a number or text ("3", "3.5", "-1e2", full-width "３.５");
    None for None; ``NumberError`` for anything else, ``inf`` and ``nan`` included (as
    numbers or as text)."""
    if value is None:
        return None
    converted: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            converted = float(value)
        except OverflowError:  # an int past the float range: refused below
            converted = None
    elif isinstance(value, str):
        written = unicodedata.normalize("NFKC", value).strip()
        if _NUMBER.match(written):
            converted = float(written)  # "1e999" is inf: refused below
    if converted is None or not math.isfinite(converted):
        # The message is worded only for a value refused (not for every cell read).
        raise NumberError(_('expected a number, got "%(value)s"') % {"value": value})
    return converted


def limit_problem(value: float | None, *, limit: float) -> str | None:
    """Why ``value`` is out of bounds (its size above ``limit``, or not finite); None when
    it is fine or absent."""
    if value is None:
        return None
    if not math.isfinite(value) or abs(value) > limit:
        return _("the number must lie between %(low)s and %(high)s") % {
            "low": f"{-limit:,.0f}",
            "high": f"{limit:,.0f}",
        }
    return None


def parse_within(value: Any, *, limit: float) -> float | None:
    """``parse_number``, then within ``±limit`` (``NumberError`` otherwise)."""
    converted = parse_number(value)
    problem = limit_problem(converted, limit=limit)
    if problem is not None:
        raise NumberError(problem)
    return converted


def record_number_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for each of a record's numbers (points, quantity, value) that is
    out of bounds."""
    problems = []
    for name, limit in RECORD_LIMITS.items():
        value = values.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            problem = limit_problem(float(value), limit=limit)
            if problem is not None:
                problems.append((name, problem))
    return problems


class FiniteFloatField(forms.FloatField):
    """A form's float field under the number rule: finite, at most ``limit`` in size, and
    the same message as an import cell when it is not."""

    def __init__(self, *args: Any, limit: float, **kwargs: Any) -> None:
        self.limit = limit
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("min", str(-int(limit)))
        self.widget.attrs.setdefault("max", str(int(limit)))

    def validate(self, value: Any) -> None:
        super().validate(value)  # Django refuses inf and nan ("Enter a number.")
        problem = limit_problem(value, limit=self.limit)
        if problem is not None:
            raise ValidationError(problem, code="limit")
