"""The completeness board in a real browser: the commission sees the late stations first,
opens a station's period and reads its missing units; on a phone the board is a list per
station that needs no sideways scrolling. (Filing a nil return from the clerk's side is
the nil return pages' own browser test.)"""

from __future__ import annotations

from typing import Any

import pytest

from qingfeng.accounts.roles import Role
from tests.browser.conftest import log_in
from tests.conftest import make_user
from tests.records.completeness_helpers import Fixture, fixture
from tests.records.conftest import setup
from tests.records.entry_helpers import periods

__all__ = ["fixture", "periods", "setup"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_the_late_station_and_its_missing_units(
    live_server: Any, browser: Any, fixture: Fixture
) -> None:
    base = live_server.url
    make_user("analyst_city", Role.ANALYST, region=fixture.setup.org.city)
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = log_in(context.new_page(), base, "analyst_city")
    page.get_by_role("button", name="数据采集", exact=True).or_(
        page.get_by_role("link", name="数据采集", exact=True)
    ).click()
    page.click("[data-testid=nav-completeness]")
    page.click("text=政治生态评估")
    board = page.locator("[data-testid=completeness-board]")
    rows = board.locator("tbody tr")
    assert rows.nth(0).locator("th").inner_text() == "平顺县财政局"  # all missing: first
    st_a = rows.nth(1)
    assert st_a.locator("th").inner_text() == "黎城县委组织部"
    newest = st_a.locator("[data-testid=completeness-cell]").first
    assert "缺报 29%" in newest.inner_text() and "逾期" in newest.inner_text()
    newest.click()
    page.wait_for_url("**/completeness/LK/2025Q3/**")
    a1 = page.locator("[data-indicator=A1]")
    assert a1.locator("[data-testid=missing-units]").inner_text().strip() == "黎侯镇"
    context.close()

    phone = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    page = log_in(phone.new_page(), base, "analyst_city")
    page.goto(f"{base}/records/completeness/?framework=LK")
    assert page.locator("[data-testid=completeness-list]").is_visible()
    assert not page.locator("[data-testid=completeness-board]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()
