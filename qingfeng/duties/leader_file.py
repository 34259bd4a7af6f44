"""The leader's file (干部履责档案): reads of one person's duty records for a viewer.

Two parts, both scoped by the one visibility rule (``accounts.selectors.duty_visibility_q``)
and, for the organisation's rows, by ``accounts.selectors.visible_units``:

- the **fulfilment portrait** (履责画像): per duty category (in ``DutyCategory`` order) the
  person's dues and their lights (``duties.lights.light_case``, counted in the database),
  the share done on time, and the trend over the years (dues, on time, late, missing);
- the **integrity file** (廉政档案): one timeline, newest first, of the person's posts,
  duty lists (created, confirmed, endorsed), fulfilment records, personal reports (late
  ones flagged), accountability steps, and the warnings and ledger problems of the units
  the person led as principal while in post.

Who may open a file (``file_person``): the person must have a duty list or a report the
viewer sees, or be the viewer's own person (``own_people``). A fellow team member sees
the team's list but none of the principal's: the principal's file is a 404 for them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.duties.lights import Light, light_case
from qingfeng.duties.models import (
    AccountabilityStep,
    DutyCategory,
    DutyList,
    Fulfilment,
    PersonalReport,
    TaskDue,
)
from qingfeng.lib.bands import band_label
from qingfeng.lib.errors import OutOfScope
from qingfeng.lib.periods import Period, period_label
from qingfeng.monitoring.models import Warning
from qingfeng.org.models import Person, Post, PostRole
from qingfeng.rectification.models import Problem, ProblemState


def may_open_file(*, user: Any, person_id: int) -> bool:
    """True when the user may open this person's file (module docstring)."""
    if not scope.has_capability(user, Capability.VIEW_DUTIES):
        return False
    if person_id in scope.own_people(user, Capability.VIEW_DUTIES):
        return True
    lists = DutyList.objects.filter(scope.duty_visibility_q(user), person_id=person_id)
    reports = PersonalReport.objects.filter(
        scope.duty_visibility_q(user, personal=True), person_id=person_id
    )
    return lists.exists() or reports.exists()


def file_person(*, user: Any, pk: int) -> Person:
    """The person whose file the user opens; ``OutOfScope`` (a 404) when the user may not
    (or when there is no such person: the two read alike)."""
    if not may_open_file(user=user, person_id=pk):
        raise OutOfScope
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise OutOfScope
    return person


def own_file_person(user: Any) -> int | None:
    """The person of the user's own file (the lowest of the user's own people), if any."""
    people = scope.own_people(user, Capability.VIEW_DUTIES)
    return min(people) if people else None


# ---- the fulfilment portrait -----------------------------------------------------------


@dataclass
class LightCounts:
    """Dues and their lights, for one category or in all."""

    label: str
    code: str = ""
    lights: dict[str, int] = field(default_factory=lambda: {light.value: 0 for light in Light})

    @property
    def dues(self) -> int:
        return sum(self.lights.values())

    @property
    def in_order(self) -> list[tuple[str, int]]:
        """(light, count) in the boards' order (red first)."""
        return [(light.value, self.lights[light.value]) for light in Light]

    @property
    def settled(self) -> int:
        """Dues whose outcome is known: done (on time or late) or overdue."""
        return self.lights["green"] + self.lights["orange"] + self.lights["red"]

    @property
    def on_time_share(self) -> float | None:
        """Green ÷ (green + orange + red): of the dues done or overdue, the share done by
        the due date; None while none is (grey and yellow dues are not decided yet)."""
        return self.lights["green"] / self.settled if self.settled else None

    @property
    def on_time_percent(self) -> str:
        share = self.on_time_share
        return "—" if share is None else f"{share * 100:.0f}%"


@dataclass
class YearRow:
    """One year of the trend: dues, done on time (green), done late (orange), missing
    (red: overdue and not done)."""

    year: int
    dues: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0


@dataclass
class Portrait:
    """The fulfilment portrait (履责画像) of a person as the viewer sees it."""

    categories: list[LightCounts]
    total: LightCounts
    years: list[YearRow]
    today: datetime.date


def person_dues(*, user: Any, person: Person) -> Any:
    """The dues of the person's lists the user sees."""
    return TaskDue.objects.filter(scope.duty_visibility_q(user), person=person)


def portrait(*, user: Any, person: Person, today: datetime.date | None = None) -> Portrait:
    """The portrait: per category the dues by light (one query), and per year the dues
    on time, late and missing (one query)."""
    today = today or timezone.localdate()
    dues = person_dues(user=user, person=person)
    by_category: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        dues.annotate(light=light_case(today=today))
        .values("task__category_id", "light")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        by_category[row["task__category_id"]][row["light"]] = row["n"]
    categories = []
    total = LightCounts(_("All categories"), "all")
    for category in DutyCategory.objects.filter(Q(active=True) | Q(pk__in=list(by_category))):
        counts = LightCounts(category.name, category.code)
        for light, n in by_category.get(category.pk, {}).items():
            counts.lights[light] += n
            total.lights[light] += n
        categories.append(counts)
    years: dict[int, YearRow] = {}
    year_rows = (
        dues.annotate(light=light_case(today=today))
        .values("year", "light")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in year_rows:
        year = years.setdefault(row["year"], YearRow(row["year"]))
        year.dues += row["n"]
        if row["light"] == Light.GREEN:
            year.on_time += row["n"]
        elif row["light"] == Light.ORANGE:
            year.late += row["n"]
        elif row["light"] == Light.RED:
            year.missing += row["n"]
    return Portrait(categories, total, [years[y] for y in sorted(years)], today)


def portrait_chart(portrait: Portrait) -> dict[str, Any]:
    """The portrait's figures for the page's charts (``static/js/charts-duties-file.js``):
    the lights per category, and the trend per year."""
    return {
        "lights": [{"key": light.value, "label": str(light.label)} for light in Light],
        "categories": [
            {"code": c.code, "name": c.label, "counts": [c.lights[light.value] for light in Light]}
            for c in portrait.categories
        ],
        "years": [
            {
                "year": y.year,
                "dues": y.dues,
                "on_time": y.on_time,
                "late": y.late,
                "missing": y.missing,
            }
            for y in portrait.years
        ],
        "labels": {
            "on_time": _("done on time"),
            "late": _("done late"),
            "missing": _("missing"),
        },
    }


# ---- the integrity file ------------------------------------------------------------------


class EventKind:
    """The kinds of events of the timeline (codes shown as badges and in the exports)."""

    POST_START = "post_start"
    POST_END = "post_end"
    LIST_CREATED = "list_created"
    LIST_CONFIRMED = "list_confirmed"
    LIST_ENDORSED = "list_endorsed"
    FULFILMENT = "fulfilment"
    REPORT = "report"
    ACCOUNTABILITY = "accountability"
    WARNING = "warning"
    PROBLEM = "problem"


def event_kind_label(kind: str) -> str:
    """A timeline event's kind in words."""
    return {
        EventKind.POST_START: _("took up a post"),
        EventKind.POST_END: _("left a post"),
        EventKind.LIST_CREATED: _("duty list drawn up"),
        EventKind.LIST_CONFIRMED: _("duty list confirmed"),
        EventKind.LIST_ENDORSED: _("duty list endorsed"),
        EventKind.FULFILMENT: _("fulfilment record"),
        EventKind.REPORT: _("personal report"),
        EventKind.ACCOUNTABILITY: _("accountability step"),
        EventKind.WARNING: _("warning of a unit led"),
        EventKind.PROBLEM: _("problem of a unit led"),
    }[kind]


@dataclass
class Event:
    """One event of the integrity file: when, what kind, a title and details, and a flag
    (a late report, a red light) when something went wrong."""

    date: datetime.date
    kind: str
    title: str
    detail: str = ""
    flagged: bool = False
    flag: str = ""
    order: int = 0  # ties on one day: the later-created first

    @property
    def kind_label(self) -> str:
        return event_kind_label(self.kind)


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def timeline(*, user: Any, person: Person) -> list[Event]:
    """Every event of the person's integrity file the user may see, newest first."""
    events: list[Event] = []
    events += _post_events(user, person)
    events += _list_events(user, person)
    events += _fulfilment_events(user, person)
    events += _report_events(user, person)
    events += _accountability_events(user, person)
    events += _led_unit_events(user, person)
    events.sort(key=lambda e: (e.date, e.order), reverse=True)
    return events


def _post_events(user: Any, person: Person) -> list[Event]:
    posts = Post.objects.filter(
        person=person, unit__in=scope.visible_units(user).values("pk")
    ).select_related("unit")
    events = []
    for post in posts:
        what = f"{post.unit.name} · {post.title or post.get_role_display()}"
        if post.start:
            events.append(Event(post.start, EventKind.POST_START, what, order=post.pk))
        if post.end:
            events.append(Event(post.end, EventKind.POST_END, what, order=post.pk))
    return events


def _user_name(user: Any) -> str:
    """Who confirmed or endorsed: the account's full name, else its user name."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


def _list_events(user: Any, person: Person) -> list[Event]:
    lists = DutyList.objects.filter(scope.duty_visibility_q(user), person=person).select_related(
        "unit", "confirmed_by", "endorsed_by"
    )
    events = []
    for duty_list in lists:
        title = _("Duty list %(year)s · %(unit)s") % {
            "year": duty_list.year,
            "unit": duty_list.unit.name if duty_list.unit else "",
        }
        created = _local_date(duty_list.created_at)
        if created:
            events.append(Event(created, EventKind.LIST_CREATED, title, order=duty_list.pk))
        confirmed = _local_date(duty_list.confirmed_at)
        if confirmed:
            by = _user_name(duty_list.confirmed_by)
            events.append(Event(confirmed, EventKind.LIST_CONFIRMED, title, by, order=duty_list.pk))
        endorsed = _local_date(duty_list.endorsed_at)
        if endorsed:
            by = _user_name(duty_list.endorsed_by)
            events.append(Event(endorsed, EventKind.LIST_ENDORSED, title, by, order=duty_list.pk))
    return events


def _fulfilment_events(user: Any, person: Person) -> list[Event]:
    records = (
        Fulfilment.objects.filter(
            scope.duty_visibility_q(user, prefix="duty_list__"), duty_list__person=person
        )
        .select_related("due__task__category")
        .order_by()
    )
    events = []
    for record in records:
        task = record.due.task
        late = record.recorded_on > record.due.due or record.done_on > record.due.due
        events.append(
            Event(
                record.done_on,
                EventKind.FULFILMENT,
                f"{task.category.name} · {task.title}",
                record.content,
                flagged=late,
                flag=_("after the due date %(due)s") % {"due": record.due.due.isoformat()}
                if late
                else "",
                order=record.pk,
            )
        )
    return events


def _report_events(user: Any, person: Person) -> list[Event]:
    reports = PersonalReport.objects.filter(
        scope.duty_visibility_q(user, personal=True), person=person
    ).select_related("unit")
    events = []
    for report in reports:
        span = report.starts.isoformat()
        if report.ends and report.ends != report.starts:
            span += f" – {report.ends.isoformat()}"
        title = f"{report.get_kind_display()} · {span}"
        if report.destination:
            title += f" · {report.destination}"
        detail = report.description
        events.append(
            Event(
                report.reported_on,
                EventKind.REPORT,
                title,
                detail,
                flagged=report.late,
                flag=_("reported late") if report.late else "",
                order=report.pk,
            )
        )
    return events


def _accountability_events(user: Any, person: Person) -> list[Event]:
    steps = AccountabilityStep.objects.filter(
        scope.duty_visibility_q(user, prefix="duty_list__"), duty_list__person=person
    ).select_related("step", "duty_list")
    return [
        Event(
            step.decided_on,
            EventKind.ACCOUNTABILITY,
            f"{step.step.name} · {step.duty_list.year}",
            step.reason,
            flagged=True,
            flag=step.step.name,
            order=step.pk,
        )
        for step in steps
    ]


def _led_posts(user: Any, person: Person) -> list[Post]:
    """The person's principal posts in units the user sees."""
    return list(
        Post.objects.filter(
            person=person,
            role=PostRole.PRINCIPAL,
            unit__in=scope.visible_units(user).values("pk"),
        ).select_related("unit")
    )


def _in_post(post: Post, day: datetime.date) -> bool:
    return (post.start is None or post.start <= day) and (post.end is None or day <= post.end)


def _led_unit_events(user: Any, person: Person) -> list[Event]:
    """The warnings (by the end of their period) and the ledger problems (by the day they
    were entered) of the units the person led as principal, while in post."""
    posts = _led_posts(user, person)
    if not posts:
        return []
    units = {post.unit_id for post in posts}
    events = []
    warnings = Warning.objects.filter(unit_id__in=units).select_related("unit", "framework")
    for warning in warnings:
        try:
            period = Period.parse(warning.period)
        except ValueError:
            continue
        day = period.end
        if not any(p.unit_id == warning.unit_id and _in_post(p, day) for p in posts):
            continue
        band = band_label(warning.band) if warning.band else ""
        detail = " · ".join(
            part for part in (str(warning.get_kind_display()), warning.node_name, band) if part
        )
        events.append(
            Event(
                day,
                EventKind.WARNING,
                f"{warning.unit.name} · {period_label(period)} · {warning.framework.name}",
                detail,
                flagged=True,
                flag=warning.get_state_display(),
                order=warning.pk,
            )
        )
    problems = Problem.objects.filter(unit_id__in=units).select_related("unit")
    for problem in problems:
        day = timezone.localdate(problem.created_at)
        if not any(p.unit_id == problem.unit_id and _in_post(p, day) for p in posts):
            continue
        events.append(
            Event(
                day,
                EventKind.PROBLEM,
                f"{problem.unit.name} · {problem.number} · {problem.problem_type}".rstrip(" ·"),
                problem.description,
                flagged=problem.state != ProblemState.CLOSED,
                flag=problem.get_state_display(),
                order=problem.pk,
            )
        )
    return events


@dataclass
class LeaderFile:
    """Everything of a person's file the viewer may see (the page and both exports)."""

    person: Person
    portrait: Portrait
    events: list[Event]
    current_posts: list[Post]


def leader_file(*, user: Any, person: Person, today: datetime.date | None = None) -> LeaderFile:
    """The file of ``person`` (already checked by ``file_person``) as ``user`` sees it."""
    current = list(
        Post.objects.filter(
            person=person, end__isnull=True, unit__in=scope.visible_units(user).values("pk")
        )
        .select_related("unit")
        .order_by("-role", "unit__code")
    )
    return LeaderFile(
        person=person,
        portrait=portrait(user=user, person=person, today=today),
        events=timeline(user=user, person=person),
        current_posts=current,
    )
