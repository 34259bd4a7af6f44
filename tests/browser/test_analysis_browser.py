"""The analysis pages in a real browser: an analyst opens the overview, clicks a red
heat-map cell and lands on that unit's portrait at that indicator, opens the records
behind a deduction, and exports the ranking; a unit liaison cannot reach the overview or
other units. Screenshots of the overview and a portrait go to var/screenshots/ (ignored
by git) so a person can look at what users see."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from openpyxl import load_workbook

from tests.browser.conftest import log_in
from tests.dashboard import conftest as dashboard_fixtures
from tests.dashboard.conftest import Results

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The analysis fixtures live beside the dashboard tests; this directory borrows them.
results = dashboard_fixtures.results

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def login(live_server: Any, browser: Any) -> Iterator[Callable[..., Any]]:
    """``login(username, **context options)`` → a logged-in page in a new browser context.

    The contexts are closed when the test ends, after their pages have gone quiet and
    before the database is flushed: a chart still fetching its JSON from the live server
    would otherwise hold SQLite's lock during the flush.
    """
    contexts: list[Any] = []

    def open_page(username: str, **options: Any) -> Any:
        options.setdefault("viewport", {"width": 1366, "height": 768})
        context = browser.new_context(locale="en-US", accept_downloads=True, **options)
        contexts.append(context)
        return log_in(context.new_page(), live_server.url, username)

    yield open_page
    for context in contexts:
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()


def _charts_drawn(page: Any) -> None:
    """Wait until every chart on the page has fetched its JSON and drawn.

    A function, not an expression: Playwright evaluates an expression with eval, which the
    Content-Security-Policy refuses.
    """
    page.wait_for_function(
        "() => [...document.querySelectorAll('.qf-chart')].every(e => e.dataset.ready === '1')"
    )


def test_it_goes_from_the_forest_to_a_tree(
    live_server: Any, login: Any, results: Results, tmp_path: Path
) -> None:
    base, unit = live_server.url, results.org.unit_a1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = login(results.analyst.username)

    page.goto(f"{base}/analysis/T/2025Q1/")
    heatmap = page.locator("[data-testid=heatmap]")
    assert "黎城县教育局" in heatmap.inner_text()
    assert "平顺县财政局" not in page.content()  # county B is outside the analyst's scope
    _charts_drawn(page)
    page.screenshot(path=str(SCREENSHOTS / "overview.png"), full_page=True)

    # A1 lost 10 of A1's 30 points and has no bonus: A = 20 / 60, a red cell.
    cell = heatmap.locator(f"td[data-unit='{unit.pk}'][data-code='A']")
    assert cell.get_attribute("data-band") == "red"
    cell.locator("a").click()
    page.wait_for_url(f"**/analysis/T/2025Q1/units/{unit.pk}/?node=A*")
    focused = page.locator("[data-testid=score-tree] tr.qf-focus")
    assert focused.get_attribute("data-code") == "A"
    assert focused.is_visible()
    _charts_drawn(page)
    page.screenshot(path=str(SCREENSHOTS / "portrait.png"), full_page=True)

    # The deduction on leaf A1 opens the record behind it.
    page.locator("[data-testid=score-tree] tr[data-code='A1'] [data-testid=records-link]").click()
    panel = page.locator("[data-testid=records-panel]")
    panel.locator("[data-testid=record-row]").first.wait_for()
    assert "公车私用" in panel.inner_text()

    # Export the ranking and read the workbook back.
    page.goto(f"{base}/analysis/T/2025Q1/")
    with page.expect_download() as download:
        page.locator("[data-testid=export-ranking]").click()
    path = tmp_path / "ranking.xlsx"
    download.value.save_as(path)
    cells = [
        str(value)
        for row in load_workbook(path).worksheets[0].iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert "排名" in cells  # Chinese headers: the UI starts in Chinese
    assert {"黎城县教育局", "黎城县第一中学", "黎侯镇"} <= set(cells)
    assert "平顺县财政局" not in cells


def test_it_keeps_a_liaison_to_its_own_unit(live_server: Any, login: Any, results: Results) -> None:
    base, org = live_server.url, results.org
    page = login(results.liaison.username)
    assert page.goto(f"{base}/analysis/T/2025Q1/").status == 404
    assert page.goto(f"{base}/analysis/").status == 404
    assert page.goto(f"{base}/analysis/T/2025Q1/units/{org.unit_a2.pk}/").status == 404
    own = page.goto(f"{base}/analysis/T/2025Q1/units/{org.unit_a1.pk}/")
    assert own.status == 200
    assert "黎城县教育局" in page.locator("h1").inner_text()
    _charts_drawn(page)  # its own radar and trend load too


def test_it_fits_a_phone(live_server: Any, login: Any, results: Results) -> None:
    base, unit = live_server.url, results.org.unit_a1.pk
    page = login(results.analyst.username, viewport={"width": 390, "height": 844})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "overview": "/analysis/T/2025Q1/",
        "portrait": f"/analysis/T/2025Q1/units/{unit}/",
        "leadership": f"/analysis/T/2025Q1/units/{unit}/leadership/",
        "compare": "/analysis/T/2025Q1/compare/",
        "trend": "/analysis/T/compare/trend/",
        "yoy": "/analysis/T/2025Q1/compare/yoy/",
        "problems": "/analysis/T/2025/problems/",
        "search": "/analysis/search/?q=黎城",
    }
    for name, url in pages.items():
        assert page.goto(f"{base}{url}").status == 200, url
        _charts_drawn(page)
        # Nothing wider than the screen: wide tables scroll inside their own box.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (url, overflow)
        page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)
    # A province's tables are far wider than the fixture's: widened, they still scroll
    # inside their box, hidden header labels (positioned) included.
    page.goto(f"{base}/analysis/T/2025Q1/")
    assert page.locator(".table-responsive th .visually-hidden").count()
    page.evaluate(
        "document.querySelectorAll('.table-responsive > table')"
        ".forEach(t => t.classList.add('qf-test-wide'))"
    )
    page.add_style_tag(content=".qf-test-wide { min-width: 1200px; }")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, ("overview with wide tables", overflow)
