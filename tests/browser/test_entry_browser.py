"""The entry form in a real browser, desktop and 390 px phone: a deduction per item asks
for the quantity only, its label and help say what an item costs, the problem type is
chosen from the list; a liaison's self-assessed deduction offers "no problem"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.framework.models import Indicator
from qingfeng.records.models import ProblemType, Record
from tests.browser.conftest import log_in
from tests.conftest import make_user
from tests.records import conftest as records_fixtures
from tests.records import entry_helpers as helpers
from tests.records.conftest import Setup

setup, periods = records_fixtures.setup, helpers.periods

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_deduction_form_asks_for_the_quantity_with_its_rule(
    live_server: Any, browser: Any, periods: Setup, width: int
) -> None:
    make_user("clerk", Role.STATION_CLERK, station=periods.org.station_a)
    # A transactional test starts from flushed tables: the managed list is made here.
    ProblemType.objects.get_or_create(name="四风")
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = log_in(context.new_page(), live_server.url, "clerk")
    page.goto(live_server.url + helpers.new_url(periods, "A1"))
    assert page.title().startswith("新增填报记录")
    assert "每项扣 2 分" in page.locator("label[for=id_quantity]").inner_text()
    assert page.locator("[name=points]").count() == 0
    assert page.get_by_test_id("rule-sentence").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"entry-form-{width}.png"), full_page=True)
    page.select_option("#id_unit", str(periods.org.unit_a1.pk))
    page.fill("#id_quantity", "2")
    page.select_option("#id_problem_type", "四风")
    page.click("button[name=draft]")
    page.wait_for_url("**/records/entry/mine/")
    record = Record.objects.get()
    assert (record.quantity, record.problem_type) == (2, "四风")
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_liaison_answers_no_problem(
    live_server: Any, browser: Any, periods: Setup, width: int
) -> None:
    Indicator.objects.filter(version=periods.version, code="A1").update(self_assessed=True)
    liaison: User = make_user("liaison", Role.UNIT_LIAISON, unit=periods.org.unit_a1)
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = log_in(context.new_page(), live_server.url, liaison.username)
    url = f"/records/self-assessment/{periods.framework.pk}/2025Q3/A1/new/"
    page.goto(live_server.url + url)
    page.select_option("#id_unit", str(periods.org.unit_a1.pk))
    page.check("#id_no_problem")
    page.screenshot(path=str(SHOTS / f"self-assessment-{width}.png"), full_page=True)
    page.click("button[name=submit]")
    page.wait_for_url("**/records/entry/mine/")
    record = Record.objects.get()
    assert (record.points, record.quantity, record.self_assessment) == (0, None, True)
    context.close()
