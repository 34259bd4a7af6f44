"""From warning to action in a real browser (issue 12): an analyst opens a red warning in
the register and issues a warning notice (预警通知书); the unit's liaison finds it in the
inbox, answers with measures, adds an evidence file and reports the rectification done;
the commission accepts the measures and verifies and closes the problem (销号). The
response follows the problem to "closed" and the notice stays as it was issued."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from qingfeng.accounts.roles import Role
from qingfeng.lib.periods import Period
from qingfeng.monitoring.models import Response, ResponseKind, ResponseState, Warning
from qingfeng.records.rescore import period_recompute
from qingfeng.rectification.models import Problem, ProblemState
from tests.browser.conftest import log_in
from tests.conftest import Org, Scored, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEASURES = "一、召开专题民主生活会；二、建立月度督办台账"
RESULT = "专题会议已召开，督办台账已建立并运行"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _context(browser: Any) -> Any:
    return browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})


def _act(page: Any, move: str, **fields: str) -> None:
    """Fill and send one move's form on a problem's page."""
    form = page.locator(f"[data-testid=action-{move}]")
    for name, value in fields.items():
        form.locator(f"[name='{move}-{name}']").fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".alert-success").is_visible(), page.content()[:2000]


def test_a_red_warning_becomes_a_notice_and_a_closed_problem(
    live_server: Any, browser: Any, org: Org, scored: Scored, tmp_path: Path
) -> None:
    base = live_server.url
    # No records: unit A1 scores A = 30 / 60 (red, below 0.6) in an ended quarter; the
    # recompute syncs the register in its transaction.
    period_recompute(framework=scored.framework, period=Period.parse("2025Q1"))
    warning = Warning.objects.get(
        unit=org.unit_a1, period="2025Q1", node_code="A", framework=scored.framework
    )
    assert warning.band == "red"
    make_user("analyst_a", Role.ANALYST, region=org.county_a)
    make_user("liaison_a1", Role.UNIT_LIAISON, unit=org.unit_a1)
    make_user("commission_a", Role.COMMISSION_ADMIN, region=org.county_a)

    # The analyst finds the red warning in the register and issues a warning notice.
    context = _context(browser)
    page = log_in(context.new_page(), base, "analyst_a")
    page.goto(f"{base}/warnings/?framework={scored.framework.code}&period=2025Q1&band=red")
    row = page.locator("[data-testid=register] tr", has_text=org.unit_a1.name).filter(
        has_text="指标A"
    )
    with page.expect_navigation():
        row.locator("[data-testid=warning-link]").click()
    form = page.locator("[data-testid=issue-form]")
    form.locator("[name=kind]").select_option(ResponseKind.WARNING_NOTICE.value)
    with page.expect_navigation():
        form.locator("[data-testid=issue]").click()
    assert page.locator(".alert-success").is_visible()
    context.close()
    response = Response.objects.get(warning=warning)
    assert response.kind == ResponseKind.WARNING_NOTICE and response.state == ResponseState.ISSUED
    problem = Problem.objects.get(response=response)
    issued = bytes(response.document.content)  # type: ignore[union-attr]

    # The liaison sees the notice in the inbox, opens the problem and answers it.
    context = _context(browser)
    page = log_in(context.new_page(), base, "liaison_a1")
    page.goto(f"{base}/inbox/")
    titles = page.locator("[data-testid=notice-title]").all_inner_texts()
    assert any(response.document.reference in title for title in titles), titles  # type: ignore[union-attr]
    page.goto(f"{base}/problems/mine/")
    mine = page.locator(f"[data-testid=my-problem][data-problem='{problem.number}']")
    assert org.unit_a1.name in page.content() and mine.is_visible()
    page.goto(f"{base}/problems/{problem.pk}/")
    _act(page, "measures", text=MEASURES)
    context.close()
    problem.refresh_from_db()
    response.refresh_from_db()
    assert problem.state == ProblemState.MEASURES and response.state == ResponseState.ANSWERED

    # The commission accepts the measures.
    context = _context(browser)
    page = log_in(context.new_page(), base, "commission_a")
    page.goto(f"{base}/problems/{problem.pk}/")
    _act(page, "accept")
    context.close()

    # The liaison adds evidence and reports the rectification done.
    evidence = tmp_path / "整改佐证.pdf"
    evidence.write_bytes(PDF)
    context = _context(browser)
    page = log_in(context.new_page(), base, "liaison_a1")
    page.goto(f"{base}/problems/{problem.pk}/")
    evidence_form = page.locator("[data-testid=action-evidence]")
    evidence_form.locator("input[type=file]").set_input_files(str(evidence))
    with page.expect_navigation():
        evidence_form.locator("button[type=submit]").click()
    assert page.locator("[data-testid=evidence]").get_by_text("整改佐证.pdf").is_visible()
    _act(page, "report", text=RESULT)
    context.close()

    # The commission verifies and closes it; every step is on the problem's page.
    context = _context(browser)
    page = log_in(context.new_page(), base, "commission_a")
    page.goto(f"{base}/problems/{problem.pk}/")
    _act(page, "close")
    steps = page.locator("[data-testid=steps]").inner_text()
    assert MEASURES in page.content() and RESULT in page.content()
    assert steps.count("\n") >= 4, steps
    context.close()

    problem.refresh_from_db()
    response.refresh_from_db()
    assert problem.state == ProblemState.CLOSED and problem.closed_at is not None
    assert response.state == ResponseState.CLOSED
    # The notice is frozen: the stored file is the one issued, and it names the unit.
    assert bytes(response.document.content) == issued  # type: ignore[union-attr]
    text = "\n".join(p.text for p in Document(io.BytesIO(issued)).paragraphs)
    assert org.unit_a1.name in text and response.document.reference in text  # type: ignore[union-attr]
