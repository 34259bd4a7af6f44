"""A member of the public answers a unit's questionnaire on a phone (Chromium, 390 px
wide): opens the unit's link as a QR code would, taps an answer to every question, sends
it and sees the thanks page; one more response is stored. Screenshots of the form, of its
error state and of the thanks page go to var/screenshots/ (ignored by git)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from qingfeng.surveys.models import SurveyLink, SurveyResponse
from tests.browser.conftest import log_in
from tests.surveys.conftest import SurveyWorld, make_campaign, survey_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["survey_world"]  # the shared surveys world, as a fixture here too

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def link(survey_world: SurveyWorld) -> SurveyLink:
    cache.clear()  # the per-link answer counts of earlier tests
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a2])
    return campaign.links.get(unit=org.unit_a1)


def _board_answers(board: Any, url: str, unit_code: str) -> int:
    """The answers so far of ``unit_code`` on the campaign's quota board, as shown."""
    board.goto(url)
    return int(board.locator(f"tr[data-unit='{unit_code}'] [data-testid=answers]").inner_text())


def test_a_phone_answers_a_units_questionnaire(
    live_server: Any, browser: Any, link: SurveyLink
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = SurveyResponse.objects.filter(link=link).count()
    # The commission's board (on a phone too) before the answer.
    office = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    board = log_in(office.new_page(), live_server.url, "admin_a")
    board_url = f"{live_server.url}{reverse('surveys:campaign_board', args=[link.campaign_id])}"
    assert _board_answers(board, board_url, link.unit.code) == before
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/s/{link.token}/")
        assert page.get_by_test_id("survey-unit").inner_text() == "被调查单位：黎城县教育局"
        assert "黎侯镇" not in page.content()
        assert page.locator("nav").count() == 0
        # Nothing wider than the phone (it scrolls only down); five big Likert buttons.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        likert = page.locator("[data-question=q1] label.btn")
        assert likert.count() == 5
        assert likert.first.bounding_box()["height"] >= 44  # a thumb's target
        page.screenshot(path=str(SCREENSHOTS / "survey-phone-form.png"), full_page=True)

        # Sent without the required answers: errors beside the questions, nothing stored.
        page.get_by_test_id("survey-submit").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("question-error").count() == 2
        page.screenshot(path=str(SCREENSHOTS / "survey-phone-errors.png"), full_page=True)
        assert SurveyResponse.objects.filter(link=link).count() == before

        page.locator("label[for=q1-4]").click()  # 满意
        page.locator("label[for=q2-1]").click()  # 满意
        page.locator("label[for=q3-1]").click()  # 公开透明
        page.locator("label[for=q3-2]").click()  # 办事高效
        page.fill("#q4-text", "窗口服务很耐心。")
        with page.expect_navigation():
            page.get_by_test_id("survey-submit").click()
        assert page.url.endswith(f"/s/{link.token}/thanks/")
        assert "感谢您的参与" in page.get_by_test_id("survey-thanks").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "survey-phone-thanks.png"), full_page=True)

        assert SurveyResponse.objects.filter(link=link).count() == before + 1
        stored = SurveyResponse.objects.filter(link=link).latest("pk")
        assert stored.answers == {"q1": 4, "q2": 1, "q3": [1, 2], "q4": "窗口服务很耐心。"}
        # Back on the link, the same phone is told it has answered.
        page.goto(f"{live_server.url}/s/{link.token}/")
        assert page.get_by_test_id("survey-already").is_visible()
        # The board's count went up by one.
        assert _board_answers(board, board_url, link.unit.code) == before + 1
        board.screenshot(path=str(SCREENSHOTS / "survey-phone-board.png"), full_page=True)
    finally:
        page.wait_for_load_state("networkidle")
        context.close()
        office.close()
