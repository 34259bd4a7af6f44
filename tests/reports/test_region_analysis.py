"""The half-year analysis and the annual report of the demo county: opened with
python-docx, their figures are those of the overview's and the problem page's JSON for
the same framework, period and user; another county's analyst gets nothing; a
half-year kind refuses a quarter; the command line writes the annual report."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from qingfeng.accounts.roles import Role
from qingfeng.dashboard.overview import node_means
from qingfeng.dashboard.overview_tables import indicator_means
from qingfeng.framework.models import Framework
from qingfeng.lib.errors import NotFound, OutOfScope
from qingfeng.org.models import Region
from qingfeng.org.services import region_save
from qingfeng.reports.region import region_period
from qingfeng.reports.services import check_subject
from tests.conftest import client_for, make_user
from tests.demo_county import DemoCounty
from tests.reports.region_helpers import RANKING_HEADER, analyst, make, subject, table, text

pytestmark = pytest.mark.django_db


def _json(name: str, period: str) -> dict:
    url = reverse(f"dashboard:{name}", args=("LK", period))
    response = client_for(analyst()).get(url)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(("kind", "period"), [("analysis_half_year", "2026H1")])
def test_the_figures_are_the_overviews(demo_county: DemoCounty, kind: str, period: str) -> None:
    built, document = make(kind, period)
    overview = _json("overview_json", period)
    figures = overview["figures"]
    words = text(document)
    assert built.title == "黎城县2026年上半年政治生态分析报告"
    assert built.units == []
    assert "中共黎城县委：" in words
    assert f"纳入评价单位{figures['units']}个，平均得分{figures['mean']:.2f}分" in words
    bands = {
        band: int(count) for band, count, _share in table(document, ["档次", "单位数", "占比"])
    }
    assert bands == {row["label"]: row["count"] for row in overview["bands"]}
    # The ranking holds every unit, in the overview's order.
    ranking = table(document, RANKING_HEADER)
    assert len(ranking) == figures["units"] + figures["not_assessed"]
    assert [row[2] for row in ranking[:50]] == [
        row["name"] for row in _json("heatmap_json", period)["rows"]
    ]


def test_the_problem_counts_are_the_problem_pages(demo_county: DemoCounty) -> None:
    _built, document = make("analysis_half_year", "2026H1")
    problems = _json("problems_json", "2026H1")
    rows = table(document, ["问题类型", "问题数", "占比", "扣分"])
    assert [(label, int(count)) for label, count, _share, _points in rows] == [
        (row["label"], row["count"]) for row in problems["by_type"]
    ]
    total = problems["units"]["records"]
    assert total > 0
    assert f"本期共发现问题记录{total}条，涉及{problems['units']['units_with_problems']}个单位" in (
        text(document)
    )
    # The change since 2025H2, from the problem page's eight-period trend.
    trend = _json("problems_json", "2026H1")["trend"]
    then = sum(series["counts"][-2] for series in trend["series"])
    assert trend["periods"][-2]["period"] == "2025H2"
    assert f"与2025年下半年相比，问题记录由{then}条减少至{total}条" in text(document)
    top = table(document, ["单位", "类别", "问题数", "占比", "扣分"])
    assert [(row[0], int(row[2])) for row in top] == [
        (unit["name"], unit["count"]) for unit in problems["units"]["top"]
    ]


def test_the_node_means_agree_with_the_heat_maps(demo_county: DemoCounty) -> None:
    """The SQL mean of a node's score rate equals the level-1 matrix's arithmetic (the
    region view's), for every level-1 indicator."""
    now = region_period(subject=subject("2026H1"), user=analyst())
    columns = now.matrix.columns
    means = node_means(results=now.results, query=now.query, indexes=[c.index for c in columns])
    for column, cell in zip(columns, indicator_means(matrix=now.matrix), strict=True):
        mean, units = means[column.index]
        assert units == cell.units == 112
        assert mean == pytest.approx(cell.ratio)


def test_the_annual_report_has_the_years_trend(demo_county: DemoCounty) -> None:
    started = time.perf_counter()
    built, document = make("analysis_annual", "2025", text="建议加强作风建设。")
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"the annual analysis took {elapsed:.1f} s"
    assert built.title == "黎城县2025年度政治生态综合报告"
    trend = table(document, ["期间", "评价单位数", "平均得分", "各档次单位数"])
    quarters = [f"2025年第{n}季度" for n in "一二三四"]
    assert [row[0] for row in trend] == [
        quarters[0],
        quarters[1],
        "2025年上半年",
        quarters[2],
        quarters[3],
        "2025年下半年",
    ]
    for row in trend:
        code = {"上半年": "2025H1", "下半年": "2025H2"}.get(row[0][5:]) or (
            "2025Q" + str(quarters.index(row[0]) + 1)
        )
        assert row[2] == f"{_json('overview_json', code)['figures']['mean']:.2f}"
    words = text(document)
    # 2024 is not covered from start to end: no comparison is made with it.
    assert "不作与上期的比较" in words
    assert "九、分析与建议" in words and "建议加强作风建设。" in words
    # Three images: histogram, heat map, trend.
    assert len(document.inline_shapes) == 3


def test_an_open_period_says_so_and_counts_the_responses(demo_county: DemoCounty) -> None:
    _built, document = make("analysis_half_year", "2026H2")
    words = text(document)
    assert "2026年下半年数据尚在采集中" in words
    rows = table(document, ["处置措施", "合计", "已下发", "已答复", "已办结"])
    # The demo answers two LK warnings of 2026Q3: a notice issued, a recommendation closed.
    assert sorted((row[0], row[1]) for row in rows) == [
        ("纪检监察建议书", "1"),
        ("预警通知书", "1"),
    ]


def test_another_countys_analyst_sees_nothing(demo_county: DemoCounty) -> None:
    city = Region.objects.get(name="长治市")
    other = region_save(region=Region(code="OTHER", name="潞城区", parent=city))
    stranger = make_user("stranger", Role.ANALYST, region=other)
    for kind, period in (("analysis_half_year", "2026H1"), ("circular", "2026H1")):
        with pytest.raises((NotFound, OutOfScope)):
            make(kind, period, user=stranger)


def test_a_half_year_kind_refuses_a_quarter(demo_county: DemoCounty) -> None:
    with pytest.raises(ValidationError):
        check_subject(kind="analysis_half_year", subject=subject("2026Q1"))
    with pytest.raises(ValidationError):
        check_subject(kind="analysis_annual", subject=subject("2026H1"))
    check_subject(kind="analysis_half_year", subject=subject("2026H1"))


def test_the_command_writes_the_annual_report(demo_county: DemoCounty, tmp_path: Path) -> None:
    out = tmp_path / "a.docx"
    call_command(
        "make_report", "analysis_annual", "--framework", "LK", "--period", "2025", "--out", out
    )
    document = Document(io.BytesIO(out.read_bytes()))
    assert document.paragraphs and "黎城县2025年度政治生态综合报告" in text(document)
    assert Framework.objects.filter(code="LK").exists()
