"""Data collection end to end, in a real browser: a clerk enters a deduction with an
evidence file and submits it, a reviewer approves it, and the unit's score page shows the
lower score and the record's note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.framework.models import Indicator
from qingfeng.lib.periods import Period
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.periods import period_open
from qingfeng.records.rescore import period_recompute
from tests.browser.conftest import log_in
from tests.conftest import Org, Scored, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "未按时报送季度廉政风险排查表"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _a1_score(page: Any) -> float:
    cell = page.locator("[data-testid=score-tree] tr[data-code=A1] td").nth(1)
    return float(cell.inner_text().strip())


@pytest.fixture
def collecting(org: Org, scored: Scored) -> Scored:
    """Leaf A1 (deduct 5 per case) belongs to ST-A; 2025Q1 is open and scored."""
    admin = make_user("admin_city", Role.COMMISSION_ADMIN, region=org.city)
    Indicator.objects.filter(version=scored.version, code="A1").update(station=org.station_a)
    period_open(framework=scored.framework, period="2025Q1", actor=admin)
    period_recompute(framework=scored.framework, period=Period.parse("2025Q1"))
    return scored


def test_it_collects_reviews_and_rescores(
    live_server: Any, browser: Any, org: Org, collecting: Scored, tmp_path: Path
) -> None:
    base = live_server.url
    make_user("clerk_a", Role.STATION_CLERK, station=org.station_a)
    reviewer: User = make_user("rev_a", Role.STATION_REVIEWER, station=org.station_a)
    evidence = tmp_path / "通报.pdf"
    evidence.write_bytes(PDF)
    # The unit portrait (the old score page /scores/… redirects there).
    scores_url = f"{base}/analysis/T/2025Q1/units/{org.unit_a1.pk}/"

    # The score before: nothing deducted yet.
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = log_in(context.new_page(), base, "admin_city")
    page.goto(scores_url)
    before = _a1_score(page)
    context.close()

    # The clerk enters the deduction with its evidence, and submits it.
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = log_in(context.new_page(), base, "clerk_a")
    _enter_deduction(page, base, org, collecting, evidence)
    context.close()
    entered = Record.objects.get(note=NOTE)
    assert entered.status == RecordStatus.SUBMITTED
    assert entered.evidence.count() == 1

    # The reviewer approves it on the review page.
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = log_in(context.new_page(), base, reviewer.username)
    page.goto(f"{base}/records/review/")
    row = page.locator(f"[data-testid=review-table] tr[data-record='{entered.pk}']")
    assert NOTE in row.inner_text()
    assert row.get_by_text("通报.pdf").is_visible()
    with page.expect_navigation():
        row.locator("button[name=one]").click()
    assert page.locator(".alert-success").is_visible()
    entered.refresh_from_db()
    assert entered.status == RecordStatus.APPROVED

    # The unit's portrait shows the lower score, and the note behind it.
    page.goto(scores_url)
    assert _a1_score(page) < before
    page.locator("[data-testid=score-tree] tr[data-code=A1] [data-testid=records-link]").click()
    page.locator("[data-testid=records-panel]").get_by_text(NOTE).first.wait_for()
    context.close()


def _enter_deduction(page: Any, base: str, org: Org, collecting: Scored, evidence: Path) -> None:
    """The clerk's entry page for A1 in 2025Q1: one case against unit A1, with a PDF."""
    station, framework = org.station_a.pk, collecting.framework.pk
    page.goto(f"{base}/records/entry/{station}/{framework}/2025Q1/A1/new/")
    page.select_option("#id_unit", str(org.unit_a1.pk))
    page.fill("#id_date", "2025-02-10")
    page.fill("#id_quantity", "1")
    page.fill("#id_note", NOTE)
    page.set_input_files("input[name=evidence]", str(evidence))
    with page.expect_navigation():
        page.click("button[name=submit]")
    page.wait_for_url(f"{base}/records/entry/mine/")
