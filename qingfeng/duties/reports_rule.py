"""When a personal report (报备) is due, and whether one was filed late: one rule, with
the installation's limits (settings ``DUTY_REPORT_*``, see docs/two-responsibilities.md).

- travel (外出) out of the home area for ``DUTY_REPORT_TRAVEL_DAYS`` days or more (first
  and last day counted): reported by the day of leaving;
- a wedding or another celebration (婚嫁, 喜庆): ``DUTY_REPORT_CEREMONY_DAYS_AHEAD`` days
  ahead;
- a funeral (丧事): within ``DUTY_REPORT_FUNERAL_DAYS_AFTER`` days after it.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from qingfeng.duties.models import ReportKind


def travel_needs_report(*, starts: datetime.date, ends: datetime.date | None) -> bool:
    """Whether a trip is long enough to be reported."""
    days = ((ends or starts) - starts).days + 1
    return days >= settings.DUTY_REPORT_TRAVEL_DAYS


def report_deadline(*, kind: str, starts: datetime.date) -> datetime.date:
    """The last day a report of ``kind`` about a matter starting on ``starts`` is on time."""
    if kind == ReportKind.TRAVEL:
        return starts
    if kind == ReportKind.FUNERAL:
        return starts + datetime.timedelta(days=settings.DUTY_REPORT_FUNERAL_DAYS_AFTER)
    return starts - datetime.timedelta(days=settings.DUTY_REPORT_CEREMONY_DAYS_AHEAD)


def report_is_late(
    *, kind: str, starts: datetime.date, ends: datetime.date | None, reported_on: datetime.date
) -> bool:
    """Whether a report filed on ``reported_on`` is late (a trip too short to need a
    report never is)."""
    if kind == ReportKind.TRAVEL and not travel_needs_report(starts=starts, ends=ends):
        return False
    return reported_on > report_deadline(kind=kind, starts=starts)
