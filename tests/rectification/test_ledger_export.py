"""The ledger's .xlsx export: Chinese sheet and column names, states in words, the overdue
flag, sanitised cells, the filters of the ledger page, only the user's units."""

from __future__ import annotations

import datetime
import html
import io
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.rectification import services
from qingfeng.rectification.export import HEADERS
from qingfeng.rectification.models import Problem, ProblemSource
from tests.conftest import Org, client_for, make_user

pytestmark = pytest.mark.django_db


def _problem(unit: object, description: str, due: str, **kw: object) -> Problem:
    return services.problem_create(
        actor=None,
        unit=unit,
        source=kw.pop("source", ProblemSource.INSPECTION),
        description=description,
        due=datetime.date.fromisoformat(due),
        **kw,
    )


@pytest.fixture
def problems(org: Org) -> None:
    _problem(org.unit_a1, '=HYPERLINK("http://evil.example","点我")', "2026-09-30")
    _problem(org.unit_a2, "专项资金拨付滞后", "2026-12-31", source=ProblemSource.AUDIT)
    _problem(org.unit_b1, "平顺县的问题", "2026-09-30")


def _rows(content: bytes) -> list[tuple[object, ...]]:
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["问题台账"]
    return list(workbook["问题台账"].iter_rows(values_only=True))


@time_machine.travel(datetime.datetime(2026, 10, 15, 9, 0), tick=False)
def test_it_exports_the_users_problems_in_chinese_with_sanitised_cells(
    org: Org, problems: None
) -> None:
    admin = make_user("admin_a", "commission_admin", region=org.county_a)
    response = client_for(admin).get(reverse("rectification:export"))
    assert response.status_code == 200
    rows = _rows(response.content)
    assert rows[0] == HEADERS and rows[0][:4] == ("问题编号", "单位编码", "单位", "问题来源")
    by_unit = {row[1]: row for row in rows[1:]}
    assert set(by_unit) == {"A1", "A2"}  # not county B's
    a1 = dict(zip(rows[0], by_unit["A1"], strict=True))
    # The formula-like text is written with an apostrophe: a spreadsheet shows it as text.
    assert a1["问题描述"] == '\'=HYPERLINK("http://evil.example","点我")'
    assert (a1["状态"], a1["是否逾期"], a1["问题来源"]) == ("待整改", "是", "巡察")
    assert a1["整改期限"] == datetime.datetime(2026, 9, 30)


@time_machine.travel(datetime.datetime(2026, 10, 15, 9, 0), tick=False)
def test_the_filters_of_the_ledger_page_apply(org: Org, problems: None) -> None:
    admin = make_user("admin_a", "commission_admin", region=org.county_a)
    client = client_for(admin)
    url = reverse("rectification:export")
    overdue = _rows(client.get(url + "?overdue=yes").content)
    assert [row[1] for row in overdue[1:]] == ["A1"]
    audit = _rows(client.get(url + "?source=audit&state=open").content)
    assert [row[1] for row in audit[1:]] == ["A2"]
    # The page's parameters: a unit by its id (county B's unit: outside, nothing).
    assert len(_rows(client.get(url + f"?unit={org.unit_b1.pk}").content)) == 1  # header only


def test_a_unit_liaison_sees_only_its_unit_and_a_user_without_a_ledger_role_is_refused(
    org: Org, problems: None
) -> None:
    liaison = make_user("liaison_b", "unit_liaison", unit=org.unit_b1)
    rows = _rows(client_for(liaison).get(reverse("rectification:export")).content)
    assert [row[1] for row in rows[1:]] == ["B1"]
    leader = make_user("leader", "leader", person=org.person_a1)
    assert client_for(leader).get(reverse("rectification:export")).status_code == 403


@time_machine.travel(datetime.datetime(2026, 10, 15, 9, 0), tick=False)
def test_the_export_holds_exactly_what_the_page_lists_under_the_same_query(
    org: Org, problems: None
) -> None:
    _problem(org.unit_a2, "已销号", "2026-08-31", responsible_person="张三")
    admin = make_user("admin_a", "commission_admin", region=org.county_a)
    client = client_for(admin)
    for query in (
        "",
        "?overdue=yes",
        "?overdue=late",
        "?source=audit&state=open",
        "?q=张三",
        f"?unit={org.unit_a2.pk}",
        "?due_from=2026-09-01&due_to=2026-12-31",
        "?overdue=1&unit=B1",  # values the page ignores, the export too
    ):
        page = client.get(reverse("rectification:ledger") + query).content.decode()
        listed = re.findall(r'<tr data-problem="([^"]+)"', page)
        # The page's export button carries its filters: follow it.
        button = re.search(r'href="([^"]+)" data-testid="export-ledger"', page)
        assert button, query
        exported = [row[0] for row in _rows(client.get(html.unescape(button[1])).content)[1:]]
        assert exported == listed, query
        assert exported == [
            row[0] for row in _rows(client.get(reverse("rectification:export") + query).content)[1:]
        ]
