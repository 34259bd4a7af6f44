"""Writes of personal reports (报备): a leader files a report of travel or of a wedding,
funeral or celebration; whether it is late is decided on filing by the one rule,
``duties.reports_rule``, and kept."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.duties.models import PersonalReport, ReportKind
from qingfeng.duties.reports_rule import report_is_late
from qingfeng.lib.history import save_validated
from qingfeng.org.models import Post

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.org.models import Person, Unit


@transaction.atomic
def report_file(
    *,
    person: Person,
    unit: Unit,
    kind: str,
    starts: datetime.date,
    ends: datetime.date | None,
    destination: str,
    description: str,
    actor: User | None,
    today: datetime.date | None = None,
) -> PersonalReport:
    """File ``person``'s report under their current post in ``unit``: reported today,
    flagged late by ``reports_rule.report_is_late``; the history names ``actor``.
    ``ValidationError`` (by field) when the person holds no current post in the unit, the
    end is before the start, or a trip names no destination."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not Post.objects.filter(person=person, unit=unit, end__isnull=True).exists():
        errors["unit"] = [_("You hold no current post in this unit.")]
    if ends is not None and ends < starts:
        errors["ends"] = [_("The end cannot be before the start.")]
    if kind == ReportKind.TRAVEL:
        if not destination.strip():
            errors["destination"] = [_("Say where you are going.")]
        if ends is None:
            errors["ends"] = [_("Say when you come back.")]
    if errors:
        raise ValidationError(errors)
    report = PersonalReport(
        person=person,
        unit=unit,
        kind=kind,
        starts=starts,
        ends=ends,
        destination=destination.strip(),
        description=description.strip(),
        reported_on=today,
        late=report_is_late(kind=kind, starts=starts, ends=ends, reported_on=today),
        created_by=actor,
    )
    save_validated(report, actor)
    return report
