"""The light boards count in the database what the light rule says, due by due: a hand
count (the Python rule over the few dues of the ``team`` fixture) on a travelled day."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
import time_machine

from qingfeng.duties.boards import (
    LightCounts,
    list_board,
    region_board,
    unit_board,
)
from qingfeng.duties.lights import light
from qingfeng.duties.models import SubjectKind, TaskDue
from tests.duties.conftest import YEAR, Team, a_day

pytestmark = pytest.mark.django_db

TODAY = a_day(7, 15)


def _mark_some_done(team: Team) -> None:
    """The member's first three dues done on time, the team's first two done late, the
    principal's first done a day before its due date."""
    member = list(TaskDue.objects.filter(duty_list=team.member_list).order_by("due", "pk"))
    for due in member[:3]:
        TaskDue.objects.filter(pk=due.pk).update(completed_on=due.due)
    for due in TaskDue.objects.filter(duty_list=team.team_list).order_by("due", "pk")[:2]:
        TaskDue.objects.filter(pk=due.pk).update(completed_on=due.due + datetime.timedelta(days=3))
    first = TaskDue.objects.filter(duty_list=team.principal_list).order_by("due", "pk").first()
    assert first is not None
    TaskDue.objects.filter(pk=first.pk).update(completed_on=first.due - datetime.timedelta(days=1))


def _hand(dues: object, today: datetime.date = TODAY) -> dict[str, int]:
    counted = Counter(light(due=d.due, completed_on=d.completed_on, today=today) for d in dues)  # type: ignore[attr-defined]
    return {str(k): v for k, v in counted.items()}


def _as_dict(counts: LightCounts) -> dict[str, int]:
    return {light: n for light, _css, _name, n in counts.chips if n}


def test_it_counts_the_county_board_per_unit_and_group_like_the_rule(team: Team) -> None:
    _mark_some_done(team)
    with time_machine.travel(TODAY, tick=False):
        board = region_board(
            user=team.commission_user, region=team.org.county_a, year=YEAR, today=TODAY
        )
    assert board.by_units
    rows = {(row.kind, row.code): row for row in board.rows}
    assert set(rows) == {("unit", "A1"), ("group", "G-A2")}
    unit_dues = TaskDue.objects.filter(unit=team.org.unit_a1, year=YEAR)
    assert _as_dict(rows["unit", "A1"].counts) == _hand(unit_dues)
    group_dues = TaskDue.objects.filter(discipline_group=team.group)
    assert _as_dict(rows["group", "G-A2"].counts) == _hand(group_dues)
    assert rows["group", "G-A2"].list_pk == team.group_list.pk
    assert board.totals.total == TaskDue.objects.count()
    # Something of every light the fixture makes on that day.
    assert {"red", "orange", "green", "grey"} <= set(_as_dict(board.totals))


def test_it_sums_a_county_into_its_row_on_the_city_board(team: Team) -> None:
    _mark_some_done(team)
    board = region_board(user=team.commission_user, region=team.org.city, year=YEAR, today=TODAY)
    assert not board.by_units
    assert [(row.kind, row.code) for row in board.rows] == [("region", "C1-A")]
    assert _as_dict(board.rows[0].counts) == _hand(TaskDue.objects.all())


def test_it_filters_by_quarter_and_subject_kind(team: Team) -> None:
    _mark_some_done(team)
    board = region_board(
        user=team.commission_user,
        region=team.org.county_a,
        year=YEAR,
        today=TODAY,
        quarter=2,
        kind=SubjectKind.MEMBER,
    )
    q2 = TaskDue.objects.filter(
        kind=SubjectKind.MEMBER, due__gte=a_day(4, 1), due__lte=a_day(6, 30)
    )
    assert q2.exists()
    assert board.totals.total == q2.count()
    assert _as_dict(board.totals) == _hand(q2)


def test_it_puts_the_worst_red_share_first(team: Team) -> None:
    board = region_board(
        user=team.commission_user, region=team.org.county_a, year=YEAR, today=TODAY
    )
    shares = [row.counts.red_share for row in board.rows]
    assert shares == sorted(shares, reverse=True)


def test_it_counts_the_unit_board_per_subject_and_category(team: Team) -> None:
    _mark_some_done(team)
    board = unit_board(user=team.commission_user, unit=team.org.unit_a1, year=YEAR, today=TODAY)
    kinds = [row.duty_list.kind for row in board.subjects]
    assert kinds == ["team", "principal", "member", "member"]
    for row in board.subjects:
        assert _as_dict(row.counts) == _hand(TaskDue.objects.filter(duty_list=row.duty_list))
    unit_dues = TaskDue.objects.filter(unit=team.org.unit_a1)
    for row in board.categories:
        assert _as_dict(row.counts) == _hand(unit_dues.filter(task__category=row.category))
    assert len(board.categories) == 6
    assert _as_dict(board.totals) == _hand(unit_dues)
    # The covering group's list is shown apart and not in the unit's totals.
    assert [row.duty_list for row in board.groups] == [team.group_list]
    assert board.totals.total == unit_dues.count()


def test_it_shows_each_due_of_a_list_with_its_light(team: Team) -> None:
    _mark_some_done(team)
    board = list_board(duty_list=team.member_list, today=TODAY)
    dues = TaskDue.objects.filter(duty_list=team.member_list)
    assert sum(len(row.dues) for row in board.tasks) == dues.count()
    for row in board.tasks:
        for due in row.dues:
            assert due.light == light(due=due.due, completed_on=due.completed_on, today=TODAY)  # type: ignore[attr-defined]
    assert _as_dict(board.totals) == _hand(dues)
