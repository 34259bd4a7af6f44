"""The leader's file: the portrait equals a hand count, the timeline holds every kind of
event, and the page is a 404 outside the duty scope."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.duties.leader_file import EventKind, leader_file, portrait
from qingfeng.duties.lights import Light, light
from qingfeng.duties.models import (
    AccountabilityStep,
    DutyCategory,
    DutyTask,
    LadderStep,
    ListStatus,
    PersonalReport,
    Recurrence,
    ReportKind,
    SubjectKind,
    TaskDue,
)
from qingfeng.duties.services import duty_list_create, fulfilment_record, task_save
from qingfeng.framework.models import Framework
from qingfeng.monitoring.models import Warning
from qingfeng.org.models import Post
from qingfeng.rectification.services import problem_create
from tests.duties.conftest import Team

pytestmark = pytest.mark.django_db

LAST_YEAR = 2025
AS_OF = datetime.date(2026, 1, 15)


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def file_url(team: Team) -> str:
    return reverse("duties:leader_file", args=[team.org.person_a1.pk])


def _task(duty_list: object, category: str, title: str, recurrence: str, due: object) -> DutyTask:
    task = DutyTask(
        duty_list=duty_list,
        category=DutyCategory.objects.get(code=category),
        title=title,
        recurrence=recurrence,
        due_date=due,
    )
    return task_save(task=task, actor=None)


def last_year_list(team: Team) -> dict[str, DutyTask]:
    """The principal's 2025 list, by hand: two tasks due once (one done on time, one
    late) and a quarterly task done in the first quarter only."""
    duty_list = duty_list_create(
        kind=SubjectKind.PRINCIPAL,
        year=LAST_YEAR,
        actor=None,
        unit=team.org.unit_a1,
        person=team.org.person_a1,
        from_template=False,
    )
    tasks = {
        "on_time": _task(
            duty_list, "party", "专题研究党风廉政建设", Recurrence.ONCE, datetime.date(2025, 3, 31)
        ),
        "late": _task(
            duty_list, "party", "签订责任书", Recurrence.ONCE, datetime.date(2025, 6, 30)
        ),
        "quarterly": _task(duty_list, "conduct", "作风督查", Recurrence.QUARTERLY, None),
    }
    first = TaskDue.objects.get(task=tasks["on_time"])
    day = datetime.date(2025, 3, 10)
    fulfilment_record(due=first, done_on=day, content="召开专题会议", actor=None, today=day)
    late = TaskDue.objects.get(task=tasks["late"])
    day = datetime.date(2025, 7, 5)
    fulfilment_record(due=late, done_on=day, content="补签责任书", actor=None, today=day)
    q1 = TaskDue.objects.filter(task=tasks["quarterly"]).order_by("due").first()
    assert q1 is not None
    day = datetime.date(2025, 2, 1)
    fulfilment_record(due=q1, done_on=day, content="开展作风督查", actor=None, today=day)
    return tasks


def test_it_counts_the_portrait_as_a_hand_count(team: Team) -> None:
    last_year_list(team)
    with time_machine.travel(AS_OF, tick=False):
        today = timezone.localdate()
        result = portrait(user=team.commission_user, person=team.org.person_a1, today=today)
        # Every due of the principal, its light by the Python rule, counted by hand.
        hand: dict[str, dict[str, int]] = {}
        for due in TaskDue.objects.filter(person=team.org.person_a1).select_related(
            "task__category"
        ):
            lit = light(due=due.due, completed_on=due.completed_on, today=today)
            counts = hand.setdefault(due.task.category.code, {})
            counts[lit] = counts.get(lit, 0) + 1
    assert [c.code for c in result.categories] == list(
        DutyCategory.objects.values_list("code", flat=True)
    )
    for counts in result.categories:
        expected = {lit.value: hand.get(counts.code, {}).get(lit.value, 0) for lit in Light}
        assert counts.lights == expected, counts.code
    # 2025 by hand: six dues, two on time (one task, quarter 1), one late, three missing.
    years = {row.year: row for row in result.years}
    row = years[LAST_YEAR]
    assert (row.dues, row.on_time, row.late, row.missing) == (6, 2, 1, 3)
    assert years[2026].dues == TaskDue.objects.filter(duty_list=team.principal_list).count()
    conduct = next(c for c in result.categories if c.code == "conduct")
    assert conduct.lights["green"] >= 1 and conduct.lights["red"] >= 3
    assert result.total.dues == TaskDue.objects.filter(person=team.org.person_a1).count()


def test_it_shows_the_portrait_on_the_page(team: Team) -> None:
    last_year_list(team)
    with time_machine.travel(AS_OF, tick=False):
        response = client_of(team.commission_user).get(file_url(team))
        data = client_of(team.commission_user).get(
            reverse("duties:leader_file_json", args=[team.org.person_a1.pk])
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "王建国" in html and 'data-testid="file-portrait"' in html
    assert '<tr class="fw-bold" data-category="all">' in html
    chart = data.json()
    assert [y["year"] for y in chart["years"]] == [2025, 2026]
    assert chart["years"][0] == {"year": 2025, "dues": 6, "on_time": 2, "late": 1, "missing": 3}


def test_it_holds_every_kind_of_event_in_the_timeline(team: Team) -> None:
    person = team.org.person_a1
    Post.objects.filter(person=person).update(start=datetime.date(2024, 1, 1))
    last_year_list(team)
    duty_list = team.principal_list
    duty_list.status = ListStatus.ENDORSED
    duty_list.confirmed_at = timezone.now()
    duty_list.endorsed_at = timezone.now()
    duty_list.endorsed_by = team.commission_user
    duty_list.save()
    PersonalReport.objects.create(
        person=person,
        unit=team.org.unit_a1,
        kind=ReportKind.TRAVEL,
        starts=datetime.date(2025, 8, 1),
        ends=datetime.date(2025, 8, 5),
        destination="北京市",
        description="探亲",
        reported_on=datetime.date(2025, 8, 1),
        late=True,
    )
    red = TaskDue.objects.filter(duty_list__year=LAST_YEAR, completed_on__isnull=True).first()
    AccountabilityStep.objects.create(
        duty_list=red.duty_list,
        step=LadderStep.objects.first(),
        red_due=red,
        reason="作风督查逾期未完成",
        decided_on=datetime.date(2025, 10, 20),
    )
    framework = Framework.objects.create(code="LKT", name="测试体系", region=team.org.county_a)
    Warning.objects.create(
        framework=framework, period="2025Q3", unit=team.org.unit_a1, band="red", score=50, max=100
    )
    # A warning of a period before the post began is not the person's.
    Warning.objects.create(
        framework=framework, period="2023Q3", unit=team.org.unit_a1, band="red", score=50, max=100
    )
    problem_create(
        actor=None,
        unit=team.org.unit_a1,
        source="audit",
        description="违规发放津补贴",
        due=datetime.date(2099, 1, 1),
    )
    file = leader_file(user=team.commission_user, person=person)
    kinds = {event.kind for event in file.events}
    assert kinds == {
        EventKind.POST_START,
        EventKind.LIST_CREATED,
        EventKind.LIST_CONFIRMED,
        EventKind.LIST_ENDORSED,
        EventKind.FULFILMENT,
        EventKind.REPORT,
        EventKind.ACCOUNTABILITY,
        EventKind.WARNING,
        EventKind.PROBLEM,
    }
    warnings = [e for e in file.events if e.kind == EventKind.WARNING]
    assert len(warnings) == 1 and "2025年第三季度" in warnings[0].title
    report = next(e for e in file.events if e.kind == EventKind.REPORT)
    assert report.flagged and "北京市" in report.title
    late = next(e for e in file.events if e.kind == EventKind.FULFILMENT and "补签" in e.detail)
    assert late.flagged
    dates = [event.date for event in file.events]
    assert dates == sorted(dates, reverse=True)
    html = client_of(team.commission_user).get(file_url(team)).content.decode()
    for text in ("北京市", "作风督查逾期未完成", "违规发放津补贴", "测试体系"):
        assert text in html


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("principal_user", 200),
        ("member_user", 404),
        ("fellow_user", 404),
        ("deputy_user", 200),
        ("group_user", 200),
        ("commission_user", 200),
        ("liaison_user", 404),
        ("clerk_user", 404),
        ("outsider_user", 404),
    ],
)
def test_it_opens_the_principals_file_only_in_the_duty_scope(
    team: Team, viewer: str, status: int
) -> None:
    client = client_of(getattr(team, viewer))
    pk = team.org.person_a1.pk
    for name in ("leader_file", "leader_file_json", "leader_file_docx", "leader_file_xlsx"):
        assert client.get(reverse(f"duties:{name}", args=[pk])).status_code == status, name


def test_it_opens_a_members_file_to_the_member_but_not_to_a_fellow(team: Team) -> None:
    url = reverse("duties:leader_file", args=[team.member.pk])
    assert client_of(team.member_user).get(url).status_code == 200
    assert client_of(team.fellow_user).get(url).status_code == 404
    assert client_of(team.principal_user).get(url).status_code == 200


def test_it_links_the_file_from_the_person_page_and_the_menu(team: Team) -> None:
    person_url = reverse("org:person_detail", args=[team.org.person_a1.pk])
    html = client_of(team.commission_user).get(person_url).content.decode()
    assert 'data-testid="leader-file-link"' in html
    fellow = client_of(team.fellow_user).get(person_url)
    assert (
        fellow.status_code == 200
        and 'data-testid="leader-file-link"' not in fellow.content.decode()
    )
    html = client_of(team.principal_user).get(reverse("core:home")).content.decode()
    assert f'href="{file_url(team)}" data-testid="nav-my-file"' in html
    mine = client_of(team.member_user).get(reverse("duties:my_file"))
    assert mine.status_code == 302
    assert mine["Location"] == reverse("duties:leader_file", args=[team.member.pk])
    assert client_of(team.commission_user).get(reverse("duties:my_file")).status_code == 404
