"""Collection periods: which dates a framework accepts records for.

A date is open for entry when at least one open collection period of the framework
contains it and no closed one does (closing 2026Q3 stops entry for its dates even while
the year 2026 is open). The command-line import is an administrator's tool and does not
check periods; the entry pages, the Excel upload and the API do.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.lib.history import save_validated
from qingfeng.lib.periods import Period
from qingfeng.records.models import CollectionPeriod, PeriodStatus


class OpenDates:
    """The framework's collection periods, loaded once, answering "is this date open?"."""

    def __init__(self, framework: Framework) -> None:
        self.periods = [
            (Period.parse(p.period), p.status)
            for p in CollectionPeriod.objects.filter(framework=framework)
        ]

    def is_open(self, day: datetime.date) -> bool:
        statuses = {status for period, status in self.periods if period.contains(day)}
        return PeriodStatus.OPEN in statuses and PeriodStatus.CLOSED not in statuses

    def open_periods(self) -> list[Period]:
        return sorted(p for p, status in self.periods if status == PeriodStatus.OPEN)


def _parse(period: str) -> str:
    try:
        return str(Period.parse(period))
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from error


@transaction.atomic
def period_open(*, framework: Framework, period: str, actor: Any) -> CollectionPeriod:
    """Open a period for collection (creating it the first time). Reopening a closed
    period is ``period_reopen``, which needs a reason."""
    text = _parse(period)
    existing = CollectionPeriod.objects.filter(framework=framework, period=text).first()
    if existing is not None:
        if existing.status == PeriodStatus.CLOSED:
            raise ValidationError(
                {
                    "reason": _("%(period)s was closed: reopening it needs a reason.")
                    % {"period": text}
                }
            )
        return existing
    collection = CollectionPeriod(framework=framework, period=text, status=PeriodStatus.OPEN)
    save_validated(collection, actor)
    return collection


@transaction.atomic
def period_close(*, collection: CollectionPeriod, actor: Any) -> CollectionPeriod:
    """Close a period: no more records for its dates until it is reopened."""
    collection.status = PeriodStatus.CLOSED
    collection.reason = ""
    save_validated(collection, actor)
    return collection


@transaction.atomic
def period_reopen(*, collection: CollectionPeriod, reason: str, actor: Any) -> CollectionPeriod:
    """Reopen a closed period; the reason is kept in the period's history."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the period is reopened.")})
    collection.status = PeriodStatus.OPEN
    collection.reason = reason.strip()
    save_validated(collection, actor)
    return collection
