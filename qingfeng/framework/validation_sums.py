"""Whether a group indicator's children fit its maximum, unit category by unit category.

A unit scores only the indicators that apply to it (docs/scoring.md: a node applies when
its ``applies_to`` and every ancestor's is empty or holds the unit's category). So a group
whose children apply to different categories is full for a category when the children
that apply to that category add up to its maximum, not when all of them do: 龙口's B (300)
= B1 (150, every unit) + 乡镇专项 (150, townships) or 部门专项 (150, departments) is a normal
framework. Only the validation uses this: scoring sums the children and ignores a group's
own maximum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qingfeng.framework.interchange_format import NodePlace, is_number


@dataclass(frozen=True)
class Excess:
    """Children of a group adding up past its maximum for some units.

    ``category`` is None when the excess holds for every unit category (then ``total`` is
    the sum of all children, as the category-blind check always reported); otherwise the
    category code and the sum of the children applying to it.
    """

    category: str | None
    total: float


def _restriction(raw: Any) -> frozenset[str] | None:
    """The categories one node's own ``applies_to`` names (None: no restriction, including
    a malformed value, which is reported elsewhere)."""
    applies_to = raw.get("applies_to") if isinstance(raw, dict) else None
    if not isinstance(applies_to, list):
        return None
    codes = frozenset(code for code in applies_to if isinstance(code, str) and code)
    return codes or None


def reach(node: NodePlace) -> frozenset[str] | None:
    """The categories a node applies to through itself and its ancestors (None: all)."""
    found: frozenset[str] | None = None
    current: NodePlace | None = node
    while current is not None:
        own = _restriction(current.raw)
        if own is not None:
            found = own if found is None else found & own
        current = current.parent
    return found


def children_excess(node: NodePlace, top: float, tolerance: float) -> list[Excess]:
    """Where the children of group ``node`` add up past its maximum ``top``.

    Empty when they fit (or some child's maximum is not a number, reported elsewhere).
    One ``Excess(None, total)`` when the children applying to every unit already overflow
    it, or when every child applies to an overflowing category; else one per category that
    overflows, in the order the children first name them.
    """
    children = [child.raw for child in node.children if isinstance(child.raw, dict)]
    maxima: list[Any] = [child.get("max") for child in children]
    if not maxima or not all(is_number(m) and m >= 0 for m in maxima):
        return []
    total = math.fsum(maxima)
    if total <= top + tolerance:
        return []
    group = reach(node)
    own: Sequence[frozenset[str] | None] = [_restriction(child) for child in children]
    named: list[str] = []
    for codes in own:
        for code in sorted(codes or ()):
            if code not in named and (group is None or code in group):
                named.append(code)
    # None stands for a category no child names: only the unrestricted children apply.
    # A restricted group is checked for each of its own categories instead.
    candidates: list[str | None] = [None, *named]
    if group is not None:
        candidates = [*named, *(code for code in sorted(group) if code not in named)]
    found: list[Excess] = []
    for category in candidates:
        applying = [
            m
            for m, codes in zip(maxima, own, strict=True)
            if codes is None or (category is not None and category in codes)
        ]
        subtotal = math.fsum(applying)
        if subtotal <= top + tolerance:
            continue
        if category is None or len(applying) == len(maxima):
            return [Excess(None, total)]
        found.append(Excess(category, subtotal))
    return found
