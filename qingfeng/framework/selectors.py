"""Reads of frameworks: which a user sees, which version is in force for a period, and the
engine's view of a version."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import (
    AssessedOn,
    Framework,
    FrameworkVersion,
    Indicator,
    UnreportedRule,
    VersionStatus,
)
from qingfeng.lib.bands import BAND_ORDER
from qingfeng.lib.periods import Period
from qingfeng.org.models import path_ids
from qingfeng.scoring import engine


def visible_frameworks(
    user: Any, capability: Capability = Capability.VIEW_ORG
) -> QuerySet[Framework]:
    """Frameworks whose region contains at least one unit the user sees, or whose region
    lies inside the user's own region subtrees."""
    if scope.has_global_scope(user, capability):
        return Framework.objects.all()
    unit_regions = scope.visible_units(user, capability).values_list("region__path", flat=True)
    # Without order_by() the units' default ordering (code) joins the DISTINCT: one row per
    # unit (11,800 in a province) instead of one per region.
    paths = set(unit_regions.order_by().distinct())
    region_ids = scope.visible_regions(user, capability).values("pk")
    condition = Q(region__in=region_ids)
    # A county's units are assessed by its own framework and by its city's or province's.
    ancestor_ids = {pk for path in paths for pk in path_ids(path)}
    if ancestor_ids:
        condition |= Q(region__in=ancestor_ids)
    return Framework.objects.filter(condition)


# Versions that can be in force: a draft never scores.
IN_FORCE_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.ARCHIVED)


def version_in_force(*, framework: Framework, period: Period) -> FrameworkVersion | None:
    """The published or archived version with the greatest year not after the period's
    year (the highest number among equals); None if there is none yet."""
    return (
        framework.versions.filter(status__in=IN_FORCE_STATUSES, year__lte=period.year)
        .order_by("-year", "-number")
        .first()
    )


def in_force_among(versions: Iterable[FrameworkVersion], year: int) -> FrameworkVersion | None:
    """``version_in_force``'s rule over versions already read (published or archived, of
    one framework), for pages that need it for many periods or dates without a query each."""
    candidates = [v for v in versions if v.year <= year]
    return max(candidates, key=lambda v: (v.year, v.number), default=None)


def assessment_note(*, version: FrameworkVersion, period: Period) -> str:
    """What the version's ``assessed_on`` makes of a period, in words for the pages: ""
    when the version assesses every period kind (or the period is of the assessed kind and
    nothing needs saying), else a sentence naming the assessed kind and saying that the
    results of this period are monitoring."""
    if not version.assessed_on:
        return ""
    kind = AssessedOn(version.assessed_on).label
    if period.kind == version.assessed_on:
        return str(
            _("An assessment period: this framework is assessed on %(kind)s.") % {"kind": kind}
        )
    return str(
        _(
            "Monitoring: this framework is assessed on %(kind)s; results of this period "
            "show the way, they are not the assessment."
        )
        % {"kind": kind}
    )


def unreported_rule_text(version: FrameworkVersion) -> str:
    """The version's rule for unreported data (``unreported_rule``) in a sentence, for the
    framework page and the analysis pages (docs/completeness-scores.md)."""
    if version.unreported_rule == UnreportedRule.STRICT:
        return str(
            _(
                "A deduction or bonus indicator whose data station has neither entered "
                "records nor filed a nil return for a unit is marked unreported and not "
                "assessed: it drops out of the unit's applicable max."
            )
        )
    return str(
        _(
            "A deduction or bonus indicator whose data station has neither entered records "
            "nor filed a nil return for a unit scores as usual (a deduction full marks, a "
            "bonus nothing) and is marked unreported."
        )
    )


def ordered_indicators(version: FrameworkVersion) -> list[Indicator]:
    """The version's indicators in tree order (each parent before its children, siblings by
    position), as the engine and the tree page need them."""
    nodes = list(version.indicators.select_related("station").order_by("position", "pk"))
    children: dict[int | None, list[Indicator]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[Indicator] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.pk, [])))
    return ordered


def _bands(raw: Any) -> tuple[engine.Band, ...]:
    return tuple(engine.Band(level=str(b["level"]), below=float(b["below"])) for b in raw or [])


def _rule(raw: dict[str, Any] | None) -> engine.Rule | None:
    if not raw:
        return None

    def number(key: str) -> float | None:
        value = raw.get(key)
        return None if value is None else float(value)

    return engine.Rule(
        type=str(raw["type"]),
        per=number("per"),
        cap=number("cap"),
        grades={str(k): float(v) for k, v in (raw.get("grades") or {}).items()},
        zero_at=number("zero_at"),
        full_at=number("full_at"),
    )


def engine_framework(version: FrameworkVersion) -> engine.Framework:
    """The version as the scoring engine's plain data."""
    nodes = ordered_indicators(version)
    codes = {node.pk: node.code for node in nodes}
    return engine.Framework(
        code=version.framework.code,
        scale=float(version.scale),
        bands=_bands(version.bands),
        components=tuple(
            engine.Component(code=str(c["code"]), weight=float(c["weight"]))
            for c in version.components or []
        ),
        indicators=tuple(
            engine.Indicator(
                code=node.code,
                parent=codes.get(node.parent_id) if node.parent_id else None,
                max=float(node.max),
                rule=_rule(node.rule),
                applies_to=frozenset(node.applies_to or []),
                component=node.component or None,
                bands=_bands(node.bands) if node.bands is not None else None,
            )
            for node in nodes
        ),
        strict_unreported=version.unreported_rule == UnreportedRule.STRICT,
    )


# ---------------------------------------------------------------------------- bands


def band_levels(version: FrameworkVersion) -> list[str]:
    """Green, then the version's bands from the mildest to the most severe."""
    ordered = sorted(version.bands or [], key=lambda band: -float(band["below"]))
    return ["green", *(str(band["level"]) for band in ordered)]


def severity_of(version: FrameworkVersion) -> dict[str, int]:
    """Band -> severity (0 = green); bands a node names that the version does not are
    placed by the usual order (blue < yellow < orange < red)."""
    levels = band_levels(version)
    severity = {level: i for i, level in enumerate(levels)}
    for i, level in enumerate(BAND_ORDER[:-1]):
        severity.setdefault(level, i)
    return severity
