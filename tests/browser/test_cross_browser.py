"""A rater's public table in a real browser on a phone (390 px): open the link, hand in a
wrong number (refused with its words), correct it, hand in, see the thanks page; the
ratings are stored. A real browser sends the form's Origin, which Django's CSRF check
reads (the test client does not): this is where a wrong referrer policy shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from qingfeng.surveys.models import CrossRating
from tests.surveys.conftest import SurveyWorld, survey_world
from tests.surveys.cross_helpers import cross_world, make_cross, rater_of

__all__ = ["survey_world"]  # the shared surveys world, as a fixture here too

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_it_takes_a_raters_table_on_a_phone(
    survey_world: SurveyWorld,
    live_server: Any,
    browser: Any,
) -> None:
    cw = cross_world(survey_world)
    evaluation = make_cross(cw)
    town = rater_of(evaluation, "黎侯镇")
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/s/r/{town.token}/")
        assert page.locator("[data-testid=rater-name]").inner_text() == "黎侯镇"
        cells = page.locator("input[inputmode=decimal]")
        assert cells.count() == 3
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for index, value in enumerate(["8", "26", "7.5"]):
            cells.nth(index).fill(value)
        page.click("[data-testid=rater-submit]")
        assert "分值应在0至9.5分之间" in page.locator("[data-testid=field-error]").inner_text()
        assert not CrossRating.objects.exists()
        page.locator("input[inputmode=decimal]").nth(1).fill("9")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "cross-rater-390.png"), full_page=True)
        page.click("[data-testid=rater-submit]")
        page.wait_for_url(f"{live_server.url}/s/r/{town.token}/thanks/")
        assert "您的评分表已提交" in page.locator("[data-testid=rater-thanks]").inner_text()
    finally:
        context.close()
    stored = dict(CrossRating.objects.filter(rater=town).values_list("rated__code", "points"))
    assert stored == {"A1": 8.0, "A1-1": 9.0, "A6": 7.5}
