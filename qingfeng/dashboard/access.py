"""Who may open which analysis page, shared by every dashboard view.

Two doors, both through ``accounts.selectors.visible_units``:

- the region-wide pages (overview, comparisons, problem analysis, one-stop query, the
  whole-period workbook) need ``Capability.VIEW_ANALYSIS``, and show only the units the
  user holds that capability over; a user without it gets 404, like any other scope miss;
- a unit's portrait is open to anyone who sees the unit (``VIEW_ORG``): the assessed
  units' liaisons and leaders must see their own portrait. Figures that compare
  the unit with others (the region mean on the radar) are taken over the units the
  viewer may analyse, so a liaison never learns an aggregate of units outside the scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.framework.selectors import ordered_indicators, version_in_force, visible_frameworks
from qingfeng.lib.errors import NotFound, OutOfScope, get_or_not_found
from qingfeng.lib.periods import Period
from qingfeng.org.models import Unit
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.selectors import period_snapshots


def require_analysis(user: Any) -> None:
    """OutOfScope (a 404) unless the user holds the analysis capability over some scope."""
    if not scope.has_capability(user, Capability.VIEW_ANALYSIS):
        raise OutOfScope


def analysis_units(user: Any) -> QuerySet[Unit]:
    """The units whose results the user may analyse (aggregate, compare, export)."""
    return scope.visible_units(user, Capability.VIEW_ANALYSIS)


def analysis_framework(user: Any, code: str) -> Framework:
    """A framework the user may analyse, by code; NotFound (a 404) otherwise."""
    require_analysis(user)
    return get_or_not_found(visible_frameworks(user, Capability.VIEW_ANALYSIS), code=code)


def portrait_framework(user: Any, code: str) -> Framework:
    """A framework whose units the user sees (portraits are open to VIEW_ORG)."""
    return get_or_not_found(visible_frameworks(user), code=code)


@dataclass
class PeriodResults:
    """One framework's results for one period as the viewer may see them."""

    framework: Framework
    period: Period
    version: FrameworkVersion
    indicators: list[Indicator]
    snapshots: QuerySet[Snapshot]

    @property
    def codes(self) -> list[str]:
        return [node.code for node in self.indicators]

    @property
    def level_one(self) -> list[Indicator]:
        return [node for node in self.indicators if node.parent_id is None]


def period_results(*, user: Any, framework: Framework, period: Period) -> PeriodResults:
    """The period's snapshots restricted to the units the user may analyse; 404 when no
    version is in force for the period."""
    version = version_in_force(framework=framework, period=period)
    if version is None:
        raise NotFound
    snapshots = period_snapshots(framework=framework, period=period).filter(
        unit__in=analysis_units(user).values("pk")
    )
    return PeriodResults(framework, period, version, ordered_indicators(version), snapshots)
