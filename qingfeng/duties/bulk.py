"""Duty lists for a whole region at once: every unit's team, every current post holder
(principal or member by the post's role) and every discipline group of the region's
subtree that has no list for the year gets one from its kind's template, in one
transaction of bulk inserts (a province is tens of thousands of lists).

The rows are what ``services.duty_list_create`` writes one by one (the same template, the
same dues from ``lights.due_windows``), with their history naming the actor.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from qingfeng.duties.lights import due_windows
from qingfeng.duties.models import (
    DutyList,
    DutyTask,
    Recurrence,
    SubjectKind,
    TaskDue,
    TemplateItem,
)
from qingfeng.org.models import DisciplineGroup, Post, PostRole, Unit

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.org.models import Region

_BATCH = 2000


@dataclass
class BulkCounts:
    """What ``duty_lists_for_region`` created."""

    lists: int = 0
    tasks: int = 0
    dues: int = 0


def template_due_date(*, month: int | None, day: int | None, year: int) -> datetime.date:
    """A template item's due date in ``year`` (a day past the month's end becomes its last
    day: 31 February is 28 or 29 February)."""
    month, day = month or 12, day or 31
    while True:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            day -= 1


def task_from_template(item: TemplateItem, duty_list: DutyList) -> DutyTask:
    """An unsaved task of ``duty_list`` made of a template item (a task due once falls on
    the item's month and day of the list's year)."""
    return DutyTask(
        duty_list=duty_list,
        category_id=item.category_id,
        title=item.title,
        measures=item.measures,
        recurrence=item.recurrence,
        required_count=item.required_count,
        department=item.department,
        order=item.order,
        due_date=(
            template_due_date(month=item.due_month, day=item.due_day, year=duty_list.year)
            if item.recurrence == Recurrence.ONCE
            else None
        ),
    )


def new_due(
    *, task: DutyTask, duty_list: DutyList, starts: datetime.date, due: datetime.date
) -> TaskDue:
    """An unsaved due of ``task`` (a task of ``duty_list``) with the list's subject fields
    and year copied onto it, as every board and the visibility rule read them."""
    return TaskDue(
        task=task,
        duty_list=duty_list,
        kind=duty_list.kind,
        unit_id=duty_list.unit_id,
        person_id=duty_list.person_id,
        discipline_group_id=duty_list.discipline_group_id,
        year=duty_list.year,
        starts=starts,
        due=due,
    )


@transaction.atomic
def duty_lists_for_region(*, region: Region, year: int, actor: User | None) -> BulkCounts:
    """Create the missing duty lists of ``year`` for every subject of ``region``'s subtree
    (drafts, from the templates). Running it twice creates nothing the second time."""
    units = Unit.objects.within(region).filter(active=True)
    subjects: list[DutyList] = []
    have_team = set(
        DutyList.objects.filter(year=year, kind=SubjectKind.TEAM, unit__in=units).values_list(
            "unit_id", flat=True
        )
    )
    subjects += [
        DutyList(kind=SubjectKind.TEAM, year=year, unit_id=pk)
        for pk in units.values_list("pk", flat=True)
        if pk not in have_team
    ]
    have_person = set(
        DutyList.objects.filter(
            year=year, kind__in=[SubjectKind.PRINCIPAL, SubjectKind.MEMBER], unit__in=units
        ).values_list("unit_id", "person_id")
    )
    posts = Post.objects.filter(unit__in=units, end__isnull=True).values_list(
        "unit_id", "person_id", "role"
    )
    seen = set(have_person)
    for unit_id, person_id, role in posts.order_by("unit_id", "-role", "pk"):
        if (unit_id, person_id) in seen:
            continue
        seen.add((unit_id, person_id))
        kind = SubjectKind.PRINCIPAL if role == PostRole.PRINCIPAL else SubjectKind.MEMBER
        subjects.append(DutyList(kind=kind, year=year, unit_id=unit_id, person_id=person_id))
    groups = DisciplineGroup.objects.within(region)
    have_group = set(
        DutyList.objects.filter(
            year=year, kind=SubjectKind.GROUP, discipline_group__in=groups
        ).values_list("discipline_group_id", flat=True)
    )
    subjects += [
        DutyList(kind=SubjectKind.GROUP, year=year, discipline_group_id=pk)
        for pk in groups.values_list("pk", flat=True)
        if pk not in have_group
    ]
    counts = BulkCounts()
    if not subjects:
        return counts
    created = bulk_create_with_history(subjects, DutyList, batch_size=_BATCH, default_user=actor)
    counts.lists = len(created)
    if not all(item.pk for item in created):  # backends without RETURNING
        created = list(DutyList.objects.filter(year=year, tasks__isnull=True).order_by("pk"))
    templates: dict[str, list[TemplateItem]] = {}
    for item in TemplateItem.objects.order_by("kind", "order", "pk"):
        templates.setdefault(item.kind, []).append(item)
    tasks: list[DutyTask] = []
    for duty_list in created:
        tasks += [task_from_template(item, duty_list) for item in templates.get(duty_list.kind, [])]
    tasks = bulk_create_with_history(tasks, DutyTask, batch_size=_BATCH, default_user=actor)
    counts.tasks = len(tasks)
    dues = []
    for task in tasks:
        duty_list = task.duty_list
        for starts, due in due_windows(
            recurrence=task.recurrence, year=year, due_date=task.due_date
        ):
            dues.append(new_due(task=task, duty_list=duty_list, starts=starts, due=due))
    TaskDue.objects.bulk_create(dues, batch_size=_BATCH)
    counts.dues = len(dues)
    return counts
