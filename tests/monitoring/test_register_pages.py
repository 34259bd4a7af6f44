"""The register's pages: the register page and its export (scoped, filtered, counted per
state), and the overview and the portrait reading their warnings from the register."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.dashboard import access
from qingfeng.dashboard import overview_tables as tables
from qingfeng.dashboard.overview import OverviewQuery
from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.monitoring.models import Warning
from qingfeng.org.models import Unit
from tests.conftest import client_for, english, make_user
from tests.dashboard import conftest as dashboard_fixtures
from tests.dashboard.conftest import Results
from tests.dashboard.test_hostile_exports import SAFE, UNIT_NAME, _assert_safe, _cells
from tests.demo_county import DemoCounty

results = dashboard_fixtures.results
pytestmark = pytest.mark.django_db
REGISTER = reverse("monitoring:register")
EXPORT = reverse("monitoring:register_xlsx")


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr data-warning=\"(\d+)\"", html)


# ---------------------------------------------------------------- the demo county


def test_the_register_for_lk_2026q3_is_the_overviews_warnings(demo_county: DemoCounty) -> None:
    analyst = User.objects.get(username="analyst")
    framework = Framework.objects.get(code="LK")
    period = Period.parse("2026Q3")
    # The overview's rule read off the snapshots, every warning in the analyst's scope.
    snapshot_rows, count = tables.warning_rows(
        results=access.period_results(user=analyst, framework=framework, period=period),
        query=OverviewQuery(),
    )
    from_snapshots = {(r.unit_pk, r.code, r.band, r.vetoed) for r in snapshot_rows}
    stored = Warning.objects.filter(
        framework=framework, period="2026Q3", state="active", kind__in=["band", "veto"]
    )
    register = {(w.unit_id, w.node_code, w.band or "none", w.kind == "veto") for w in stored}
    assert count > 50 and register == from_snapshots
    # The overview page reads the register and says so; the same count, the same order.
    client = client_for(analyst)
    page = client.get(reverse("dashboard:overview", args=["LK", "2026Q3"])).content.decode()
    assert 'data-registered="true"' in page
    assert f'data-testid="warning-count">{count}<' in page
    shown = re.findall(r'<tr data-unit="(\d+)" data-code="([^"]*)" data-band="([^"]*)"', page)
    assert shown == [(str(r.unit_pk), r.code, r.band) for r in snapshot_rows[:50]]
    # The register page opens on LK's latest period, with the ranking rule's call-ins.
    register_page = client.get(REGISTER).content.decode()
    active = Warning.objects.filter(framework=framework, period="2026Q3", state="active")
    assert f'data-testid="count-active">{active.count()}<' in register_page
    assert len(_rows(register_page)) == 50
    assert Warning.objects.filter(framework=framework, kind="call_in").exists()


def test_an_open_period_is_read_off_the_scores_and_says_so(demo_county: DemoCounty) -> None:
    analyst = User.objects.get(username="analyst")
    # A half-year is not of LK's policy kind (quarters): not in the register.
    page = client_for(analyst).get(reverse("dashboard:overview", args=["LK", "2026H1"]))
    text = page.content.decode()
    assert 'data-registered="false"' in text and "未入台账" in text
    assert not Warning.objects.filter(period="2026H1").exists()


def test_the_portrait_reads_the_register(demo_county: DemoCounty) -> None:
    analyst = User.objects.get(username="analyst")
    warning = Warning.objects.filter(
        framework__code="LK", period="2026Q3", state="active", kind="band"
    ).first()
    assert warning is not None
    url = reverse("dashboard:portrait", args=["LK", "2026Q3", warning.unit_id])
    text = client_for(analyst).get(url).content.decode()
    cells = re.findall(r'data-period="2026Q3" data-band="[^"]*" data-warning="(\d+)"', text)
    stored = Warning.objects.filter(
        unit_id=warning.unit_id,
        framework__code="LK",
        period="2026Q3",
        state="active",
        kind__in=["band", "veto"],
    )
    assert sorted(map(int, cells)) == sorted(stored.values_list("pk", flat=True))
    # Half-years are read off the scores and marked so.
    assert 'data-testid="unregistered-note"' in text


# ---------------------------------------------------------------- the analysis fixture


def test_the_register_page_is_scoped_and_filtered(results: Results) -> None:
    client = client_for(results.analyst)
    page = client.get(REGISTER + "?framework=T&period=2025Q4&state=all").content.decode()
    a_units = {results.org.unit_a1.pk, results.org.unit_a2.pk, results.org.unit_a1_sub.pk}
    in_page = {int(pk) for pk in re.findall(r'data-unit="(\d+)"', page)}
    assert in_page and in_page <= a_units
    vetoed = client.get(REGISTER + "?framework=T&period=2025Q4&kind=veto").content.decode()
    assert re.findall(r'data-unit="(\d+)"', vetoed) == [str(results.org.unit_a1.pk)]
    # Another county's analyst sees the shared framework, none of county A's warnings.
    other = client_for(results.analyst_b).get(REGISTER + "?framework=T&state=all")
    assert other.status_code == 200
    others = {int(pk) for pk in re.findall(r'data-unit="(\d+)"', other.content.decode())}
    assert others <= {results.org.unit_b1.pk}


def test_no_analysis_no_register(results: Results) -> None:
    liaison = client_for(results.liaison)  # unit A1's liaison: no analysis capability
    assert liaison.get(REGISTER).status_code == 404
    assert liaison.get(EXPORT).status_code == 404
    analyst = client_for(results.analyst)
    assert analyst.get(REGISTER + "?framework=NOPE").status_code == 404
    assert analyst.get(REGISTER + "?period=2025Q9").status_code == 404
    assert analyst.get(EXPORT + "?framework=NOPE").status_code == 404


def test_state_counts_follow_the_filters(results: Results) -> None:
    Warning.objects.filter(period="2025Q1", unit=results.org.unit_a2).update(state="cleared")
    page = client_for(results.analyst).get(REGISTER + "?framework=T&period=2025Q1")
    text = page.content.decode()
    a_units = [results.org.unit_a1, results.org.unit_a2, results.org.unit_a1_sub]
    mine = Warning.objects.filter(period="2025Q1", unit__in=a_units)
    active = mine.filter(state="active").count()
    cleared = mine.filter(state="cleared").count()
    assert cleared > 0
    assert f'data-testid="count-active">{active}<' in text
    assert f'data-testid="count-cleared">{cleared}<' in text
    assert f'data-testid="count-all">{active + cleared}<' in text
    assert len(_rows(text)) == active  # the active ones by default


def test_the_export_is_in_chinese_and_follows_the_filters(results: Results) -> None:
    response = client_for(results.analyst).get(EXPORT + "?framework=T&period=2025Q4&state=all")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.title == "预警台账"
    headers = [c.value for c in next(sheet.iter_rows(min_row=3, max_row=3))]
    assert headers[:4] == ["指标体系", "考核周期", "编码", "单位"]
    a_units = [results.org.unit_a1, results.org.unit_a2, results.org.unit_a1_sub]
    assert sheet.max_row - 3 == Warning.objects.filter(period="2025Q4", unit__in=a_units).count()
    english_book = english(client_for(results.analyst)).get(EXPORT + "?framework=T")
    assert load_workbook(io.BytesIO(english_book.content)).worksheets[0].title == "Warning register"


def test_the_export_is_safe_with_hostile_names(results: Results) -> None:
    Unit.objects.filter(pk=results.org.unit_a1.pk).update(name=UNIT_NAME)
    response = client_for(results.analyst).get(EXPORT + "?framework=T&state=all")
    assert SAFE[UNIT_NAME] in _assert_safe(_cells(response))


def test_a_responder_ticks_warnings_and_goes_to_the_issue_page(results: Results) -> None:
    url = REGISTER + "?framework=T&period=2025Q4&state=all"
    page = client_for(results.analyst).get(url).content.decode()
    rows = _rows(page)
    ticks = re.findall(r'name="warning" value="(\d+)" form="bulk-issue"', page)
    assert rows and ticks == rows
    assert f'action="{reverse("monitoring:responses_issue")}"' in page
    assert 'data-qf-select-all="input[name=warning][form=bulk-issue]"' in page
    # What the form sends (GET, the ticked ids) opens the confirmation page.
    confirm = client_for(results.analyst).get(
        reverse("monitoring:responses_issue"), {"warning": ticks[:2], "next": url}
    )
    assert confirm.status_code == 200
    # Who may read the register but not respond sees no checkbox and no button.
    leadership = make_user("leadership_a", Role.LEADERSHIP, region=results.org.county_a)
    read_only = client_for(leadership).get(url).content.decode()
    assert _rows(read_only) == rows
    assert 'name="warning"' not in read_only and "bulk-issue" not in read_only
