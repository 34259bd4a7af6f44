"""A rule in words: the one place that says how an indicator scores (docs/design.md, "The
scoring model"), for the tree, the portrait, entry and self-assessment forms, the diff of
two versions and the exports. "每发现 1 次扣 5 分，最多扣 15 分", not ``per=5, cap=15``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def is_number(value: Any) -> bool:
    """A real number (not a bool, which Python counts as an int)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _num(value: Any) -> str:
    """A parameter as people write it (5, 2.5, not 5.0)."""
    return f"{value:g}" if is_number(value) else str(value)


def _deduct(rule: dict[str, Any]) -> str:
    per, cap = rule.get("per"), rule.get("cap")
    if is_number(per):
        text = _("%(per)s points off per finding") % {"per": _num(per)}
    else:
        text = _("the points each finding carries are taken off")
    if is_number(cap):
        return _("%(text)s, at most %(cap)s points in all") % {"text": text, "cap": _num(cap)}
    return _("%(text)s, down to zero") % {"text": text}


def _bonus(rule: dict[str, Any]) -> str:
    grades = rule.get("grades")
    if isinstance(grades, dict) and grades:
        table = "、".join(
            _("%(grade)s: %(points)s points") % {"grade": grade, "points": _num(points)}
            for grade, points in grades.items()
        )
        return _("points added by grade (%(table)s), up to the maximum") % {"table": table}
    if is_number(rule.get("per")):
        return _("%(per)s points added per item, up to the maximum") % {"per": _num(rule["per"])}
    return _("the points each item carries are added, up to the maximum")


def _rate(rule: dict[str, Any]) -> str:
    zero, full = rule.get("zero_at"), rule.get("full_at")
    if not (is_number(zero) and is_number(full)):
        return _("scored in proportion to a rate")
    values = {"full": _num(full), "zero": _num(zero)}
    if full >= zero:  # type: ignore[operator]  # both numbers (is_number)
        return _("full points at %(full)s%% or more, none at %(zero)s%% or less") % values
    return _("full points at %(full)s%% or less, none at %(zero)s%% or more") % values


def rule_sentence(rule: dict[str, Any] | None) -> str:
    """How a leaf with ``rule`` (the interchange shape: ``{"type": "deduct", "per": 5,
    "cap": 15}``…) scores, as a sentence in the user's language; "" for no rule (a group).
    A rule type this code does not know is shown as written."""
    if not rule:
        return ""
    kind = rule.get("type")
    if kind == "deduct":
        return _deduct(rule)
    if kind == "bonus":
        return _bonus(rule)
    if kind == "rate":
        return _rate(rule)
    if kind == "direct":
        return _("points given by evaluators (the mean of their marks)")
    if kind == "survey":
        return _("satisfaction survey: a satisfaction of 100 gets full points, in proportion")
    if kind == "veto":
        return _("one-vote veto: any record in the period vetoes the unit")
    return str(kind or "")
