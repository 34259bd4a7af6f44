"""Scores that say when data is missing (issue 13, items 4 and 5): the snapshot marks, the
overview, heat map, ranking and portrait showing 未报送 and the completeness figures, the
"fully reported units only" filter, the exports, ``score --format json|csv``, the strict
rule's totals and the framework page.

Fixture, on the shared ``org`` and ``scored`` (A = A1 deduct per 5 cap 30 + A2 bonus
一等 10, 30 each; B = B1 survey 40 + B2 veto): A1 and A2 are tracked (station ST-A of
county A), the collection period 2025Q1 is closed, so in 2025Q1

| unit (county A)| A1 (deduct)            | A2 (bonus)  | completeness |
|----------------|------------------------|-------------|--------------|
| A1   教育局    | record: qty 2 (-10)    | unreported  | 1/2 = 0.5    |
| A1-1 第一中学  | nil return (approved)  | record 一等 | 2/2 = 1      |
| A2   黎侯镇    | unreported             | unreported  | 0/2 = 0      |

and B1 (county B, outside ST-A's region) owes nothing: completeness None. The analyst of
county A sees the three county A units: the period's completeness is their mean, 0.5.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.framework.interchange import read_framework_file
from qingfeng.framework.interchange_write import framework_export
from qingfeng.framework.models import FrameworkVersion, Indicator, UnreportedRule
from qingfeng.framework.validation import validate_spec
from qingfeng.lib.periods import Period
from qingfeng.records.models import NilReturn, NilReturnStatus, NilReturnUnit, PeriodStatus
from qingfeng.records.periods import new_collection_period
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.selectors import node_codes, unreported_codes
from tests.conftest import Org, Scored, client_for, make_user, record

Q1 = "2025Q1"


@dataclass
class Fixture:
    org: Org
    scored: Scored
    analyst: User


def _recompute(scored: Scored) -> None:
    period_recompute(framework=scored.framework, period=Period.parse(Q1))


@pytest.fixture
def marked(org: Org, scored: Scored) -> Fixture:
    Indicator.objects.filter(version=scored.version, code__in=["A1", "A2"]).update(
        station=org.station_a
    )
    new_collection_period(
        framework=scored.framework, period=Period.parse(Q1), status=PeriodStatus.CLOSED
    ).save()
    record(scored, org.unit_a1, "A1", "2025-02-01", quantity=2)
    record(scored, org.unit_a1_sub, "A2", "2025-02-10", grade="一等")
    record(scored, org.unit_b1, "B1", "2025-02-02", value=90)
    # Created directly: the nil return services are another part of the issue.
    nil = NilReturn.objects.create(
        framework=scored.framework,
        indicator_code="A1",
        period=Q1,
        station=org.station_a,
        status=NilReturnStatus.APPROVED,
    )
    NilReturnUnit.objects.create(
        nil_return=nil,
        unit=org.unit_a1_sub,
        framework=scored.framework,
        period=Q1,
        indicator_code="A1",
    )
    _recompute(scored)
    analyst = make_user("analyst_a", Role.ANALYST, region=org.county_a)
    return Fixture(org=org, scored=scored, analyst=analyst)


def _snapshot(unit: Any) -> Snapshot:
    return Snapshot.objects.get(unit=unit, period=Q1)


def _url(name: str, *args: Any) -> str:
    return reverse(f"dashboard:{name}", args=["T", Q1, *args])


def _book(response: Any) -> Any:
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _table(sheet: Any) -> list[dict[str, Any]]:
    """The sheet's rows as dicts by header (row 1 is the title, row 2 blank)."""
    header, *rows = sheet.iter_rows(min_row=3, values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_it_marks_unreported_leaves_and_completeness_in_the_snapshots(marked: Fixture) -> None:
    org, codes = marked.org, node_codes(marked.scored.version)
    expected = {
        org.unit_a1: (0.5, ["A2"]),
        org.unit_a1_sub: (1.0, []),
        org.unit_a2: (0.0, ["A1", "A2"]),
        org.unit_b1: (None, []),
    }
    for unit, (completeness, unreported) in expected.items():
        snap = _snapshot(unit)
        assert snap.completeness == completeness, unit.code
        assert unreported_codes(nodes=snap.nodes, codes=codes) == unreported, unit.code
    # The default rule only marks: A1 still scores 30 - 10 on A1 and 0 on A2.
    assert _snapshot(org.unit_a1).total == pytest.approx(20 / 60 * 100, abs=0.01)


def test_the_overview_shows_the_completeness_of_the_period_and_of_each_unit(
    marked: Fixture,
) -> None:
    client = client_for(marked.analyst)
    page = client.get(_url("overview"), {"view": "ranking"}).content.decode()
    assert 'data-testid="period-completeness" data-rate="50"' in page
    assert "本期数据完整率 50%" in page
    assert "2 个单位有指标未报送" in page
    org = marked.org
    ranking = client.get(_url("overview"), {"view": "ranking"}).context["ranking"]
    by_unit = {row.unit_pk: row.completeness_percent for row in ranking}
    assert by_unit == {org.unit_a1.pk: 50, org.unit_a1_sub.pk: 100, org.unit_a2.pk: 0}
    assert 'data-completeness="50"' in page and "数据完整率" in page


def test_the_filter_keeps_only_fully_reported_units(marked: Fixture) -> None:
    client = client_for(marked.analyst)
    response = client.get(_url("overview"), {"view": "ranking", "complete": "1"})
    assert [row.unit_pk for row in response.context["ranking"]] == [marked.org.unit_a1_sub.pk]
    page = response.content.decode()
    assert 'data-testid="complete-only"' in page and "只看数据完整的单位" in page
    # The period's figure stays the whole period's, not the filtered units'.
    assert 'data-testid="period-completeness" data-rate="50"' in page
    heatmap = client.get(_url("overview"), {"complete": "1"}).context["heatmap"]
    assert [row.unit_pk for row in heatmap] == [marked.org.unit_a1_sub.pk]


def test_the_heat_map_marks_cells_with_unreported_leaves(marked: Fixture) -> None:
    client = client_for(marked.analyst)
    page = client.get(_url("overview")).content.decode()
    org = marked.org
    assert f'data-unit="{org.unit_a1.pk}" data-code="A"' in page
    cells = {
        (row.unit_pk, cell.code): cell.unreported
        for row in client.get(_url("overview")).context["heatmap"]
        for cell in row.cells
    }
    assert cells[(org.unit_a1.pk, "A")] == 1 and cells[(org.unit_a2.pk, "A")] == 2
    assert cells[(org.unit_a1_sub.pk, "A")] == 0 and cells[(org.unit_a1.pk, "B")] == 0
    assert page.count(" qf-unreported") == 2  # two cells marked, nothing else
    assert "1 项指标未报送" in page and "2 项指标未报送" in page  # their hover
    assert 'data-testid="unreported-legend"' in page
    data = client.get(_url("heatmap_json")).json()
    row = next(r for r in data["rows"] if r["pk"] == org.unit_a2.pk)
    assert row["completeness"] == 0.0 and row["unreported"] == ["A1", "A2"]
    assert [c.get("unreported", 0) for c in row["cells"]] == [2, 0]


def test_the_portrait_marks_unreported_leaves_and_shows_the_completeness(
    marked: Fixture,
) -> None:
    client = client_for(marked.analyst)
    org = marked.org
    page = client.get(_url("portrait", org.unit_a2.pk)).content.decode()
    assert 'data-testid="completeness" data-rate="0"' in page and "数据完整率 0%" in page
    rows = client.get(_url("portrait", org.unit_a2.pk)).context["rows"]
    assert [row.node.code for row in rows if row.unreported] == ["A1", "A2"]
    assert page.count('data-testid="unreported"') == 2
    assert 'data-testid="group-unreported"' in page  # the closed group says it too
    complete = client.get(_url("portrait", org.unit_a1_sub.pk)).content.decode()
    assert "数据完整率 100%" in complete and 'data-testid="unreported"' not in complete
    # A unit nothing is owed for shows no figure at all.
    admin = make_user("root", Role.SYSTEM_ADMIN)
    other = client_for(admin).get(_url("portrait", org.unit_b1.pk)).content.decode()
    assert 'data-testid="completeness"' not in other


def test_the_exports_carry_the_completeness_and_the_unreported_leaves(marked: Fixture) -> None:
    client = client_for(marked.analyst)
    ranking = _table(_book(client.get(_url("ranking_xlsx"))).active)
    assert {row["单位"]: row["数据完整率（%）"] for row in ranking} == {
        "黎城县教育局": 50,
        "黎城县第一中学": 100,
        "黎侯镇": 0,
    }
    only = _table(_book(client.get(_url("ranking_xlsx"), {"complete": "1"})).active)
    assert [row["单位"] for row in only] == ["黎城县第一中学"]
    heat = _table(_book(client.get(_url("heatmap_xlsx"))).active)
    assert {row["单位"]: row["未报送的指标"] for row in heat} == {
        "黎城县教育局": "A2",
        "黎城县第一中学": None,
        "黎侯镇": "A1 A2",
    }
    book = _book(client.get(_url("results_xlsx")))
    facts = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert facts["本期数据完整率（%）"] == 50 and facts["有未报送数据的单位数"] == 2
    nodes = {row["单位"]: row for row in _table(book.worksheets[2])}
    assert nodes["黎侯镇"]["未报送的指标"] == "A1 A2"
    assert nodes["黎侯镇"]["数据完整率（%）"] == 0
    compared = _table(_book(client.get(_url("compare_indicator_xlsx"))).worksheets[0])
    assert {row["单位"]: row["数据完整率（%）"] for row in compared} == {
        "黎城县教育局": 50,
        "黎城县第一中学": 100,
        "黎侯镇": 0,
    }
    portrait = _book(client.get(_url("portrait_xlsx", marked.org.unit_a1.pk)))
    tree = {row["编码"]: row["未报送"] or "" for row in _table(portrait.worksheets[0])}
    assert tree == {"A": "", "A1": "", "A2": "未报送", "B": "", "B1": "", "B2": ""}
    assert "数据完整率 50%" in portrait.worksheets[0]["A1"].value


def _score(fmt: str = "json") -> str:
    out = io.StringIO()
    call_command("score", "--framework", "T", "--period", Q1, "--format", fmt, stdout=out)
    return out.getvalue()


def test_score_json_and_csv_say_completeness_and_unreported(marked: Fixture) -> None:
    rows = {row["unit"]: row for row in json.loads(_score())}
    assert rows["A1"]["completeness"] == 0.5 and rows["B1"]["completeness"] is None
    assert rows["A1"]["nodes"]["A2"] == {
        "score": 0.0,
        "max": 30.0,
        "band": "red",
        "unreported": True,
    }
    assert "unreported" not in rows["A1"]["nodes"]["A1"]
    assert not any(node.get("unreported") for node in rows["A1-1"]["nodes"].values())
    lines = _score("csv").splitlines()
    header = lines[0].split(",")
    assert header[9:11] == ["completeness", "unreported"]
    by_unit = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    assert by_unit["A2"][9:11] == ["0.0", "A1 A2"] and by_unit["B1"][9:11] == ["", ""]


def test_the_strict_rule_drops_the_unreported_leaves_from_the_applicable_max(
    marked: Fixture,
) -> None:
    version = marked.scored.version
    FrameworkVersion.objects.filter(pk=version.pk).update(unreported_rule=UnreportedRule.STRICT)
    _recompute(marked.scored)
    org = marked.org
    # A1: A2 drops out: 20 of 30 -> 66.67 (it was 20 of 60 under the default rule).
    a1 = _snapshot(org.unit_a1)
    assert (a1.raw, a1.applicable_max) == (20.0, 30.0)
    assert a1.total == pytest.approx(66.67, abs=0.01)
    # 黎侯镇: both leaves drop out and nothing else is assessed: no total.
    assert _snapshot(org.unit_a2).total is None
    # 第一中学 reported everything: 30 + 10 of 60, unchanged.
    assert _snapshot(org.unit_a1_sub).total == pytest.approx(66.67, abs=0.01)
    rows = {row["unit"]: row for row in json.loads(_score())}
    # The strict rule's unreported leaf is still listed, without a score.
    assert rows["A1"]["nodes"]["A2"] == {
        "score": None,
        "max": None,
        "band": None,
        "unreported": True,
    }
    assert list(rows["A2"]["nodes"]) == ["A1", "A2"]
    page = client_for(marked.analyst).get(_url("portrait", org.unit_a1.pk)).content.decode()
    assert page.count('data-testid="unreported"') == 1 and "不予评估" in page
    # "How the total is made" says why A2 left the applicable max.
    making = page.split('data-testid="unreported-left-out"')[1].split("</p>")[0]
    not_assessed = page.split('data-testid="not-assessed"')[1].split("</p>")[0]
    assert "指标A2" in making and "指标A2" not in not_assessed and "指标B" in not_assessed


def test_the_version_page_states_the_rule_and_a_draft_may_choose_it(
    org: Org, scored: Scored
) -> None:
    client = client_for(make_user("city_admin", Role.COMMISSION_ADMIN, region=org.city))
    page = client.get(reverse("framework:version_detail", args=[scored.version.pk]))
    text = page.content.decode()
    assert 'data-testid="unreported-rule"' in text and 'data-rule="mark"' in text
    assert "照常计分" in text
    client.post(reverse("framework:version_copy", args=[scored.version.pk]))
    draft = FrameworkVersion.objects.get(framework=scored.framework, number=2)
    form = {"name": draft.name, "year": draft.year, "scale": draft.scale, "assessed_on": ""}
    form |= {"bands_text": "", "components_text": "", "unreported_rule": "strict"}
    url = reverse("framework:version_settings", args=[draft.pk])
    assert client.post(url, form).status_code == 302
    draft.refresh_from_db()
    assert draft.unreported_rule == UnreportedRule.STRICT
    assert draft.history.latest().unreported_rule == "strict"  # in its history
    text = client.get(reverse("framework:version_detail", args=[draft.pk])).content.decode()
    assert 'data-rule="strict"' in text and "不予评估" in text
    refused = client.post(url, form | {"unreported_rule": "lenient"})
    assert "unreported_rule" in refused.context["form"].errors


def test_the_rule_travels_in_the_yaml_only_when_strict(scored: Scored) -> None:
    version = scored.version
    plain = framework_export(version=version, fmt="yaml").decode()
    assert "unreported" not in plain  # the default: existing files read the same
    FrameworkVersion.objects.filter(pk=version.pk).update(unreported_rule=UnreportedRule.STRICT)
    version.refresh_from_db()
    data = framework_export(version=version, fmt="yaml")
    assert "unreported: strict" in data.decode()
    spec, issues = read_framework_file(data=data, filename="t.yaml")
    assert not issues and spec is not None and spec["unreported"] == "strict"
    refused = validate_spec({**spec, "unreported": "lenient"}, source="yaml")
    assert [issue.field for issue in refused] == ["unreported"]
