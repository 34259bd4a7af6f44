"""A unit's portrait shows its problems in the ledger (issue 12 point 8): the state board
and the problems not yet closed, each linking to its page, as far as the viewer may see
the ledger."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html

from qingfeng.accounts.models import User
from qingfeng.org.models import Unit
from qingfeng.rectification.models import Problem, ProblemState
from tests.demo_county import DemoCounty

pytestmark = pytest.mark.django_db


def _portrait(username: str, unit: Unit) -> html.HtmlElement:
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse("dashboard:portrait", args=["LK", "2026Q3", unit.pk]))
    assert response.status_code == 200
    return html.fromstring(response.content)


def test_the_portrait_lists_the_units_open_problems(demo_county: DemoCounty) -> None:
    school = Unit.objects.get(name="县第一中学")
    problems = Problem.objects.filter(unit=school)
    open_numbers = set(problems.exclude(state=ProblemState.CLOSED).values_list("number", flat=True))
    assert open_numbers and problems.filter(state=ProblemState.CLOSED).exists()
    for username in ("liaison", "analyst"):
        page = _portrait(username, school)
        (section,) = page.xpath("//*[@data-testid='section-problems']")
        rows = section.xpath(".//*[@data-testid='unit-problems']/li[@data-problem]")
        assert {row.get("data-problem") for row in rows} == open_numbers, username
        board = {
            li.get("data-state"): li.findtext("strong")
            for li in section.xpath(".//*[@data-testid='problem-board']/li")
        }
        assert board[ProblemState.CLOSED] == str(problems.filter(state=ProblemState.CLOSED).count())
        (link,) = section.xpath(f".//li[@data-problem='{min(open_numbers)}']//a")
        problem = problems.get(number=min(open_numbers))
        assert link.get("href") == reverse("rectification:problem_detail", args=[problem.pk])
