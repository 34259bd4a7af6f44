"""The two-responsibilities platform in a real browser, on a desktop (1280 px) and once at a
phone's width (390 px): a team member logs in, confirms its duty list, records a fulfilment
with an attachment in one tap from "my duties" and reports a trip; the unit's principal
sees the record; a fellow member does not (404). Screenshots go to var/screenshots/
(ignored by git) for a person to look at."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings

from qingfeng.duties.models import Fulfilment, PersonalReport, SubjectKind
from qingfeng.duties.services import defaults_restore
from tests.browser.conftest import log_in
from tests.duties import conftest as duties_fixtures
from tests.duties.conftest import Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

team = duties_fixtures.team

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def shipped() -> None:
    """The shipped categories and templates: installed by a migration, but an earlier
    test with transactions of its own flushed every table."""
    defaults_restore(actor=None, kinds=SubjectKind.values)


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def open_as(request: Any, live_server: Any, browser: Any) -> Iterator[Any]:
    """Log a user in, in a browser ``request.param`` pixels wide."""
    contexts: list[Any] = []
    width = request.param

    def open_page(username: str) -> Any:
        context = browser.new_context(locale="en-US", viewport={"width": width, "height": 844})
        contexts.append(context)
        return log_in(context.new_page(), live_server.url, username)

    with time_machine.travel(datetime.datetime(2026, 9, 25, 2, tzinfo=datetime.UTC)):
        yield open_page
        for context in contexts:
            context.close()


def test_it_confirms_records_and_reports(
    shipped: None, team: Team, open_as: Any, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    evidence = tmp_path / "谈话记录.pdf"
    evidence.write_bytes(b"%PDF-1.4 browser")
    page = open_as("member")
    width = page.viewport_size["width"]
    suffix = "phone" if width < 500 else "desktop"
    page.goto(f"{live_server.url}/duties/mine/")
    # The list is a draft: the member reads it and confirms it first.
    page.click("[data-testid=list-detail]")
    page.screenshot(path=str(SCREENSHOTS / f"duty-list-{suffix}.png"), full_page=True)
    page.click("[data-testid=confirm]")
    page.wait_for_load_state()
    team.member_list.refresh_from_db()
    assert team.member_list.status == "confirmed"
    assert team.member_list.confirmed_at is not None
    page.goto(f"{live_server.url}/duties/mine/")
    page.screenshot(path=str(SCREENSHOTS / f"fulfil-mine-{suffix}.png"), full_page=True)
    page.locator("[data-testid=record-due]").first.click()
    page.fill("textarea[name=content]", "与分管部门负责人开展廉政谈话")
    page.set_input_files("input[name=attachments]", [str(evidence)])
    page.screenshot(path=str(SCREENSHOTS / f"fulfil-entry-{suffix}.png"), full_page=True)
    page.click("[data-testid=submit]")
    page.wait_for_url(f"{live_server.url}/duties/mine/")
    assert "已记录" in page.content()
    record = Fulfilment.objects.get()
    assert record.attachments.get().name == "谈话记录.pdf"
    # No horizontal scrolling, on the phone either.
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(f"{live_server.url}/duties/reports/new/")
    page.select_option("select[name=kind]", "travel")
    page.fill("input[name=starts]", "2026-09-28")
    page.fill("input[name=ends]", "2026-10-02")
    page.fill("input[name=destination]", "北京")
    page.screenshot(path=str(SCREENSHOTS / f"fulfil-report-{suffix}.png"), full_page=True)
    page.click("[data-testid=submit]")
    page.wait_for_url(f"{live_server.url}/duties/reports/mine/")
    report = PersonalReport.objects.get()
    assert (report.person, report.late) == (team.member, False)

    principal = open_as("principal")
    principal.goto(f"{live_server.url}/duties/records/")
    assert "与分管部门负责人开展廉政谈话" in principal.content()
    principal.goto(f"{live_server.url}/duties/reports/")
    assert "北京" in principal.content()

    fellow = open_as("fellow")
    answer = fellow.goto(f"{live_server.url}/duties/records/{record.pk}/")
    assert answer.status == 404
    fellow.goto(f"{live_server.url}/duties/records/")
    assert "与分管部门负责人开展廉政谈话" not in fellow.content()
