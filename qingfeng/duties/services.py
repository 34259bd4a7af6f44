"""Writes of the two-responsibilities platform that every part relies on: building a
subject's duty list from its template, saving a task (which regenerates its dues), and
recording a fulfilment (which moves its due's completion in the same transaction).

Later parts (endorsement, reports, checks, accountability, feedback into scores) have
their own service modules; they call these, never write ``TaskDue`` themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.duties.bulk import new_due, task_from_template
from qingfeng.duties.defaults import CATEGORIES, LADDER, TEMPLATE
from qingfeng.duties.lights import completion_date, due_windows, effective_date
from qingfeng.duties.models import (
    DutyCategory,
    DutyList,
    DutyTask,
    Fulfilment,
    FulfilmentAttachment,
    LadderStep,
    ListStatus,
    Recurrence,
    SubjectKind,
    TaskDue,
    TemplateItem,
)
from qingfeng.lib.history import save_validated, stamp
from qingfeng.records.evidence import evidence_problems, upload_store

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.org.models import DisciplineGroup, Person, Unit


@transaction.atomic
def duty_list_create(
    *,
    kind: str,
    year: int,
    actor: User | None,
    unit: Unit | None = None,
    person: Person | None = None,
    discipline_group: DisciplineGroup | None = None,
    from_template: bool = True,
) -> DutyList:
    """A new draft duty list of a subject for ``year``, with the tasks of the kind's
    template (``from_template``) and their dues. ``ValidationError`` when the subject's
    fields do not fit its kind or the subject already has a list for the year."""
    duty_list = DutyList(
        kind=kind, year=year, unit=unit, person=person, discipline_group=discipline_group
    )
    _check_subject(duty_list)
    save_validated(duty_list, actor)
    if from_template:
        for item in TemplateItem.objects.filter(kind=kind).order_by("order", "pk"):
            task_save(task=task_from_template(item, duty_list), actor=actor)
    return duty_list


def _check_subject(duty_list: DutyList) -> None:
    kind = duty_list.kind
    personal = kind in (SubjectKind.PRINCIPAL, SubjectKind.MEMBER)
    wanted = {
        "unit": kind != SubjectKind.GROUP,
        "person": personal,
        "discipline_group": kind == SubjectKind.GROUP,
    }
    labels = {
        "unit": _("unit"),
        "person": _("person"),
        "discipline_group": _("discipline group"),
    }
    errors = {
        name: _("Choose the subject's %(field)s.") % {"field": labels[name]}
        for name, needed in wanted.items()
        if needed and getattr(duty_list, f"{name}_id") is None
    }
    errors.update(
        {
            name: _("Leave empty for this kind of subject.")
            for name, needed in wanted.items()
            if not needed and getattr(duty_list, f"{name}_id") is not None
        }
    )
    if errors:
        raise ValidationError(errors)
    subject = {
        "unit_id": duty_list.unit_id,
        "person_id": duty_list.person_id,
        "discipline_group_id": duty_list.discipline_group_id,
    }
    duplicate = DutyList.objects.filter(
        kind__in=[SubjectKind.PRINCIPAL, SubjectKind.MEMBER] if personal else [kind],
        year=duty_list.year,
        **subject,
    ).exclude(pk=duty_list.pk)
    if duplicate.exists():
        raise ValidationError(
            _("%(subject)s already has a duty list for %(year)s.")
            % {"subject": duty_list.subject_name, "year": duty_list.year}
        )


@transaction.atomic
def task_save(*, task: DutyTask, actor: User | None) -> DutyTask:
    """Save a task (new or changed) and regenerate its dues from its recurrence and due
    date. A due that keeps its date keeps its fulfilment records; a due that would
    disappear while records answer it is refused (``ValidationError``)."""
    year = task.duty_list.year
    if task.recurrence == Recurrence.ONCE:
        if task.due_date is None:
            raise ValidationError({"due_date": _("A task due once needs a due date.")})
        if task.due_date.year != year:
            raise ValidationError(
                {
                    "due_date": _("The due date must fall in the list's year, %(year)s.")
                    % {"year": year}
                }
            )
    else:
        task.due_date = None
    save_validated(task, actor)
    _dues_sync(task)
    return task


def _dues_sync(task: DutyTask) -> None:
    duty_list = task.duty_list
    windows = dict(
        (due, starts)
        for starts, due in due_windows(
            recurrence=task.recurrence, year=duty_list.year, due_date=task.due_date
        )
    )
    existing = {due.due: due for due in TaskDue.objects.filter(task=task)}
    gone = [due for date, due in existing.items() if date not in windows]
    answered = [due for due in gone if due.fulfilments.exists()]
    if answered:
        raise ValidationError(
            {
                "recurrence": _(
                    "Fulfilment records answer this task's due dates %(dates)s: keep them."
                )
                % {"dates": "、".join(str(due.due) for due in answered)}
            }
        )
    TaskDue.objects.filter(pk__in=[due.pk for due in gone]).delete()
    for date, starts in windows.items():
        due = existing.get(date)
        if due is None:
            due = new_due(task=task, duty_list=duty_list, starts=starts, due=date)
        else:
            due.starts = starts
        due.save()
        due_refresh(due=due)


def due_refresh(*, due: TaskDue) -> TaskDue:
    """Set ``due.completed_on`` from its fulfilment records and its task's required count
    (``lights.completion_date``); saved when it changed."""
    dates = [
        effective_date(done_on=done_on, recorded_on=recorded_on)
        for done_on, recorded_on in due.fulfilments.values_list("done_on", "recorded_on")
    ]
    completed = completion_date(dates, required=due.task.required_count)
    if completed != due.completed_on:
        due.completed_on = completed
        due.save(update_fields=["completed_on"])
    return due


@transaction.atomic
def fulfilment_record(
    *,
    due: TaskDue,
    done_on: datetime.date,
    content: str,
    actor: User | None,
    attachments: Sequence[UploadedFile] = (),
    today: datetime.date | None = None,
) -> Fulfilment:
    """Record what was done (履责纪实) against ``due``, with ``attachments`` (the evidence
    rules: extension, size; all or none), and move the due's completion. Refused:
    empty content, a date in the future or before the due's window."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not content.strip():
        errors["content"] = [_("Say what was done.")]
    if done_on > today:
        errors["done_on"] = [_("The date cannot be in the future.")]
    elif done_on < due.starts:
        errors["done_on"] = [
            _(
                "This task's window starts on %(date)s; record earlier work against "
                "its earlier due date."
            )
            % {"date": due.starts}
        ]
    problems = [message for upload in attachments for message in evidence_problems(upload)]
    if problems:
        errors["attachments"] = problems
    if errors:
        raise ValidationError(errors)
    fulfilment = Fulfilment(
        due=due,
        duty_list_id=due.duty_list_id,
        done_on=done_on,
        content=content.strip(),
        recorded_on=today,
        recorded_by=actor,
    )
    save_validated(fulfilment, actor)
    for upload in attachments:
        upload_store(FulfilmentAttachment(fulfilment=fulfilment), upload=upload, actor=actor)
    due_refresh(due=due)
    return fulfilment


@transaction.atomic
def fulfilment_delete(*, fulfilment: Fulfilment, actor: User | None) -> None:
    """Delete a fulfilment record (kept in the history) and move its due's completion."""
    due = fulfilment.due
    stamp(fulfilment, actor)
    fulfilment.delete()
    due_refresh(due=due)


@transaction.atomic
def defaults_restore(
    *, actor: User | None, kinds: Iterable[str] = (), ladder: bool = False
) -> None:
    """Put back the shipped categories (added when missing, never removed), the template of
    each of ``kinds`` (replacing its items) and, with ``ladder``, the shipped ladder steps
    (added when missing, reactivated)."""
    categories = {}
    for order, (code, name) in enumerate(CATEGORIES):
        category = DutyCategory.objects.filter(code=code).first()
        if category is None:
            category = DutyCategory(code=code, name=name, order=order)
            save_validated(category, actor)
        categories[code] = category
    for kind in kinds:
        for item in TemplateItem.objects.filter(kind=kind):
            stamp(item, actor)
            item.delete()
        for order, (category_code, title, measures, recurrence, due, required, dept) in enumerate(
            TEMPLATE[kind]
        ):
            item = TemplateItem(
                kind=kind,
                category=categories[category_code],
                title=title,
                measures=measures,
                recurrence=recurrence,
                due_month=due[0] if due else None,
                due_day=due[1] if due else None,
                required_count=required,
                department=dept,
                order=order,
            )
            save_validated(item, actor)
    if ladder:
        for order, (code, name) in enumerate(LADDER):
            step = LadderStep.objects.filter(code=code).first() or LadderStep(
                code=code, order=order
            )
            step.name, step.active = step.name or name, True
            save_validated(step, actor)


def list_is_locked(duty_list: DutyList) -> bool:
    """Whether the holder may no longer change the tasks (confirmed or endorsed)."""
    return duty_list.status != ListStatus.DRAFT
