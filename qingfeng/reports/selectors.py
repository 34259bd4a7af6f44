"""Reads of the reports app: which reports a user may see, make and issue.

The rule, once:
- who makes reports (``Capability.MAKE_REPORTS``, analysts and the commission) sees every
  report of a unit they analyse and every region report of a region they analyse, in any
  state;
- everyone else sees only **issued** reports that concern a unit they read as its
  recipient (the unit's liaison and principal leader, the leaders in charge of it: those
  ``documents.selectors.reads_unit`` names), or that are addressed to them as a leader;
- anything else is a 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from qingfeng.accounts.roles import Capability, Role
from qingfeng.accounts.selectors import has_capability, own_people, visible_regions, visible_units
from qingfeng.framework.models import Framework
from qingfeng.lib.periods import period_label, period_sort_key
from qingfeng.org.models import InCharge, Post, PostRole, Unit
from qingfeng.reports.models import Report, ReportStatus
from qingfeng.scoring.selectors import scored_periods


def may_make(user: Any) -> bool:
    """Whether ``user`` may generate and edit reports (somewhere)."""
    return has_capability(user, Capability.MAKE_REPORTS)


def may_issue(user: Any) -> bool:
    """Whether ``user`` may issue reports (somewhere): the commission."""
    return has_capability(user, Capability.ISSUE_REPORTS)


def recipient_units(user: Any) -> QuerySet[Unit]:
    """The units whose issued reports ``user`` receives: the units of their liaison
    roles, the units they are the principal leader of, the units they are in charge of."""
    if not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    people = own_people(user)
    liaison = Q(
        pk__in=user.assignments.filter(role=Role.UNIT_LIAISON, unit__isnull=False).values("unit_id")
    )
    principal = Q(
        pk__in=Post.objects.filter(
            person__in=people, end__isnull=True, role=PostRole.PRINCIPAL
        ).values("unit_id")
    )
    in_charge = Q(pk__in=InCharge.objects.filter(person__in=people).values("unit_id"))
    return Unit.objects.filter(liaison | principal | in_charge)


def reports_made_q(user: Any) -> Q:
    """The reports ``user`` sees as their maker: units and regions they analyse."""
    if not may_make(user):
        return Q(pk__in=[])
    units = visible_units(user, Capability.MAKE_REPORTS).values("pk")
    regions = visible_regions(user, Capability.MAKE_REPORTS).values("pk")
    return Q(unit__in=units) | Q(unit__isnull=True, region__in=regions)


def reports_for(user: Any) -> QuerySet[Report]:
    """Every report ``user`` may see (the rule in the module's docstring)."""
    if not user.is_authenticated:
        return Report.objects.none()
    received = Q(status=ReportStatus.ISSUED) & (
        Q(units__in=recipient_units(user).values("pk")) | Q(person__in=own_people(user))
    )
    ids = Report.objects.filter(reports_made_q(user) | received).values("pk")
    return Report.objects.filter(pk__in=ids).select_related("framework", "region", "unit", "person")


def period_choices(frameworks: Iterable[Framework]) -> list[tuple[str, str]]:
    """The periods a report can be made for: those with stored scores in any of
    ``frameworks``, newest first, each as (code, the period in words)."""
    periods: set[str] = set()
    for framework in frameworks:
        periods.update(scored_periods(framework))
    return [(code, period_label(code)) for code in sorted(periods, key=period_sort_key)]
