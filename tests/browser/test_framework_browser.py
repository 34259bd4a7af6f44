"""Editing a draft framework in a real browser: the indicator form shows only the chosen
rule's fields (static/js/framework-form.js, no inline script), and publishing asks first,
showing the effect on the scores, on a desktop and on a 390 px phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.framework import services
from qingfeng.framework.models import FrameworkVersion, Indicator
from tests.browser.conftest import log_in
from tests.conftest import make_user
from tests.dashboard import conftest as dashboard_fixtures
from tests.dashboard.conftest import Results

results = dashboard_fixtures.results

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _shown(page: Any, name: str) -> bool:
    return bool(page.locator(f"[name={name}]").is_visible())


@pytest.fixture
def draft(results: Results) -> tuple[User, FrameworkVersion]:
    """A city administrator and a copy of T v1 deducting 10 instead of 5 per item on A1."""
    city_admin = make_user("city_admin", Role.COMMISSION_ADMIN, region=results.org.city)
    copy = services.version_copy(version=results.scored.version, actor=city_admin)
    a1 = Indicator.objects.get(version=copy, code="A1")
    a1.rule = {"type": "deduct", "per": 10, "cap": 30}
    services.indicator_save(indicator=a1, actor=city_admin)
    return city_admin, copy


@pytest.mark.parametrize("width", [1280, 390])
def test_the_indicator_form_follows_the_chosen_rule(
    live_server: Any, browser: Any, draft: tuple[User, FrameworkVersion], width: int
) -> None:
    _admin, version = draft
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = log_in(context.new_page(), live_server.url, "city_admin")
    a1 = Indicator.objects.get(version=version, code="A1")
    page.goto(f"{live_server.url}/frameworks/indicators/{a1.pk}/edit/")
    assert _shown(page, "per") and _shown(page, "cap")
    assert not _shown(page, "zero_at") and not _shown(page, "grades_text")
    page.select_option("select[data-qf-rule-type]", "rate")
    assert _shown(page, "zero_at") and _shown(page, "full_at")
    assert not _shown(page, "per") and not _shown(page, "cap")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"indicator-form-{width}.png"), full_page=True)
    page.select_option("select[data-qf-rule-type]", "")  # a group: no rule fields at all
    assert not any(_shown(page, n) for n in ("per", "cap", "zero_at", "full_at"))
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_publishing_asks_and_shows_the_effect(
    live_server: Any, browser: Any, draft: tuple[User, FrameworkVersion], width: int
) -> None:
    _admin, version = draft
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = log_in(context.new_page(), live_server.url, "city_admin")
    page.goto(f"{live_server.url}/frameworks/versions/{version.pk}/")
    page.get_by_test_id("publish-link").click()
    page.wait_for_url(f"**/versions/{version.pk}/publish/confirm/")
    assert page.get_by_test_id("preview-moves").locator("tbody tr").count() > 0
    assert "按此草稿重算" in page.get_by_test_id("preview-summary").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"publish-preview-{width}.png"), full_page=True)
    # The confirmation dialog: dismissed, nothing is published.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_test_id("publish").click()
    version.refresh_from_db()
    assert version.is_draft
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("publish").click()
    page.wait_for_url(f"**/versions/{version.pk}/")
    version.refresh_from_db()
    assert not version.is_draft
    context.close()
