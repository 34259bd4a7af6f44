"""A new user's first minutes, in a real browser: log in (Chinese), browse, switch language."""

from __future__ import annotations

from typing import Any

import pytest

from qingfeng.accounts.models import User
from tests.browser.conftest import log_in
from tests.conftest import Org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_in_chinese_and_filters_units(
    live_server: Any, page: Any, org: Org, admin_a: User
) -> None:
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("button[type=submit]").inner_text().strip() == "登录"
    log_in(page, base, "admin_a")
    assert page.get_by_test_id("unit-count").inner_text() == "3"

    page.goto(f"{base}/org/units/")
    rows = page.get_by_test_id("unit-table").locator("tbody tr")
    assert rows.count() == 3
    # Typing in the search box filters through htmx without reloading the page.
    page.fill("main input[name=q]", "黎侯")  # not the navigation bar's one-stop query box
    # A function, not an expression: Playwright evaluates an expression with eval, which
    # the Content-Security-Policy refuses.
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=unit-table] tbody tr').length === 1"
    )
    assert "黎侯镇" in rows.first.inner_text()
    assert "q=" in page.url  # the filter is in the address, so it can be shared


def test_it_switches_to_english(live_server: Any, page: Any, org: Org, admin_a: User) -> None:
    base = live_server.url
    log_in(page, base, "admin_a")
    # Choosing a language submits the form: wait for the page it leads to.
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log out").is_visible()


def test_it_hides_other_counties_in_the_browser(
    live_server: Any, page: Any, org: Org, admin_b: User
) -> None:
    base = live_server.url
    log_in(page, base, "admin_b")
    response = page.goto(f"{base}/org/units/{org.unit_a1.pk}/")
    assert response.status == 404
