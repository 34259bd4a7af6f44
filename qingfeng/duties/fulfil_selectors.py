"""Reads of the fulfil part of the two-responsibilities platform: who may write a list's
fulfilment records (``may_fulfil``, the one write rule), a leader's lists and dues for
"my duties", and the fulfilment records, attachments and personal reports a viewer may
see (always through ``accounts.selectors.duty_visibility_q``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from qingfeng.accounts.roles import Capability, ScopeKind
from qingfeng.accounts.selectors import (
    duty_visibility_q,
    granting,
    has_capability,
    own_people,
)
from qingfeng.duties.lights import Light, effective_date, light, light_case
from qingfeng.duties.models import (
    PERSONAL_KINDS,
    DutyList,
    DutyTask,
    Fulfilment,
    FulfilmentAttachment,
    PersonalReport,
    SubjectKind,
    TaskDue,
)
from qingfeng.org.models import Post, PostRole, Unit, subtree_q

if TYPE_CHECKING:
    from qingfeng.accounts.selectors import AnyUser

# A recorder may delete their own record for this many days after recording it (a slip
# is corrected within the week; after that the record stands, and only its history would
# show a later change).
DELETE_DAYS = 7

# The order "my duties" shows dues in: what needs doing first.
_LIGHT_ORDER = {value: index for index, value in enumerate(Light.values)}


def fulfil_q(user: AnyUser, *, prefix: str = "") -> Q:
    """The duty lists (or rows reaching a list through ``prefix``) whose fulfilment
    records ``user`` may write, over the assignments granting ``FULFIL_DUTIES``:

    - a principal's or member's list: its holder (``own_people``);
    - a team list: the unit's current principal, or the unit's liaison (a unit scope over
      the unit);
    - a discipline group's list: a member of that group (a discipline-group scope).

    Nobody else: the commission's administrators see every list but do not do a leader's
    work, so a region or global scope writes nothing.
    """

    def f(name: str) -> str:
        return f"{prefix}{name}"

    conditions: list[Q] = []
    people = own_people(user, Capability.FULFIL_DUTIES)
    if people:
        conditions.append(Q(**{f("kind__in"): PERSONAL_KINDS, f("person__in"): people}))
        led = Post.objects.filter(
            person_id__in=people, role=PostRole.PRINCIPAL, end__isnull=True
        ).values("unit_id")
        conditions.append(Q(**{f("kind"): SubjectKind.TEAM, f("unit__in"): led}))
    for assignment in granting(user, Capability.FULFIL_DUTIES):
        if assignment.scope_kind == ScopeKind.UNIT and assignment.unit:
            conditions.append(
                Q(**{f("kind"): SubjectKind.TEAM}) & subtree_q(assignment.unit, prefix=f("unit__"))
            )
        elif assignment.scope_kind == ScopeKind.DISCIPLINE_GROUP and assignment.discipline_group_id:
            conditions.append(
                Q(
                    **{
                        f("kind"): SubjectKind.GROUP,
                        f("discipline_group"): assignment.discipline_group_id,
                    }
                )
            )
    if not conditions:
        return Q(**{f("pk__in"): []})
    return reduce(or_, conditions)


def may_fulfil(user: AnyUser, duty_list: DutyList) -> bool:
    """Whether ``user`` may record (and delete their own) fulfilment of ``duty_list``."""
    return DutyList.objects.filter(fulfil_q(user), pk=duty_list.pk).exists()


def fulfillable_lists(user: AnyUser, *, year: int) -> list[DutyList]:
    """The lists of ``year`` the user fulfils: their own (principal's or member's) first,
    then the team and group lists they keep."""
    lists = (
        DutyList.objects.filter(fulfil_q(user), year=year)
        .select_related("unit", "person", "discipline_group")
        .order_by("unit__code", "pk")
    )
    return sorted(lists, key=lambda d: (d.kind not in PERSONAL_KINDS, d.kind == SubjectKind.GROUP))


@dataclass
class DueRow:
    """A due as "my duties" shows it: the light on ``today`` and the records so far."""

    due: TaskDue
    light: str
    records: int

    @property
    def task(self) -> DutyTask:
        return self.due.task


@dataclass
class ListDues:
    """A list's open dues (red, yellow, then the current windows) and its light counts."""

    duty_list: DutyList
    rows: list[DueRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def due_rows(dues: QuerySet[TaskDue], *, today: datetime.date) -> list[DueRow]:
    """The dues with their light and number of records, red first, then by due date."""
    annotated = dues.select_related("task__category").annotate(records=Count("fulfilments"))
    rows = [
        DueRow(
            due=due,
            light=light(due=due.due, completed_on=due.completed_on, today=today),
            records=due.records,
        )
        for due in annotated
    ]
    return sorted(rows, key=lambda r: (_LIGHT_ORDER[r.light], r.due.due, r.due.task.order))


def light_counts(list_ids: Iterable[int], *, today: datetime.date) -> dict[int, dict[str, int]]:
    """For each list, its dues' count per light on ``today`` (one query, counted in the
    database by ``lights.light_case``)."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        TaskDue.objects.filter(duty_list_id__in=list(list_ids))
        .annotate(light=light_case(today=today))
        .values("duty_list_id", "light")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["duty_list_id"], {})[row["light"]] = row["n"]
    return counts


def my_dues(lists: list[DutyList], *, today: datetime.date) -> list[ListDues]:
    """For each list, what its holder should act on: the open dues that are overdue or
    whose window has begun (red, yellow, then the rest by date), and the count of every
    due of the year per light."""
    counted = light_counts([duty_list.pk for duty_list in lists], today=today)
    result = []
    for duty_list in lists:
        dues = TaskDue.objects.filter(duty_list=duty_list)
        rows = due_rows(dues.filter(completed_on__isnull=True, starts__lte=today), today=today)
        counts = {value: counted.get(duty_list.pk, {}).get(value, 0) for value in Light.values}
        result.append(ListDues(duty_list=duty_list, rows=rows, counts=counts))
    return result


def light_totals(user: AnyUser, *, today: datetime.date) -> dict[str, int]:
    """For the home panel: how many lists of this year the user fulfils (``lists``), and
    their red and yellow dues."""
    totals = {
        "lists": DutyList.objects.filter(fulfil_q(user), year=today.year).count(),
        Light.RED.value: 0,
        Light.YELLOW.value: 0,
    }
    if not totals["lists"]:
        return totals
    rows = (
        TaskDue.objects.filter(fulfil_q(user, prefix="duty_list__"), year=today.year)
        .annotate(light=light_case(today=today))
        .filter(light__in=[Light.RED, Light.YELLOW])
        .values("light")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals.update({row["light"]: row["n"] for row in rows})
    return totals


def earliest_open_due(task: DutyTask, *, today: datetime.date) -> TaskDue | None:
    """The due a new record of ``task`` answers by default: the earliest one not yet
    complete whose window has begun; else the latest begun one."""
    begun = task.dues.filter(starts__lte=today)
    return (
        begun.filter(completed_on__isnull=True).order_by("due").first()
        or begun.order_by("-due").first()
    )


def visible_fulfilments(user: AnyUser) -> QuerySet[Fulfilment]:
    """Every fulfilment record the user may see, newest first, with what a list shows."""
    return (
        Fulfilment.objects.filter(duty_visibility_q(user, prefix="duty_list__"))
        .select_related(
            "due__task__category",
            "duty_list__unit",
            "duty_list__person",
            "duty_list__discipline_group",
            "recorded_by",
        )
        .prefetch_related("attachments")
        .order_by("-done_on", "-pk")
    )


def visible_attachments(user: AnyUser) -> QuerySet[FulfilmentAttachment]:
    """The attachments of the fulfilment records the user may see."""
    return FulfilmentAttachment.objects.filter(
        duty_visibility_q(user, prefix="fulfilment__duty_list__")
    )


def is_late(fulfilment: Fulfilment) -> bool:
    """Whether the record counts after its due date (done or recorded late)."""
    counted = effective_date(done_on=fulfilment.done_on, recorded_on=fulfilment.recorded_on)
    return counted > fulfilment.due.due


def may_delete(user: AnyUser, fulfilment: Fulfilment, *, today: datetime.date) -> bool:
    """The recorder may delete their own record within ``DELETE_DAYS`` days of recording
    it, while they still fulfil its list."""
    return (
        user.is_authenticated
        and fulfilment.recorded_by_id == user.pk
        and (today - fulfilment.recorded_on).days <= DELETE_DAYS
        and may_fulfil(user, fulfilment.duty_list)
    )


def filter_fulfilments(
    records: QuerySet[Fulfilment],
    *,
    unit: int | None = None,
    kind: str = "",
    category: int | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    keyword: str = "",
) -> QuerySet[Fulfilment]:
    """Narrow records by the subject's unit, the subject kind, the task's category, the
    day done (inclusive range) and a keyword in what was done."""
    if unit:
        records = records.filter(duty_list__unit_id=unit)
    if kind:
        records = records.filter(duty_list__kind=kind)
    if category:
        records = records.filter(due__task__category_id=category)
    if since:
        records = records.filter(done_on__gte=since)
    if until:
        records = records.filter(done_on__lte=until)
    if keyword:
        records = records.filter(content__icontains=keyword)
    return records


def can_view(user: AnyUser) -> bool:
    """Whether the user may open the fulfilment and report lists at all."""
    return has_capability(user, Capability.VIEW_DUTIES)


def viewer_units(user: AnyUser) -> QuerySet[Unit]:
    """The units offered as a filter: those of the subjects the user sees."""
    lists = DutyList.objects.filter(duty_visibility_q(user)).values("unit_id")
    return Unit.objects.filter(pk__in=lists).order_by("code")


# ---------------------------------------------------------------------------------------
# Personal reports (报备)


def report_posts(user: AnyUser) -> QuerySet[Post]:
    """The current posts a report may be filed under: those of the people the user is."""
    return (
        Post.objects.filter(
            person_id__in=own_people(user, Capability.FULFIL_DUTIES), end__isnull=True
        )
        .select_related("person", "unit")
        .order_by("-role", "unit__code", "pk")
    )


def own_reports(user: AnyUser) -> QuerySet[PersonalReport]:
    """The reports of the people the user is, newest first."""
    return (
        PersonalReport.objects.filter(person_id__in=own_people(user, Capability.FULFIL_DUTIES))
        .select_related("person", "unit", "created_by")
        .order_by("-starts", "-pk")
    )


def visible_reports(user: AnyUser) -> QuerySet[PersonalReport]:
    """Every report the user may see (the rule of fulfilment records), newest first."""
    return (
        PersonalReport.objects.filter(duty_visibility_q(user, personal=True))
        .select_related("person", "unit", "created_by")
        .order_by("-starts", "-pk")
    )


def filter_reports(
    reports: QuerySet[PersonalReport],
    *,
    kind: str = "",
    late: str = "",
    unit: int | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[PersonalReport]:
    """Narrow reports by kind, lateness ("1" late, "0" on time), unit and the day the
    matter starts (inclusive range)."""
    filters: dict[str, Any] = {}
    if kind:
        filters["kind"] = kind
    if late in ("0", "1"):
        filters["late"] = late == "1"
    if unit:
        filters["unit_id"] = unit
    if since:
        filters["starts__gte"] = since
    if until:
        filters["starts__lte"] = until
    return reports.filter(**filters)


def report_units(user: AnyUser) -> QuerySet[Unit]:
    """The units offered as a filter of the reports list: those of the visible reports."""
    reports = PersonalReport.objects.filter(duty_visibility_q(user, personal=True))
    return Unit.objects.filter(pk__in=reports.values("unit_id")).order_by("code")
