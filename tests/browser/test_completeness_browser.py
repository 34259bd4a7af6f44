"""The completeness board in a real browser: the commission sees the late stations first,
opens a station's period and reads its missing units; on a phone the board is a list per
station that needs no sideways scrolling. Then the whole round of issue 13: the station's
clerk files a nil return for the missing units, its reviewer approves it, and the board
turns complete."""

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


def test_a_nil_return_filed_and_approved_completes_the_station(
    live_server: Any, browser: Any, fixture: Fixture
) -> None:
    base = live_server.url
    org = fixture.setup.org
    make_user("analyst_city", Role.ANALYST, region=org.city)
    make_user("clerk_a", Role.STATION_CLERK, station=org.station_a)
    make_user("reviewer_a", Role.STATION_REVIEWER, station=org.station_a)

    # The commission: ST-A is late in 2025Q3, 黎侯镇 missing on A1 and A2.
    analyst = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = log_in(analyst.new_page(), base, "analyst_city")
    page.goto(f"{base}/records/completeness/?framework=LK")
    st_a = page.locator("[data-testid=completeness-board] tbody tr", has_text="黎城县委组织部")
    assert "逾期" in st_a.locator("[data-testid=completeness-cell]").first.inner_text()
    st_a.locator("[data-testid=completeness-cell]").first.click()
    page.wait_for_url("**/completeness/LK/2025Q3/**")
    for code in ("A1", "A2"):
        missing = page.locator(f"[data-indicator={code}] [data-testid=missing-units]")
        assert missing.inner_text().strip() == "黎侯镇"

    # The clerk files one nil return per indicator for 黎侯镇.
    clerk = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = log_in(clerk.new_page(), base, "clerk_a")
    page.goto(f"{base}/records/nil-returns/new/?framework={fixture.setup.framework.pk}")
    page.check("#code-A1")
    page.check("#code-A2")
    form = page.locator("[data-testid=nil-units]")
    for box in form.locator("input[name=units]").all():
        box.uncheck()
    form.locator("tr[data-unit=A2] input[name=units]").check()
    page.fill("#note", "本季度未发现问题")
    page.click("[data-testid=nil-submit]")
    page.wait_for_url("**/nil-returns/?station=*")
    clerk.close()

    # Its reviewer approves both.
    reviewer = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = log_in(reviewer.new_page(), base, "reviewer_a")
    page.goto(f"{base}/records/nil-returns/review/")
    table = page.locator("[data-testid=nil-review-table]")
    for code in ("A1", "A2"):
        row = table.locator("tbody tr", has_text="本季度未发现问题")
        row.get_by_role("checkbox", name=f"选择 {code}", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="审核通过所选零报告").click()
    reviewer.close()

    # The board: ST-A's 2025Q3 has nothing missing any more.
    page = analyst.new_page()
    page.goto(f"{base}/records/completeness/?framework=LK")
    st_a = page.locator("[data-testid=completeness-board] tbody tr", has_text="黎城县委组织部")
    cell = st_a.locator("[data-testid=completeness-cell]").first
    text = cell.inner_text()
    assert "已报齐" in text, text
    assert "缺报 0" in text
    assert "零报告 4" in text  # the two approved before, and these two
    analyst.close()
