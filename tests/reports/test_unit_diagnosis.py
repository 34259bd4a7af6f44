"""The unit diagnosis (诊断书) of the demo county: its figures are the portrait's (the
JSON endpoint, the tree, the warnings), its warnings exactly the unit's own, its ledger
part the unit's problems of the period, and it stays out of reach of a user who does not
see the unit (issue 15)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from docx import Document

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.models import User
from qingfeng.dashboard import portrait as selectors
from qingfeng.dashboard.portrait import number
from qingfeng.framework.models import Indicator
from qingfeng.lib.documents import docx_text
from qingfeng.lib.errors import NotFound
from qingfeng.lib.periods import Period
from qingfeng.org.models import Unit
from qingfeng.rectification.models import Problem, ProblemState
from qingfeng.reports import charts_unit
from qingfeng.scoring.models import Snapshot
from tests.demo_county import DemoCounty
from tests.reports.unit_helpers import chinese_band, make, paragraphs, portrait_json, tables

pytestmark = pytest.mark.django_db

SCHOOL = "县第一中学"


def _portrait(unit: Unit, period: str) -> selectors.Portrait:
    return selectors.portrait_load(
        user=User.objects.get(username="analyst"),
        code="LK",
        period=Period.parse(period),
        unit_pk=unit.pk,
    )


def test_the_figures_are_the_portraits(demo_county: DemoCounty) -> None:
    school = Unit.objects.get(name=SCHOOL)
    built, content = make("diagnosis", school, "2026H1")
    assert built.title == "黎城县第一中学2026年上半年政治生态诊断书"
    assert built.filename == built.title
    assert built.units == [school]
    data = portrait_json(school, "2026H1")
    before = portrait_json(school, "2025H2")
    text = docx_text(content)
    assert f"2026年上半年得{number(data['total'])}分（满分1000分）" in text
    assert f"总排名第{data['rank']}位" in text
    assert f"处于{chinese_band(data['band'])}区间" in text
    # The change since 2025H2, from the two periods' JSON.
    fell = data["rank"] - before["rank"]
    assert fell > 0
    assert f"排名下降{fell}名" in text
    drop = before["total"] - data["total"]
    assert f"总分下降{number(drop)}分" in text
    band_now, band_then = chinese_band(data["band"]), chinese_band(before["band"])
    assert (f"仍为{band_now}" if band_now == band_then else f"由{band_then}转为{band_now}") in text
    # The radar and the trend are images of the document.
    names = Document(io.BytesIO(content)).part.package.parts
    assert sum(1 for part in names if part.partname.startswith("/word/media/")) == 2
    # The analyst's words, and no code or English word of the app.
    assert "分析员的第一段话。" in paragraphs(content)
    assert "LK" not in text and "2026H1" not in text and school.code not in text


def test_the_lost_points_are_the_trees(demo_county: DemoCounty) -> None:
    school = Unit.objects.get(name=SCHOOL)
    _built, content = make("diagnosis", school, "2026H1")
    portrait = _portrait(school, "2026H1")
    leaves = [
        row
        for row in selectors.tree_rows(portrait=portrait)
        if row.is_leaf
        and row.score is not None
        and row.max is not None
        and row.node.rule_type != "bonus"
        and row.max - row.score >= 0.005
    ]
    leaves.sort(key=lambda row: -(row.max - row.score))  # stable: tree order among equals
    table = tables(content)["失分指标"]
    assert table[1:] == [
        [
            row.node.name,
            _group(portrait, row.node).name,
            number(row.max),
            number(row.score),
            number(row.max - row.score),
        ]
        for row in leaves
    ]
    # The first leaf's records are those the portrait counted under it.
    first = leaves[0].node
    _node, counted = selectors.node_records(portrait=portrait, code=first.code)
    records = tables(content)["日期"]
    assert [r[4] for r in records[1:]] == [row.effect.text for row in counted]
    assert {r[3] for r in records[1:]} == {row.record.note for row in counted}


def _group(portrait: selectors.Portrait, node: Indicator) -> Indicator:
    by_pk = {n.pk: n for n in portrait.indicators}
    while node.parent_id is not None:
        node = by_pk[node.parent_id]
    return node


def _warning_rows(unit: Unit, period: str) -> list[list[str]]:
    rows = []
    for w in selectors.unit_warnings(portrait=_portrait(unit, period)):
        if w.period == period:
            rows.append(
                [w.name if w.code else "总分", number(w.score), number(w.max), chinese_band(w.band)]
            )
    return rows


def test_the_warnings_are_exactly_the_units_own(demo_county: DemoCounty) -> None:
    school = Unit.objects.get(name=SCHOOL)
    mine = _warning_rows(school, "2026Q3")
    assert mine
    _built, content = make("diagnosis", school, "2026Q3")
    assert tables(content)["指标"][1:] == mine
    # Another unit warned in the period on an indicator the school was not warned on: its
    # warning is nowhere in the school's document.
    names = {row[0] for row in mine}
    other = next(
        unit
        for unit in Unit.objects.exclude(pk=school.pk).order_by("code")
        if Snapshot.objects.filter(unit=unit, period="2026Q3").exists()
        and {row[0] for row in _warning_rows(unit, "2026Q3")} - names
    )
    theirs = _warning_rows(other, "2026Q3")
    for row in theirs:
        assert row not in tables(content)["指标"][1:]
    assert f"共有预警{len(mine)}项" in docx_text(content)


def test_an_open_period_says_so_and_the_ledger_is_the_units(demo_county: DemoCounty) -> None:
    school = Unit.objects.get(name=SCHOOL)
    _built, content = make("diagnosis", school, "2026Q3")
    text = docx_text(content)
    assert "2026年第三季度仍在采集中，数据不完整" in text
    period = Period.parse("2026Q3")
    expected = {
        p.number
        for p in Problem.objects.filter(unit=school)
        if p.created_at.date() <= period.end
        and (p.state != ProblemState.CLOSED or (p.closed_on and p.closed_on >= period.start))
    }
    assert expected
    assert {row[0] for row in tables(content)["编号"][1:]} == expected
    assert "五、问题整改情况" in paragraphs(content)
    assert "六、分析意见" in paragraphs(content)


def test_no_ledger_section_without_problems(demo_county: DemoCounty) -> None:
    school = Unit.objects.get(name=SCHOOL)
    _built, content = make("diagnosis", school, "2026H1")
    assert "编号" not in tables(content)
    assert "五、分析意见" in paragraphs(content)


def test_a_unit_out_of_scope_is_not_found(demo_county: DemoCounty) -> None:
    liaison = User.objects.get(username="liaison")
    own = set(scope.visible_units(liaison).values_list("pk", flat=True))
    other = Unit.objects.exclude(pk__in=own).filter(snapshots__period="2026H1").first()
    assert other is not None
    with pytest.raises(NotFound):
        make("diagnosis", other, "2026H1", user="liaison")


def test_hostile_names_appear_as_written(demo_county: DemoCounty) -> None:
    school = Unit.objects.get(name=SCHOOL)
    hostile_unit = '<w:t>{{ x }}</w:t>&"'
    Unit.objects.filter(pk=school.pk).update(name=hostile_unit)
    portrait = _portrait(school, "2026H1")
    worst = max(
        (
            row
            for row in selectors.tree_rows(portrait=portrait)
            if row.is_leaf and row.score is not None and row.node.rule_type == "deduct"
        ),
        key=lambda row: (row.max or 0) - (row.score or 0),
    )
    hostile_leaf = "{% if 1 %}$\\alpha${% endif %}<br/>"
    hostile_group = "{{ radar }}$x^2$"
    Indicator.objects.filter(pk=worst.node.pk).update(name=hostile_leaf)
    Indicator.objects.filter(pk=portrait.level_one[0].pk).update(name=hostile_group)
    school.refresh_from_db()
    built, content = make("diagnosis", school, "2026H1")
    text = docx_text(content)
    assert f"{hostile_unit}：" in paragraphs(content)
    assert hostile_leaf in text
    assert hostile_group in text
    assert hostile_unit in built.title


def test_make_report_writes_the_diagnosis(demo_county: DemoCounty, tmp_path: Path) -> None:
    school = Unit.objects.get(name=SCHOOL)
    out = tmp_path / "x.docx"
    call_command(
        "make_report",
        "diagnosis",
        "--framework",
        "LK",
        "--period",
        "2026H1",
        "--unit",
        school.code,
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    text = docx_text(out.read_bytes())
    assert "黎城县第一中学2026年上半年政治生态诊断书" in text
    assert f"总排名第{portrait_json(school, '2026H1')['rank']}位" in text


def test_a_vetoed_unit_names_its_veto_first(demo_county: DemoCounty) -> None:
    company = Unit.objects.get(name="县城投公司")
    data = portrait_json(company, "2025H2")
    assert data["vetoed"] is True
    _built, content = make("diagnosis", company, "2025H2")
    text = docx_text(content)
    assert f"因存在一票否决情形，处于{chinese_band(data['band'])}区间" in text
    portrait = _portrait(company, "2025H2")
    (veto,) = [
        row.node
        for row in selectors.tree_rows(portrait=portrait)
        if row.node.rule_type == "veto" and row.moved == "veto"
    ]
    first = tables(content)["失分指标"][1]
    assert first == [veto.name, _group(portrait, veto).name, "—", "—", "一票否决"]
    _node, counted = selectors.node_records(portrait=portrait, code=veto.code)
    assert [r[4] for r in tables(content)["日期"][1:]] == [row.effect.text for row in counted]
    assert f"{veto.name}：本期据此一票否决" in text


def test_the_charts_draw_the_portraits_data(
    demo_county: DemoCounty, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: dict[str, dict[str, Any]] = {}

    def spy(name: str) -> Any:
        real = getattr(charts_unit, name)

        def draw(**kwargs: Any) -> bytes:
            drawn[name] = kwargs
            return real(**kwargs)  # type: ignore[no-any-return]

        return draw

    for name in ("radar_png", "trend_png"):
        monkeypatch.setattr(charts_unit, name, spy(name))
    school = Unit.objects.get(name=SCHOOL)
    make("diagnosis", school, "2026H1")
    data = portrait_json(school, "2026H1")
    assert drawn["radar_png"]["names"] == [i["name"] for i in data["radar"]["indicators"]]
    assert drawn["radar_png"]["unit"] == data["radar"]["unit"]
    assert drawn["radar_png"]["mean"] == data["radar"]["mean"]
    # The trend up to the report's period (2026H2, later, is no part of it).
    upto = [i for i, p in enumerate(data["trend"]) if p["period"] <= "2026H1"]
    assert len(upto) < len(data["trend"])
    assert drawn["trend_png"]["labels"] == [data["trend_labels"][i] for i in upto]
    assert drawn["trend_png"]["totals"] == [data["trend"][i]["total"] for i in upto]
    assert drawn["trend_png"]["ranks"] == [data["trend"][i]["rank"] for i in upto]


def test_incomplete_periods_are_not_compared(demo_county: DemoCounty) -> None:
    school = Unit.objects.get(name=SCHOOL)
    # The demo's data begins in October 2024: 2024H2 is not covered, 2024H1 has nothing.
    _built, first = make("diagnosis", school, "2024H2")
    text = docx_text(first)
    assert "2024年下半年的数据未覆盖全期，数据不完整" in text
    assert "上期（2024年上半年）该单位没有评估结果，无从比较。" in text
    assert "一级指标" not in tables(first)
    _built, second = make("diagnosis", school, "2025H1")
    text = docx_text(second)
    assert "本期结果不与上期（2024年下半年）比较。" in text
    assert "总分上升" not in text and "总分下降" not in text
    assert "一级指标" not in tables(second)
