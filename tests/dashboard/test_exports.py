"""The overview's .xlsx exports (ranking, heat map, warnings) and the whole-period workbook,
read back with openpyxl: Chinese headers by default, English ones in the English UI, the
viewer's units only, every unit x node in the whole-period workbook; and the streaming
writer they use."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from qingfeng.lib.xlsx import BAND_FILLS, Sheet, workbook_bytes
from qingfeng.scoring.models import Snapshot
from tests.conftest import client_for, english
from tests.dashboard.conftest import Results

CODES = ["A", "A1", "A2", "B", "B1", "B2"]
COUNTY_A = ["黎城县第一中学", "黎侯镇", "黎城县教育局"]  # in 2025Q1 rank order


def _url(name: str, period: str = "2025Q1") -> str:
    return reverse(f"dashboard:{name}", args=["T", period])


def _book(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet: Any, first: int = 3) -> list[list[Any]]:
    """The sheet from its header row on (row 1 is the title, row 2 blank)."""
    return [list(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


def _fill(cell: Any) -> str:
    return str(cell.fill.fgColor.rgb)[-6:]


def test_it_exports_the_ranking_with_chinese_headers(results: Results) -> None:
    book = _book(client_for(results.analyst).get(_url("ranking_xlsx")))
    sheet = book.worksheets[0]
    header, *rows = _rows(sheet)
    assert header[:2] == ["排名", "变化"]
    assert {"单位", "类别", "预警等级", "类别内排名"} <= set(header)
    unit, total, band = header.index("单位"), header.index("折算得分"), header.index("预警等级")
    assert [row[unit] for row in rows] == COUNTY_A  # every row, county A only
    assert [row[0] for row in rows] == [1, 3, 4]  # the official ranks
    assert [row[total] for row in rows] == [66.6667, 50.0, 33.3333]
    assert [row[band] for row in rows] == ["黄色", "红色", "红色"]
    assert _fill(sheet.cell(row=6, column=band + 1)) == BAND_FILLS["red"]
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == f"A3:{chr(ord('A') + len(header) - 1)}6"


def test_it_exports_english_headers_in_the_english_ui(results: Results) -> None:
    client = english(client_for(results.analyst))
    header = _rows(_book(client.get(_url("ranking_xlsx"))).worksheets[0])[0]
    assert header[:2] == ["Rank", "Change"]
    assert {"Unit", "Category", "Total", "Band"} <= set(header)


def test_it_exports_every_row_not_one_page(results: Results, monkeypatch: Any) -> None:
    from qingfeng.dashboard import overview_tables

    monkeypatch.setattr(overview_tables, "PAGE_SIZE", 1)
    client = client_for(results.analyst)
    for name in ("ranking_xlsx", "heatmap_xlsx"):
        rows = _rows(_book(client.get(_url(name) + "?page=2")).worksheets[0])[1:]
        assert len(rows) == 3, name


def test_it_exports_the_ranking_of_one_category(results: Results) -> None:
    response = client_for(results.analyst).get(_url("ranking_xlsx") + "?category=government")
    header, *rows = _rows(_book(response).worksheets[0])
    unit, in_category = header.index("单位"), header.index("类别内排名")
    assert [(row[unit], row[in_category]) for row in rows] == [
        ("黎城县第一中学", 1),
        ("黎城县教育局", 3),
    ]


def test_it_exports_county_b_only_to_its_analyst(results: Results) -> None:
    client = client_for(results.analyst_b)
    rows = _rows(_book(client.get(_url("ranking_xlsx"))).worksheets[0])[1:]
    assert [row[3] for row in rows] == ["平顺县财政局"]


def test_it_exports_the_heat_map(results: Results) -> None:
    client = client_for(results.analyst)
    sheet = _book(client.get(_url("heatmap_xlsx") + "?sort=A&order=asc")).worksheets[0]
    header, *rows = _rows(sheet)
    a, b = header.index("A 指标A (60)"), header.index("B 指标B (40)")
    assert [row[2] for row in rows] == ["黎城县教育局", "黎侯镇", "黎城县第一中学"]  # A ratio up
    assert [(row[a], row[b]) for row in rows] == [(20.0, None), (30.0, 20.0), (40.0, None)]
    assert _fill(sheet.cell(row=4, column=a + 1)) == BAND_FILLS["red"]
    assert _fill(sheet.cell(row=6, column=a + 1)) == BAND_FILLS["yellow"]
    regions = _book(client.get(_url("heatmap_xlsx") + "?view=regions")).worksheets[0]
    header, *rows = _rows(regions)
    assert header[0] == "行政区划"
    # County A's own units: 3, mean 50 (red); mean score rates A 50 %, B 50 % (A2 alone).
    assert len(rows) == 1 and rows[0][0].startswith("黎城县")
    assert rows[0][1:] == [3, 50.0, "红色", 50.0, 50.0]


def test_it_exports_the_warnings(results: Results) -> None:
    client = client_for(results.analyst)
    header, *rows = _rows(_book(client.get(_url("warnings_xlsx", "2025Q4"))).worksheets[0])
    assert {"单位", "指标", "得分", "满分", "预警等级", "一票否决"} <= set(header)
    first = dict(zip(header, rows[0], strict=True))
    assert (first["单位"], first["一票否决"], first["预警等级"]) == ("黎城县教育局", "是", "红色")
    assert {row[1] for row in rows} <= set(COUNTY_A)
    page = client.get(reverse("dashboard:overview", args=["T", "2025Q4"])).content.decode()
    assert f'data-testid="warning-count">{len(rows)}<' in page


def test_it_exports_the_whole_period(results: Results) -> None:
    client = client_for(results.analyst)
    book = _book(client.get(_url("results_xlsx", "2025Q2")))
    with translation.override("zh-hans"):
        names = [_(n) for n in ("Summary", "Ranking", "Indicator scores", "Warnings")]
    assert book.sheetnames[:4] == names and len(book.sheetnames) == 5
    summary, ranking, nodes, warnings, tree = book.worksheets
    facts = {row[0]: row[1] for row in _rows(summary)[1:]}
    assert facts["考核周期"] == "2025年第二季度"  # the period in words
    assert "测试体系" in facts["指标体系"]
    assert len(_rows(ranking)) - 1 == 3
    # Every unit x node: one row per unit in rank order, one column per node.
    header, *rows = _rows(nodes)
    assert header[6:-2] == [f"{code} 指标{code}" for code in CODES]
    # Then the unit's data completeness and its unreported leaves (none tracked here).
    assert header[-2:] == ["数据完整率（%）", "未报送的指标"]
    stored = list(
        Snapshot.objects.filter(
            version=results.scored.version,
            period="2025Q2",
            unit__in=[results.org.unit_a1, results.org.unit_a1_sub, results.org.unit_a2],
        )
        .select_related("unit")
        .order_by("rank")
    )
    assert [row[1] for row in rows] == [s.unit.code for s in stored]
    for row, snap in zip(rows, stored, strict=True):
        assert row[0] == snap.rank and row[4] == snap.total
        assert row[6:-2] == snap.nodes["score"] and row[-2:] == [None, None]
    # Hand-computed: A1 in Q2 lost all of A1 (6 x 5 > 30): A = 0, A1 = 0, A2 = 0.
    a1 = next(row for row in rows if row[1] == "A1")
    assert a1[6:9] == [0.0, 0.0, 0.0] and a1[4] == 0.0
    assert len(_rows(warnings)) > 1
    tree_rows = _rows(tree)[1:]
    assert [row[0] for row in tree_rows] == CODES
    assert [row[2] for row in tree_rows] == [1, 2, 2, 1, 2, 2]


def test_it_exports_nothing_to_a_liaison(results: Results) -> None:
    client = client_for(results.liaison)
    for name in ("ranking_xlsx", "heatmap_xlsx", "warnings_xlsx", "results_xlsx"):
        assert client.get(_url(name)).status_code == 404, name


def test_it_exports_only_county_b_in_its_whole_period(results: Results) -> None:
    book = _book(client_for(results.analyst_b).get(_url("results_xlsx")))
    nodes = _rows(book.worksheets[2])[1:]
    assert [row[1] for row in nodes] == ["B1"]
    assert [row[3] for row in _rows(book.worksheets[1])[1:]] == ["平顺县财政局"]


def test_it_streams_the_same_workbook_as_openpyxl_writes() -> None:
    """The fast writer (large exports) keeps the look and the values of the usual one."""
    rows = [
        [1, "黎城县 <&>", 33.3333, None, True, datetime.date(2025, 2, 1)],
        [2, "黎侯镇", 50.5, "x", False, datetime.datetime(2025, 2, 1, 13, 30)],
    ]
    sheets = [
        Sheet(
            "排名/一",
            ["排名", "单位", "得分", "备注", "是否", "日期"],
            rows,
            title="标题 & 说明",
            band_of={(0, 2): "red", (1, 1): "green"},
        ),
        Sheet("二", ["a"], [[1.25]], number_format="0.0"),
    ]
    books = [
        load_workbook(io.BytesIO(workbook_bytes(sheets, write_only=flag))) for flag in (False, True)
    ]
    usual, streamed = books
    assert usual.sheetnames == streamed.sheetnames == ["排名_一", "二"]
    for one, other in zip(usual.worksheets, streamed.worksheets, strict=True):
        assert _rows(one, 1) == _rows(other, 1)
        assert one.freeze_panes == other.freeze_panes
        assert one.auto_filter.ref == other.auto_filter.ref
    sheet = streamed.worksheets[0]
    assert sheet["A1"].value == "标题 & 说明" and sheet["A1"].font.b
    assert sheet["A3"].font.b and _fill(sheet["A3"]) == "1F5F8B"
    assert _fill(sheet["C4"]) == BAND_FILLS["red"] and _fill(sheet["B5"]) == BAND_FILLS["green"]
    assert sheet["C4"].number_format == "0.00" and sheet["F4"].is_date
    assert streamed.worksheets[1]["A4"].value is None  # no title: header on row 1
    assert streamed.worksheets[1]["A2"].number_format == "0.0"
    # Characters XML forbids are dropped rather than breaking the file.
    odd = workbook_bytes([Sheet("x", ["h"], [["a\x01b"]])], write_only=True)
    assert load_workbook(io.BytesIO(odd)).worksheets[0]["A2"].value == "ab"
