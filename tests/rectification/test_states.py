"""The problem ledger's states: each move from its own state only, a step per move,
reasons where they are required, numbering, overdue from the day after the deadline."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from qingfeng.rectification import services
from qingfeng.rectification.models import Problem, ProblemSource, ProblemState, StepAction
from tests.conftest import Org, make_user

pytestmark = pytest.mark.django_db


def _problem(org: Org, due: str = "2026-12-31") -> Problem:
    return services.problem_create(
        actor=None,
        unit=org.unit_a1,
        station=org.station_a,
        source=ProblemSource.INSPECTION,
        problem_type="违规发放津补贴",
        description="2026年向职工发放节日慰问品超标准",
        due=datetime.date.fromisoformat(due),
    )


def test_it_walks_a_problem_from_open_to_closed_with_a_step_each(org: Org) -> None:
    liaison = make_user("liaison", "unit_liaison", unit=org.unit_a1)
    reviewer = make_user("reviewer", "station_reviewer", station=org.station_a)
    problem = _problem(org)
    services.problem_submit_measures(problem=problem, measures="收回超标物品", actor=liaison)
    services.problem_accept_measures(problem=problem, actor=reviewer)
    services.problem_report_done(problem=problem, result="已全部收回", actor=liaison)
    services.problem_close(problem=problem, actor=reviewer)
    assert problem.state == ProblemState.CLOSED and problem.closed_at is not None
    assert problem.measures == "收回超标物品" and problem.result == "已全部收回"
    steps = list(problem.steps.values_list("action", "actor__username"))
    assert steps == [
        (StepAction.CREATED, None),
        (StepAction.MEASURES, "liaison"),
        (StepAction.ACCEPTED, "reviewer"),
        (StepAction.REPORTED, "liaison"),
        (StepAction.CLOSED, "reviewer"),
    ]
    assert problem.history.count() == 5  # created + four moves


def test_it_refuses_a_move_out_of_order_and_changes_nothing(org: Org) -> None:
    problem = _problem(org)
    with pytest.raises(ValidationError):
        services.problem_close(problem=problem, actor=None)
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN and problem.steps.count() == 1


def test_it_sends_back_only_with_a_reason_and_to_the_state_before(org: Org) -> None:
    problem = _problem(org)
    services.problem_submit_measures(problem=problem, measures="整改", actor=None)
    with pytest.raises(ValidationError):
        services.problem_send_back(problem=problem, reason="  ", actor=None)
    services.problem_send_back(problem=problem, reason="措施不具体", actor=None)
    assert problem.state == ProblemState.OPEN
    assert problem.steps.last().text == "措施不具体"  # type: ignore[union-attr]


def test_it_extends_a_deadline_only_later_and_with_a_reason(org: Org) -> None:
    problem = _problem(org, due="2026-12-31")
    with pytest.raises(ValidationError):
        services.problem_extend(
            problem=problem, due=datetime.date(2027, 1, 31), reason="", actor=None
        )
    with pytest.raises(ValidationError):
        services.problem_extend(
            problem=problem, due=datetime.date(2026, 12, 1), reason="需要时间", actor=None
        )
    services.problem_extend(
        problem=problem, due=datetime.date(2027, 1, 31), reason="涉及资金追缴", actor=None
    )
    step = problem.steps.last()
    assert problem.due == datetime.date(2027, 1, 31)
    assert step is not None and (step.old_due, step.new_due) == (
        datetime.date(2026, 12, 31),
        datetime.date(2027, 1, 31),
    )


def test_it_numbers_problems_per_year_without_gaps(org: Org) -> None:
    with time_machine.travel(datetime.datetime(2026, 5, 1, 12, tzinfo=datetime.UTC)):
        numbers = [_problem(org).number for _ in range(3)]
    assert numbers == ["2026-000001", "2026-000002", "2026-000003"]


def test_it_is_overdue_from_the_day_after_its_deadline(org: Org) -> None:
    problem = _problem(org, due="2026-06-30")
    assert not problem.is_overdue(today=datetime.date(2026, 6, 30))
    assert problem.is_overdue(today=datetime.date(2026, 7, 1))
