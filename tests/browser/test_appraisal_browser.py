"""A democratic evaluation's phone slip in a real browser (390 px): the attendee leaves a
leader out and is told the slip is invalid, then grades everyone and hands it in — the
browser's own POST passes the CSRF check (its Origin header included) — and the slip
answers 404 from then on. Screenshots go to var/screenshots/ (ignored by git)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from qingfeng.surveys.models import AppraisalGrade
from tests.surveys.appraisal_helpers import add_teams, make_appraisal, slips_of
from tests.surveys.conftest import SurveyWorld, survey_world

# The surveys' world, in this directory too (the browser fixture lives here).
survey_world = survey_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_it_casts_a_slip_on_a_phone(
    live_server: Any,
    browser: Any,
    survey_world: SurveyWorld,
) -> None:
    add_teams(survey_world)
    appraisal = make_appraisal(survey_world)
    slip = slips_of(appraisal, survey_world.org.unit_a1)[0]
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    url = f"{live_server.url}/s/p/{slip.code}/"
    page.goto(url)
    leaders = page.locator("[data-testid=slip-leader]")
    assert leaders.count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    leaders.nth(0).get_by_text("优秀", exact=True).click()
    leaders.nth(1).get_by_text("称职", exact=True).click()
    with page.expect_navigation():
        page.click("[data-testid=slip-submit]")
    assert "漏选等次的测评票为无效票" in page.locator("[data-testid=slip-error]").inner_text()
    assert not AppraisalGrade.objects.exists()
    leaders = page.locator("[data-testid=slip-leader]")
    leaders.nth(2).get_by_text("基本称职", exact=True).click()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "appraisal-slip-390.png"), full_page=True)
    with page.expect_navigation():
        page.click("[data-testid=slip-submit]")
    assert page.locator("[data-testid=slip-thanks]").count() == 1
    grades = dict(AppraisalGrade.objects.values_list("subject__person__name", "grade"))
    assert grades == {"王建国": "excellent", "张丽": "competent", "赵强": "basic"}
    assert page.goto(url).status == 404
    context.close()
