"""Each role's home page in a real browser, on a desktop (1280 px) and a phone (390 px):
the to-do list shows the role's work (tests/core/home_fixtures.py), fits the screen, and
its first to-do link opens the page where that work is done. Screenshots of the home page
and of the first to-do's page go to var/screenshots/ (ignored by git) for a person to look
at."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.browser.conftest import log_in
from tests.core import home_fixtures
from tests.core.home_fixtures import Work
from tests.dashboard import conftest as dashboard_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

results = dashboard_fixtures.results
work = home_fixtures.work

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}

# role -> (sections its home page shows, the path its first to-do opens, text seen there)
EXPECTED: dict[str, tuple[list[str], str, str]] = {
    "clerk": (["home-entry"], "/records/entry/", "黎城县委组织部"),
    "reviewer": (["home-review"], "/records/review/", "黎城县委组织部"),
    "liaison": (
        ["home-entry", "home-self-assessment", "home-own-units"],
        "/records/entry/mine/",
        "",
    ),
    "leader": (["home-own-units"], "/analysis/T/2025Q4/units/", "黎城县教育局"),
    "analyst": (["headline"], "/analysis/T/2025Q4/units/", ""),
    "leadership": (["headline"], "/analysis/T/2025Q4/units/", ""),
    "group": (["headline"], "/analysis/T/2025Q4/", "黎侯镇"),
    "commission": (
        ["home-review", "headline", "home-periods", "home-org"],
        "/records/review/",
        "黎城县委组织部",
    ),
    "admin": (["home-review", "headline", "home-system"], "/records/review/", ""),
}


@pytest.fixture
def login(live_server: Any, browser: Any) -> Iterator[Callable[..., Any]]:
    """``login(username, width, height)`` → a logged-in page in a new browser context,
    closed (after its pages went quiet) before the database is flushed."""
    contexts: list[Any] = []

    def open_page(username: str, width: int, height: int) -> Any:
        context = browser.new_context(locale="en-US", viewport={"width": width, "height": height})
        contexts.append(context)
        return log_in(context.new_page(), live_server.url, username)

    yield open_page
    for context in contexts:
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_roles_home_page_leads_to_its_work(
    live_server: Any, login: Callable[..., Any], work: Work, role: str
) -> None:
    sections, landing, seen = EXPECTED[role]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for device, (width, height) in VIEWPORTS.items():
        page = login(work.users[role].username, width, height)
        assert page.locator("h1").first.inner_text() == "我的待办"
        for section in sections:
            assert page.get_by_test_id(section).first.is_visible(), f"{role}: {section}"
        # Nothing wider than the screen (a phone scrolls only down).
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= width, f"{role} on a {device}: {overflow} px wide"
        page.screenshot(path=str(SCREENSHOTS / f"home-{role}-{device}.png"), full_page=True)

        first = page.locator("main [data-todo]").first
        assert first.is_visible(), f"{role} on a {device}: the first to-do is hidden"
        with page.expect_navigation() as navigation:
            first.click()
        assert navigation.value is not None and navigation.value.status == 200
        assert page.url.startswith(f"{live_server.url}{landing}"), page.url
        if seen:
            assert seen in page.locator("main").inner_text()
        page.screenshot(path=str(SCREENSHOTS / f"home-{role}-{device}-todo.png"), full_page=True)


def test_a_reviewer_lands_on_the_stations_queue(
    live_server: Any, login: Callable[..., Any], work: Work
) -> None:
    page = login(work.users["reviewer"].username, *VIEWPORTS["desktop"])
    row = page.get_by_test_id("queue-station").first
    assert row.get_attribute("data-count") == "3"
    with page.expect_navigation():
        row.locator("[data-todo]").click()
    assert page.url.endswith("/records/review/?station=ST-A")
    assert page.locator("[data-testid=review-table] tbody tr[data-record]").count() == 3
