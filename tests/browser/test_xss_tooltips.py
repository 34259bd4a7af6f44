"""Issue 10, finding 1: stored XSS in chart tooltips.

A problem type pushed by the API, a unit name and an indicator name are user text; an
ECharts tooltip formatter renders its return value as HTML. An analyst hovers the charts
where that text appears: the tooltip shows the text literally, no script runs, and the
Content-Security-Policy reports no violation on any analysis page (the charts still draw).
Screenshots (desktop and a 390 px phone) go to var/screenshots/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from qingfeng.framework.models import Indicator
from qingfeng.lib.periods import Period
from qingfeng.records.rescore import period_recompute
from tests.browser.conftest import log_in
from tests.browser.test_analysis_browser import SCREENSHOTS, _charts_drawn
from tests.conftest import record
from tests.dashboard import conftest as dashboard_fixtures
from tests.dashboard.conftest import QUARTERS, Results

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

results = dashboard_fixtures.results

HOSTILE_TYPE = '<img src=x onerror="window.__xss=1">'
HOSTILE_UNIT = '<img src=x onerror="window.__xss=2">局'
HOSTILE_INDICATOR = '<b onmouseover="window.__xss=3">廉洁</b><script>window.__xss=4</script>'


@pytest.fixture
def hostile(results: Results) -> Results:
    """The analysis results plus a hostile problem type, unit name and indicator name."""
    scored, org = results.scored, results.org
    record(scored, org.unit_a2, "A1", "2025-09-01", quantity=1, problem_type=HOSTILE_TYPE)
    org.unit_a2.name = HOSTILE_UNIT
    org.unit_a2.save()
    Indicator.objects.filter(version=scored.version, code="A").update(name=HOSTILE_INDICATOR)
    for quarter in QUARTERS:
        period_recompute(framework=scored.framework, period=Period.parse(quarter))
    return results


class Browser:
    """Logged-in pages that record every console message and uncaught page error."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base = browser, base
        self.contexts: list[Any] = []
        self.console: list[str] = []

    def open(self, username: str, **options: Any) -> Any:
        options.setdefault("viewport", {"width": 1366, "height": 768})
        context = self.browser.new_context(locale="en-US", **options)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: self.console.append(message.text))
        page.on("pageerror", lambda error: self.console.append(str(error)))
        return log_in(page, self.base, username)

    def csp_violations(self) -> list[str]:
        return [text for text in self.console if "Content Security Policy" in text]


@pytest.fixture
def browse(live_server: Any, browser: Any) -> Iterator[Browser]:
    session = Browser(browser, live_server.url)
    yield session
    for context in session.contexts:
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()


def _hover(page: Any, chart: str, finder: str, *, series: int = 0) -> Any:
    """Move the mouse onto the item of ``chart`` at the pixel ECharts gives for ``finder``
    (a JS expression of the chart's option ``o``) and return the visible tooltip element.
    """
    page.locator(f"[data-chart={chart}]").scroll_into_view_if_needed()
    box = page.locator(f"[data-chart={chart}]").bounding_box()
    x, y = page.evaluate(
        f"""([chart, series]) => {{
            const el = document.querySelector(`[data-chart=${{chart}}]`);
            const c = echarts.getInstanceByDom(el), o = c.getOption();
            return c.convertToPixel({{seriesIndex: series}}, {finder});
        }}""",
        [chart, series],
    )
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = page.locator(f"[data-chart={chart}] > div:not(:first-child)").last
    tooltip.wait_for(state="visible")
    return tooltip


def _heatmap_row(page: Any, label: str) -> int:
    """The row of the problems heat map that shows the problem type ``label``."""
    row: int = page.evaluate(
        """(label) => echarts.getInstanceByDom(
            document.querySelector('[data-chart=problems-heatmap]')
        ).getOption().yAxis[0].data.indexOf(label)""",
        label,
    )
    return row


def _cell_of_row(row: int) -> str:
    """The finder of the first heat-map cell with records in ``row`` (a problem type)."""
    return f"o.series[0].data.find(cell => cell[1] === {row}).slice(0, 2)"


def _no_script_ran(page: Any) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("[data-chart] img, [data-chart] script, [data-chart] b").count() == 0


def test_xss_chart_tooltips_show_hostile_text_literally(
    live_server: Any, browse: Browser, hostile: Results
) -> None:
    base, page = live_server.url, browse.open(hostile.analyst.username)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # Problems: the heat-map cell of the hostile type (row) in the units' category (column).
    page.goto(f"{base}/analysis/T/2025/problems/")
    _charts_drawn(page)
    row = _heatmap_row(page, HOSTILE_TYPE)
    assert row >= 0
    tooltip = _hover(page, "problems-heatmap", _cell_of_row(row))
    assert HOSTILE_TYPE in tooltip.inner_text()
    _no_script_ran(page)
    page.screenshot(path=str(SCREENSHOTS / "xss-problems-tooltip.png"), full_page=True)
    assert browse.csp_violations() == []

    # The stacked bars' default axis tooltip lists the type as a series name.
    bars = f"o.series.find(s => s.name === {HOSTILE_TYPE!r}).data.findIndex(n => n > 0)"
    tooltip = _hover(page, "problems-by-type", f"[{bars}, 0.5]")
    assert HOSTILE_TYPE in tooltip.inner_text()
    _no_script_ran(page)

    # Comparison: the bar of the hostile unit name.
    page.goto(f"{base}/analysis/T/2025Q3/compare/")
    _charts_drawn(page)
    bar = f"o.xAxis[0].data.indexOf({HOSTILE_UNIT!r})"
    tooltip = _hover(page, "compare-indicator", f"[{bar}, o.series[0].data[{bar}].value]")
    assert HOSTILE_UNIT in tooltip.inner_text()
    _no_script_ran(page)

    # Portrait: the radar's tooltip lists the hostile indicator name.
    page.goto(f"{base}/analysis/T/2025Q3/units/{hostile.org.unit_a2.pk}/")
    _charts_drawn(page)
    assert HOSTILE_UNIT in page.locator("h1").inner_text()
    tooltip = _hover(page, "portrait-radar", "[0, 0]")
    assert HOSTILE_INDICATOR in tooltip.inner_text()
    _no_script_ran(page)


def test_xss_tooltip_on_a_phone(live_server: Any, browse: Browser, hostile: Results) -> None:
    page = browse.open(hostile.analyst.username, viewport={"width": 390, "height": 844})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/analysis/T/2025/problems/")
    _charts_drawn(page)
    row = _heatmap_row(page, HOSTILE_TYPE)
    tooltip = _hover(page, "problems-heatmap", _cell_of_row(row))
    assert HOSTILE_TYPE in tooltip.inner_text()
    _no_script_ran(page)
    page.locator("[data-chart=problems-heatmap]").screenshot(
        path=str(SCREENSHOTS / "xss-problems-tooltip-phone.png")
    )
    page.screenshot(path=str(SCREENSHOTS / "xss-problems-phone.png"), full_page=True)


def test_xss_csp_reports_no_violation_on_the_analysis_pages(
    live_server: Any, browse: Browser, hostile: Results
) -> None:
    base, unit = live_server.url, hostile.org.unit_a1.pk
    page = browse.open(hostile.analyst.username)
    pages = [
        "/analysis/",
        "/analysis/T/2025Q1/",
        f"/analysis/T/2025Q1/units/{unit}/",
        f"/analysis/T/2025Q1/units/{unit}/leadership/",
        "/analysis/T/2025Q1/compare/",
        "/analysis/T/compare/trend/",
        "/analysis/T/2025Q1/compare/yoy/",
        "/analysis/T/2025/problems/",
        "/analysis/search/?q=黎城",
        "/api/docs",
        "/api/docs?ui=swagger",
    ]
    for url in pages:
        response = page.goto(f"{base}{url}")
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        if url.startswith("/analysis/T/"):
            _charts_drawn(page)
        page.wait_for_load_state("networkidle")
    page.wait_for_selector("#swagger-ui .info")  # the API docs drew under the policy
    assert browse.csp_violations() == []


def test_xss_csp_moved_inline_handlers_still_work(
    live_server: Any, browse: Browser, hostile: Results
) -> None:
    """The behaviours that were inline handlers (blocked by the policy) now live in
    qingfeng.js and do the same: the ranking's period picker, an auto-submitting select."""
    base = live_server.url
    page = browse.open(hostile.analyst.username)
    page.goto(f"{base}/scores/T/2025Q1/")
    page.select_option("form select[name=period]", "2025Q2")
    page.wait_for_url(f"{base}/scores/T/2025Q2/")
    page.select_option("form select[name=category]", hostile.org.category.code)
    page.wait_for_url(f"**/scores/T/2025Q2/?category={hostile.org.category.code}")

    page.goto(f"{base}/analysis/T/2025Q1/compare/")
    page.select_option("[data-testid=node-picker] select[name=node]", "A")
    page.wait_for_url("**node=A*")
    assert browse.csp_violations() == []
