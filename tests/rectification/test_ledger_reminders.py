"""Reminders of problem deadlines and of answers to warnings: to the unit's users, once
per deadline (a rerun adds nothing; an extension reminds again), from ``send_reminders``."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.framework.models import Framework
from qingfeng.inbox.models import Notice, NoticeKind
from qingfeng.monitoring.models import Response, ResponseKind, ResponseState, Warning
from qingfeng.monitoring.reminders import response_reminders
from qingfeng.rectification import services
from qingfeng.rectification.models import Problem, ProblemSource, ProblemState
from qingfeng.rectification.reminders import problem_reminders
from tests.conftest import Org, make_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 10, 15)


def _problem(org: Org, due: str) -> Problem:
    return services.problem_create(
        actor=None,
        unit=org.unit_a1,
        source=ProblemSource.AUDIT,
        description=f"到期 {due}",
        due=datetime.date.fromisoformat(due),
    )


@pytest.fixture
def liaison(org: Org) -> User:
    return make_user("liaison_a1", "unit_liaison", unit=org.unit_a1)


def test_problem_deadlines_coming_and_passed_are_reminded_once(org: Org, liaison: User) -> None:
    # (Entering a problem also tells the liaison; only the reminders are counted here.)
    coming = _problem(org, "2026-10-22")  # in 7 days
    passed = _problem(org, "2026-10-14")  # overdue since today
    _problem(org, "2026-10-23")  # 8 days: not yet
    closed = _problem(org, "2026-10-01")
    Problem.objects.filter(pk=closed.pk).update(state=ProblemState.CLOSED)
    counts = problem_reminders(today=TODAY)
    assert (counts.coming, counts.passed) == (1, 1)
    # (Entering a problem also told the unit: those notices are not reminders.)
    reminders = Notice.objects.filter(recipient=liaison, kind=NoticeKind.REMINDER)
    titles = sorted(reminders.values_list("title", flat=True))
    assert titles == sorted(
        [
            f"问题{coming.number}须于2026-10-22前整改到位",
            f"问题{passed.number}已逾期，整改期限为2026-10-14",
        ]
    )
    # Each reminder opens its problem's page.
    for problem in (coming, passed):
        links = Notice.objects.filter(
            recipient=liaison, kind=NoticeKind.REMINDER, title__contains=problem.number
        )
        detail = reverse("rectification:problem_detail", args=[problem.pk])
        assert list(links.values_list("link", flat=True)) == [detail]
    again = problem_reminders(today=TODAY)
    assert (again.coming, again.passed) == (0, 0)
    services.problem_extend(
        problem=passed, due=datetime.date(2026, 10, 20), reason="需协调", actor=None
    )
    assert problem_reminders(today=TODAY).coming == 1  # the new deadline, once


def test_answers_to_warnings_due_are_reminded_once(org: Org, liaison: User, admin_a: User) -> None:
    framework = Framework.objects.create(code="W", name="体系", region=org.city)
    warning = Warning.objects.create(framework=framework, period="2026Q3", unit=org.unit_a1)
    kinds = (ResponseKind.WARNING_NOTICE, ResponseKind.RECOMMENDATION, ResponseKind.ADMONITION)
    for kind, due, state in zip(
        kinds,
        ("2026-10-20", "2026-10-01", "2026-10-01"),
        (ResponseState.ISSUED, ResponseState.ISSUED, ResponseState.ANSWERED),
        strict=True,
    ):
        Response.objects.create(warning=warning, kind=kind, due=due, state=state, issued_by=admin_a)
    counts = response_reminders(today=TODAY)
    assert (counts.coming, counts.passed) == (1, 1)
    assert response_reminders(today=TODAY).coming == 0
    assert Notice.objects.filter(recipient=liaison, kind=NoticeKind.REMINDER).count() == 2
    # Each reminder opens the warning's page (its responses).
    links = set(
        Notice.objects.filter(recipient=liaison, kind=NoticeKind.REMINDER).values_list(
            "link", flat=True
        )
    )
    assert links == {reverse("monitoring:warning", args=[warning.pk])}


def test_the_daily_command_sends_them(org: Org, liaison: User) -> None:
    _problem(org, "2026-10-14")
    out = io.StringIO()
    call_command("send_reminders", today=TODAY, stdout=out)
    call_command("send_reminders", today=TODAY, stdout=out)
    assert Notice.objects.filter(recipient=liaison, kind=NoticeKind.REMINDER).count() == 1
