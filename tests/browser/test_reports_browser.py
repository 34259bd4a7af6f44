"""Reports in a real browser (issue 15): the city's analyst generates the filing list
(组织部备案名单) from the "new report" form with their own words; the commission opens
it, issues it (confirming), and it shows its number, frozen; the PDF downloads. A
screenshot of the issued report goes to var/screenshots/ (ignored by git)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from qingfeng.accounts.roles import Role
from qingfeng.lib.periods import Period
from qingfeng.records.rescore import period_recompute
from qingfeng.reports.models import Report, ReportStatus
from tests.browser.conftest import log_in
from tests.conftest import Org, Scored, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WORDS = "本季度预警单位较多，请在干部考察中重点关注。"


def _context(browser: Any, width: int = 1280) -> Any:
    return browser.new_context(locale="en-US", viewport={"width": width, "height": 900})


def test_the_filing_list_is_generated_and_issued(
    live_server: Any, browser: Any, org: Org, scored: Scored, settings: Any
) -> None:
    settings.QINGFENG_PDF_ENGINE = "weasyprint"
    base = live_server.url
    period_recompute(framework=scored.framework, period=Period.parse("2025Q1"))
    make_user("analyst_city", Role.ANALYST, region=org.city)
    make_user("commission_city", Role.COMMISSION_ADMIN, region=org.city)

    # The analyst fills the form: kind, framework, period, their words; generates.
    context = _context(browser)
    page = log_in(context.new_page(), base, "analyst_city")
    page.goto(f"{base}/reports/")
    with page.expect_navigation():
        page.click("[data-testid=new-report]")
    form = page.locator("[data-testid=new-report-form]")
    form.locator("[name=kind]").select_option("filing")
    form.locator("[name=framework]").select_option(scored.framework.code)
    form.locator("[name=period]").select_option("2025Q1")
    form.locator("[name=text]").fill(WORDS)
    with page.expect_navigation():
        form.locator("[data-testid=generate]").click()
    assert page.locator("[data-testid=report-status]").get_attribute("data-status") == "draft"
    preview = page.locator("[data-testid=report-preview]").inner_text()
    assert WORDS in preview and "黎城县教育局" in preview and "〔　　〕号" in preview
    assert page.locator("[data-testid=issue]").count() == 0  # an analyst does not issue
    context.close()
    report = Report.objects.get()

    # The commission issues it, after confirming.
    context = _context(browser)
    page = log_in(context.new_page(), base, "commission_city")
    page.goto(f"{base}/reports/{report.pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("[data-testid=issue]")
    assert page.locator("[data-testid=report-status]").get_attribute("data-status") == "draft"
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=issue]")
    report.refresh_from_db()
    assert report.status == ReportStatus.ISSUED and report.reference
    assert page.locator("[data-testid=report-status]").get_attribute("data-status") == "issued"
    assert page.locator("[data-testid=report-reference]").inner_text() == report.reference
    assert report.reference in page.locator("[data-testid=report-preview]").inner_text()
    assert page.locator("[data-testid=frozen]").is_visible()
    assert page.locator("[data-testid=issue-form]").count() == 0
    assert page.locator("[data-testid=upload-form]").count() == 0
    with page.expect_download() as download:
        page.click("[data-testid=download-pdf]")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report-issued-1280.png"), full_page=True)
    context.close()
