"""What a draft version still lacks, shown while it is edited and when it is published:
``version_problems`` (what publishing refuses) and ``sum_warnings`` (points that do not
add up, which publishing allows).

Points that do not add up are warnings, not errors, for two reasons: a unit's total is
``raw × scale / applicable max`` (docs/design.md), so level-1 points summing to 1010 on a
1000-point scale or a group whose children fall short still score consistently; and a
draft must be editable in any order (raising a child before its parent). Only children
worth more than their parent stay an error, at publishing: the group could then score
more than the points it states (docs/design.md, "Editing a draft").

Sums are judged per unit category (``validation_sums``): a group is full for a category
when the children applying to that category add up to its points. The categories are
those of the framework's active units (all categories when it has none yet).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from qingfeng.framework.interchange_write import version_to_spec
from qingfeng.framework.models import FrameworkVersion, Indicator
from qingfeng.framework.selectors import ordered_indicators
from qingfeng.framework.validation import validate_spec
from qingfeng.lib.notation import number_text
from qingfeng.lib.tabular import Issue
from qingfeng.org.models import Unit, UnitCategory

TOLERANCE = 1e-6


def version_problems(*, version: FrameworkVersion) -> list[Issue]:
    """Every problem publishing ``version`` would refuse (the checks of ``validate_spec``,
    children worth more than their parent included)."""
    spec = version_to_spec(version)
    return validate_spec(spec, source="page", region=version.framework.region)


@dataclass(frozen=True)
class SumWarning:
    """Points that do not add up: the children of ``code`` (None: the level-1 indicators,
    against the scale) add up to ``total`` instead of ``expected`` for units of
    ``categories`` (names; empty: every category the node applies to)."""

    code: str | None
    name: str
    expected: float
    total: float
    categories: tuple[str, ...]

    @property
    def excess(self) -> bool:
        """More than expected: publishing refuses it for a group."""
        return self.total > self.expected + TOLERANCE

    def __str__(self) -> str:
        values = {
            "code": self.code or "",
            "name": self.name,
            "total": number_text(self.total),
            "expected": number_text(self.expected),
            "categories": "、".join(self.categories),
        }
        if self.code is None:
            if self.categories:
                text = _(
                    "For units of %(categories)s the level-1 indicators add up to %(total)s "
                    "points, not the scale of %(expected)s."
                )
            else:
                text = _(
                    "The level-1 indicators add up to %(total)s points, not the scale of "
                    "%(expected)s."
                )
        elif self.categories:
            text = _(
                "%(code)s %(name)s: for units of %(categories)s its children add up to "
                "%(total)s points, not its %(expected)s."
            )
        else:
            text = _(
                "%(code)s %(name)s: its children add up to %(total)s points, not its %(expected)s."
            )
        return text % values


def _categories(version: FrameworkVersion) -> list[tuple[str, str]]:
    """(code, name) of the categories of the framework's active units, else of all."""
    codes = (
        Unit.objects.within(version.framework.region)
        .filter(active=True)
        .values_list("category__code", flat=True)
    )
    categories = UnitCategory.objects.filter(code__in=codes)
    if not categories.exists():
        categories = UnitCategory.objects.all()
    return list(categories.order_by("code").values_list("code", "name"))


def sum_warnings(*, version: FrameworkVersion) -> list[SumWarning]:
    """Where points do not add up, in tree order: the level-1 indicators against the
    scale, then each group's children against the group, per unit category."""
    nodes = ordered_indicators(version)
    categories = _categories(version)
    children: dict[int | None, list[Indicator]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    # The categories each node applies to through itself and its ancestors (None: all).
    reach: dict[int | None, frozenset[str] | None] = {None: None}
    for node in nodes:
        above = reach[node.parent_id]
        own = frozenset(node.applies_to or ()) or None
        reach[node.pk] = own if above is None else (above if own is None else above & own)
    found: list[SumWarning] = []
    groups: list[tuple[int | None, str | None, str, float]] = [
        (None, None, "", float(version.scale))
    ]
    groups += [(n.pk, n.code, n.name, n.max) for n in nodes if n.pk in children]
    for pk, code, name, expected in groups:
        if pk not in children:
            continue
        mismatched: dict[float, list[str]] = {}
        applying_categories = 0
        for category, category_name in categories:
            scope = reach[pk]
            if scope is not None and category not in scope:
                continue
            maxima = [
                child.max
                for child in children[pk]
                if reach[child.pk] is None or category in (reach[child.pk] or ())
            ]
            if not maxima:
                continue  # nothing of it applies to this category
            applying_categories += 1
            total = math.fsum(maxima)
            if abs(total - expected) > TOLERANCE:
                mismatched.setdefault(round(total, 6), []).append(category_name)
        for total, names in mismatched.items():
            every = len(mismatched) == 1 and len(names) == applying_categories
            found.append(SumWarning(code, name, expected, total, () if every else tuple(names)))
    return found
