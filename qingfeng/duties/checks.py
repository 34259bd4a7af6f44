"""Quarterly checks of duty lists (每季度定期检查) and the accountability steps that follow a
red light or a failed check (提醒谈话 … 组织调整), with their statistics.

Who may record them is ``lists_selectors.may_check`` (a discipline group covering the
unit, or a commission administrator with ``CHECK_DUTIES`` over the region). A step's
document is checked and stored like every evidence file (``records.evidence``).
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.duties import lists_selectors as rules
from qingfeng.duties.lights import Light, light
from qingfeng.duties.models import (
    AccountabilityStep,
    CheckResult,
    DutyList,
    LadderStep,
    QuarterlyCheck,
    TaskDue,
)
from qingfeng.lib.history import save_validated
from qingfeng.records.evidence import evidence_problems

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


def _refuse_unless_checker(duty_list: DutyList, actor: User) -> None:
    if not rules.may_check(actor, duty_list):
        raise ValidationError(
            _("Only a discipline group covering the unit or the commission can do this.")
        )


@transaction.atomic
def check_record(
    *,
    duty_list: DutyList,
    quarter: int,
    result: str,
    findings: str,
    checked_on: datetime.date,
    actor: User,
    today: datetime.date | None = None,
) -> QuarterlyCheck:
    """Record the quarterly check of a list (one per list and quarter). Refused: a
    second check of the quarter, a date in the future or outside the list's year, a
    failed check without findings."""
    _refuse_unless_checker(duty_list, actor)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if QuarterlyCheck.objects.filter(duty_list=duty_list, quarter=quarter).exists():
        errors["quarter"] = _("This quarter of the list has been checked already.")
    if checked_on > today:
        errors["checked_on"] = _("The date cannot be in the future.")
    elif checked_on.year < duty_list.year:
        errors["checked_on"] = _("The check cannot come before the list's year.")
    if result == CheckResult.FAILED and not findings.strip():
        errors["findings"] = _("Say what the check found.")
    if errors:
        raise ValidationError(errors)
    check = QuarterlyCheck(
        duty_list=duty_list,
        quarter=quarter,
        result=result,
        findings=findings.strip(),
        checked_on=checked_on,
        checked_by=actor,
    )
    save_validated(check, actor)
    return check


def red_dues(duty_list: DutyList, *, today: datetime.date) -> list[TaskDue]:
    """The list's dues whose light is red today (an accountability step may follow)."""
    dues = TaskDue.objects.filter(duty_list=duty_list, due__lt=today).select_related("task")
    return [
        due
        for due in dues.order_by("due", "task__order")
        if light(due=due.due, completed_on=due.completed_on, today=today) == Light.RED
    ]


def failed_checks(duty_list: DutyList) -> QuerySet[QuarterlyCheck]:
    """The list's failed quarterly checks (an accountability step may follow)."""
    return duty_list.checks.filter(result=CheckResult.FAILED)


@transaction.atomic
def step_record(
    *,
    duty_list: DutyList,
    step: LadderStep,
    reason: str,
    decided_on: datetime.date,
    actor: User,
    red_due: TaskDue | None = None,
    failed_check: QuarterlyCheck | None = None,
    document: UploadedFile | None = None,
    today: datetime.date | None = None,
) -> AccountabilityStep:
    """Record an accountability step of the ladder on a list's holder, following exactly
    one of a red light of the list (``red_due``, red today) or a failed check of the
    list, with an optional document (the evidence rules). Refused otherwise."""
    _refuse_unless_checker(duty_list, actor)
    today = today or timezone.localdate()
    errors: dict[str, Any] = {}
    if (red_due is None) == (failed_check is None):
        errors["red_due"] = _("Choose the red light or the failed check this step follows.")
    if red_due is not None and (
        red_due.duty_list_id != duty_list.pk
        or light(due=red_due.due, completed_on=red_due.completed_on, today=today) != Light.RED
    ):
        errors["red_due"] = _("Choose a red light of this list.")
    if failed_check is not None and (
        failed_check.duty_list_id != duty_list.pk or failed_check.result != CheckResult.FAILED
    ):
        errors["failed_check"] = _("Choose a failed check of this list.")
    if not step.active:
        errors["step"] = _("This step is no longer in use.")
    if not reason.strip():
        errors["reason"] = _("Say why.")
    if decided_on > today:
        errors["decided_on"] = _("The date cannot be in the future.")
    if document is not None:
        problems = evidence_problems(document)
        if problems:
            errors["document"] = problems
    if errors:
        raise ValidationError(errors)
    record = AccountabilityStep(
        duty_list=duty_list,
        step=step,
        red_due=red_due,
        failed_check=failed_check,
        reason=reason.strip(),
        decided_on=decided_on,
        decided_by=actor,
    )
    if document is not None:
        name = os.path.basename(document.name or "document")
        record.document_name = name
        record.document.save(name, document, save=False)
    save_validated(record, actor)
    return record


@dataclass
class Statistics:
    """Accountability steps and failed checks counted over the lists a user sees: per
    ladder step × year (``by_step``: step name → year → count), per subject unit or
    group (``by_unit``: name → count), per year (``by_year``), failed checks per year."""

    years: list[int] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    by_step: dict[str, dict[int, int]] = field(default_factory=dict)
    by_unit: list[tuple[str, int]] = field(default_factory=list)
    by_year: dict[int, int] = field(default_factory=dict)
    failed_by_year: dict[int, int] = field(default_factory=dict)
    checks_by_year: dict[int, int] = field(default_factory=dict)


def statistics(user: Any, *, year: int | None = None) -> Statistics:
    """The statistics page's counts over the lists ``user`` sees (every year, or the
    decisions and checks of the lists of ``year``), counted in the database."""
    steps = rules.visible_steps(user)
    checks = rules.visible_checks(user)
    if year is not None:
        steps = steps.filter(duty_list__year=year)
        checks = checks.filter(duty_list__year=year)
    stats = Statistics()
    ladder = list(LadderStep.objects.order_by("order", "code"))
    per_step = steps.values("step_id", "duty_list__year").annotate(n=Count("pk")).order_by()
    names = {step.pk: step.name for step in ladder}
    years: set[int] = set()
    for row in per_step:
        name = names[row["step_id"]]
        list_year = row["duty_list__year"]
        years.add(list_year)
        stats.by_step.setdefault(name, {})[list_year] = row["n"]
        stats.by_year[list_year] = stats.by_year.get(list_year, 0) + row["n"]
    stats.steps = [step.name for step in ladder if step.active or step.name in stats.by_step]
    per_unit = (
        steps.values("duty_list__unit__name", "duty_list__discipline_group__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "duty_list__unit__name", "duty_list__discipline_group__name")
    )
    stats.by_unit = [
        (row["duty_list__unit__name"] or row["duty_list__discipline_group__name"], row["n"])
        for row in per_unit
    ]
    for row in checks.values("duty_list__year", "result").annotate(n=Count("pk")).order_by():
        list_year = row["duty_list__year"]
        years.add(list_year)
        stats.checks_by_year[list_year] = stats.checks_by_year.get(list_year, 0) + row["n"]
        if row["result"] == CheckResult.FAILED:
            stats.failed_by_year[list_year] = row["n"]
    stats.years = sorted(years)
    return stats
