"""The light rule at its boundaries, in Python and as SQL, and the dues a task gets."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from qingfeng.duties.lights import Light, completion_date, due_windows, light, light_case
from qingfeng.duties.models import DutyTask, Recurrence, TaskDue
from qingfeng.duties.services import fulfilment_record, task_save
from tests.duties.conftest import Team, a_day

DUE = datetime.date(2026, 6, 30)
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - 8 * DAY, Light.GREY),
        (DUE - 7 * DAY, Light.YELLOW),
        (DUE, Light.YELLOW),
        (DUE + DAY, Light.RED),
    ],
)
def test_it_lights_an_undone_due_by_the_days_left(today: datetime.date, expected: Light) -> None:
    assert light(due=DUE, completed_on=None, today=today) == expected


def test_it_lights_green_when_done_by_the_due_date_and_orange_after() -> None:
    assert light(due=DUE, completed_on=DUE, today=DUE + 30 * DAY) == Light.GREEN
    assert light(due=DUE, completed_on=DUE - 60 * DAY, today=DUE - 50 * DAY) == Light.GREEN
    assert light(due=DUE, completed_on=DUE + DAY, today=DUE + DAY) == Light.ORANGE


def test_it_counts_the_required_record() -> None:
    dates = [a_day(3, 5), a_day(1, 9), a_day(2, 1)]
    assert completion_date(dates, required=2) == a_day(2, 1)
    assert completion_date(dates, required=4) is None


def test_it_cuts_a_year_into_windows() -> None:
    quarters = due_windows(recurrence=Recurrence.QUARTERLY, year=2026)
    assert quarters[0] == (a_day(1, 1), a_day(3, 31))
    assert quarters[-1] == (a_day(10, 1), a_day(12, 31))
    assert len(due_windows(recurrence=Recurrence.MONTHLY, year=2024)) == 12
    assert due_windows(recurrence=Recurrence.MONTHLY, year=2024)[1][1] == datetime.date(2024, 2, 29)
    assert due_windows(recurrence=Recurrence.ONCE, year=2026, due_date=a_day(5, 4)) == [
        (a_day(1, 1), a_day(5, 4))
    ]


@pytest.mark.django_db
def test_it_lights_a_task_through_its_days_and_the_sql_agrees(team: Team) -> None:
    task = task_save(
        task=DutyTask(
            duty_list=team.member_list,
            category=team.member_list.tasks.first().category,  # type: ignore[union-attr]
            title="与分管部门负责人谈话",
            recurrence=Recurrence.ONCE,
            due_date=DUE,
            required_count=1,
        ),
        actor=None,
    )
    due = TaskDue.objects.get(task=task)

    def both(today: datetime.date) -> tuple[str, str]:
        due.refresh_from_db()
        in_sql = (
            TaskDue.objects.filter(pk=due.pk)
            .annotate(light=light_case(today=today))
            .values_list("light", flat=True)
            .get()
        )
        return light(due=due.due, completed_on=due.completed_on, today=today), in_sql

    for offset, expected in [
        (-8, Light.GREY),
        (-7, Light.YELLOW),
        (0, Light.YELLOW),
        (1, Light.RED),
    ]:
        with time_machine.travel(DUE + offset * DAY, tick=False):
            assert both(datetime.date.today()) == (expected, expected)
    with time_machine.travel(DUE + 3 * DAY, tick=False):
        fulfilment_record(due=due, done_on=DUE - 2 * DAY, content="谈话记录", actor=None)
        # Done before the due date, recorded after it: it was red, it turns orange.
        assert both(datetime.date.today()) == (Light.ORANGE, Light.ORANGE)
