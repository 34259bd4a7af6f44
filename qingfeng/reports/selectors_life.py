"""Reads for one report's life and the report pages: the report a user may open (else
``NotFound``), whether they may change or issue it, what it is about, its history, the
filtered list, and the choices of the "new report" form. The read rule itself is
``selectors.reports_for``; everything here goes through it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import visible_regions, visible_units
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.errors import get_or_not_found
from qingfeng.lib.periods import Period
from qingfeng.org.models import InCharge, Unit
from qingfeng.reports.kinds import KINDS, Subject
from qingfeng.reports.models import Report, ReportStatus
from qingfeng.reports.selectors import may_make, reports_for, reports_made_q


def report_get(user: Any, pk: int) -> Report:
    """The report ``pk`` if ``user`` may read it (``reports_for``); ``NotFound`` else."""
    return get_or_not_found(reports_for(user), pk=pk)


def subject_of(report: Report) -> Subject:
    """What a stored report is about, as its builder takes it."""
    return Subject(
        framework=report.framework,
        period=Period.parse(report.period),
        region=report.region,
        unit=report.unit,
        person=report.person,
    )


def may_change(user: Any, report: Report) -> bool:
    """Whether ``user`` may regenerate, edit or upload ``report``: they make reports over
    its unit (or region), and it is not issued."""
    if report.status == ReportStatus.ISSUED or not may_make(user):
        return False
    return Report.objects.filter(reports_made_q(user), pk=report.pk).exists()


def may_issue_report(user: Any, report: Report) -> bool:
    """Whether ``user`` may issue ``report``: the commission (``ISSUE_REPORTS``) over its
    unit, or over its region for a region report; never once issued."""
    if report.status == ReportStatus.ISSUED or not user.is_authenticated:
        return False
    if report.unit_id is not None:
        units = visible_units(user, Capability.ISSUE_REPORTS)
        return units.filter(pk=report.unit_id).exists()
    regions = visible_regions(user, Capability.ISSUE_REPORTS)
    return regions.filter(pk=report.region_id).exists()


@dataclass(frozen=True)
class Step:
    """One change in a report's history: when, who, the status it left, its number."""

    when: Any
    who: str
    status: str
    reference: str
    change: str  # "+" created, "~" changed


def report_history(report: Report) -> list[Step]:
    """Who generated, edited, regenerated and issued ``report``, latest first."""
    rows = (
        report.history.select_related("history_user")  # type: ignore[attr-defined]
        .order_by("-history_date", "-history_id")
        .only("history_date", "history_user", "status", "reference", "history_type")[:50]
    )
    return [
        Step(
            when=row.history_date,
            who=row.history_user.username if row.history_user else "",
            status=row.status,
            reference=row.reference,
            change=row.history_type,
        )
        for row in rows
    ]


@dataclass
class ListQuery:
    """The list page's filters, checked (empty = any)."""

    kind: str = ""
    framework: str = ""
    period: str = ""
    status: str = ""


def list_query(params: QueryDict) -> ListQuery:
    """The filters of the list page; an unknown value is ignored (the filter is off)."""
    kind = params.get("kind", "")
    status = params.get("status", "")
    period = params.get("period", "")
    try:
        period = str(Period.parse(period)) if period else ""
    except ValueError:
        period = ""
    return ListQuery(
        kind=kind if kind in KINDS else "",
        framework=params.get("framework", "")[:32],
        period=period,
        status=status if status in ReportStatus.values else "",
    )


def report_list(user: Any, query: ListQuery) -> QuerySet[Report]:
    """The reports ``user`` may read under the filters, latest first."""
    reports = reports_for(user).select_related("issued_by").order_by("-updated_at", "-pk")
    if query.kind:
        reports = reports.filter(kind=query.kind)
    if query.framework:
        reports = reports.filter(framework__code=query.framework)
    if query.period:
        reports = reports.filter(period=query.period)
    if query.status:
        reports = reports.filter(status=query.status)
    return reports


def list_choices(user: Any) -> dict[str, list[str]]:
    """The frameworks and periods the user's reports have (the list's filters)."""
    mine = reports_for(user).order_by()
    return {
        "frameworks": sorted(set(mine.values_list("framework__code", flat=True))),
        "periods": sorted(set(mine.values_list("period", flat=True)), reverse=True),
    }


def maker_frameworks(user: Any) -> QuerySet[Framework]:
    """The frameworks a report may be made of: those whose units ``user`` makes reports
    about."""
    return visible_frameworks(user, Capability.MAKE_REPORTS).order_by("code")


def maker_units(user: Any) -> QuerySet[Unit]:
    """The units ``user`` may make a unit report about."""
    return visible_units(user, Capability.MAKE_REPORTS).filter(active=True).order_by("code")


def maker_unit(user: Any, pk: Any) -> Unit | None:
    """The unit ``pk`` if ``user`` may make a report about it, else None."""
    try:
        return maker_units(user).get(pk=int(pk))
    except (TypeError, ValueError, Unit.DoesNotExist):
        return None


def makes_region(user: Any, framework: Framework) -> bool:
    """Whether ``user`` may make a region report of ``framework`` (its region is one
    they make reports over)."""
    return visible_regions(user, Capability.MAKE_REPORTS).filter(pk=framework.region_id).exists()


def leaders_of(unit: Unit) -> QuerySet[InCharge]:
    """The leaders in charge of ``unit`` (a feedback letter to a leader is addressed to
    one of them)."""
    return InCharge.objects.filter(unit=unit).select_related("person").order_by("kind", "pk")
