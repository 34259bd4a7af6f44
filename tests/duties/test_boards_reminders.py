"""Red-light notices and coming-due reminders (``duty_reminders``, run daily by
``send_reminders``): at the light rule's boundaries, to the right inboxes, once."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from qingfeng.duties.models import DutyList, TaskDue
from qingfeng.duties.red_notices import duty_reminders
from qingfeng.inbox.models import Notice
from tests.duties.conftest import Team, a_day

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _first_due(duty_list: DutyList) -> TaskDue:
    due = TaskDue.objects.filter(duty_list=duty_list, due__gte=a_day(3, 1)).order_by("due", "pk")
    found = due.first()
    assert found is not None
    return found


def _inboxes(due: TaskDue, stage: str) -> set[str]:
    key = f"duty-{stage}:{due.pk}:{due.due.isoformat()}"
    return set(Notice.objects.filter(key=key).values_list("recipient__username", flat=True))


def test_a_due_reminds_its_holder_from_the_yellow_window_on(team: Team) -> None:
    due = _first_due(team.member_list)
    with time_machine.travel(due.due - 8 * DAY, tick=False):
        duty_reminders()
    assert _inboxes(due, "coming") == set()
    with time_machine.travel(due.due - 7 * DAY, tick=False):
        counts = duty_reminders()
    assert _inboxes(due, "coming") == {"member"}
    assert counts.coming >= 1 and counts.red == 0
    with time_machine.travel(due.due, tick=False):
        duty_reminders()
    assert Notice.objects.filter(key__startswith=f"duty-coming:{due.pk}:").count() == 1
    assert _inboxes(due, "red") == set()


def test_a_red_light_notifies_the_holder_and_the_principal_once(team: Team) -> None:
    due = _first_due(team.member_list)
    with time_machine.travel(due.due + DAY, tick=False):
        first = duty_reminders()
        again = duty_reminders()
    assert _inboxes(due, "red") == {"member", "principal"}
    assert first.red >= 2 and again.red == 0 and again.coming == 0


def test_a_due_done_in_time_raises_no_red_light(team: Team) -> None:
    due = _first_due(team.member_list)
    TaskDue.objects.filter(pk=due.pk).update(completed_on=due.due)
    with time_machine.travel(due.due + DAY, tick=False):
        duty_reminders()
    assert _inboxes(due, "red") == set()


def test_a_team_red_light_goes_to_the_principal_and_liaison(team: Team) -> None:
    due = _first_due(team.team_list)
    with time_machine.travel(due.due + DAY, tick=False):
        duty_reminders()
    assert _inboxes(due, "red") == {"principal", "liaison"}


def test_a_group_red_light_goes_to_the_groups_members(team: Team) -> None:
    due = _first_due(team.group_list)
    with time_machine.travel(due.due + DAY, tick=False):
        duty_reminders()
    assert _inboxes(due, "red") == {"groupie"}


def test_send_reminders_says_how_many(team: Team) -> None:
    due = _first_due(team.member_list)
    out = io.StringIO()
    with time_machine.travel(due.due + DAY, tick=False):
        call_command("send_reminders", stdout=out)
    assert "红灯" in out.getvalue() or "red-light" in out.getvalue()
