"""The unit portrait (树木): figures, radar and trend JSON equal to the stored snapshots, the
tree down to the records that counted and their evidence, the warnings, the export and the
leadership team; in scope for whoever sees the unit, 404 outside.

Numbers from the ``results`` fixture (tests/dashboard/conftest.py): A1 in 2025Q1 has one
deduction of 5 x 2 on A1 (公车私用): A1 20/30, A2 0/30, B not assessed, so raw 20 of 60,
total 20 x 100 / 60 = 33.33, band red (ratio 0.33 < 0.6).
"""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qingfeng.lib.periods import Period, period_label
from qingfeng.org import services
from qingfeng.org.models import Gender, ManagedLevel, Person, PostRole, Unit
from qingfeng.records.evidence import evidence_add
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
from tests.conftest import client_for, record
from tests.dashboard.conftest import QUARTERS, Results

HTMX = {"HX-Request": "true"}


@pytest.fixture
def media(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def _url(name: str, results: Results, unit: Unit, period: str = "2025Q1", *extra: str) -> str:
    return reverse(f"dashboard:{name}", args=["T", period, unit.pk, *extra])


def _row(body: str, code: str) -> str:
    """The <tr> of a node in the score tree."""
    match = re.search(rf'<tr id="node-{re.escape(code)}"[^>]*>.*?</tr>', body, re.S)
    assert match, f"no row for {code}"
    return match.group(0)


def _cells(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td.*?</td>", row, re.S)
    ]


def _snapshot(unit: Unit, period: str) -> Snapshot:
    return Snapshot.objects.get(unit=unit, period=period)


def test_it_shows_a_units_portrait_to_an_analyst(results: Results) -> None:
    a1 = results.org.unit_a1
    page = client_for(results.analyst).get(_url("portrait", results, a1))
    assert page.status_code == 200
    body = page.content.decode()
    assert re.search(r'data-testid="total">\s*33\.33<', body)
    assert re.search(r'class="badge fs-6 qf-band-red" data-testid="band"', body)
    assert re.search(r'data-testid="rank">4<', body)  # of the four units of the city
    assert re.search(r'data-testid="category-rank">3<', body)
    assert "黎城县教育局" in body and "政府部门" in body and "黎城县" in body
    cells = _cells(_row(body, "A1"))
    assert cells[1:3] == ["20.00", "30"]  # score and applicable max
    assert 'data-testid="records-link"' in _row(body, "A1")
    assert "−10" in cells[5]  # the points the deduction moved
    assert 'data-testid="records-link"' not in _row(body, "A2")  # no record on A2
    assert 'data-testid="veto-notice"' not in body
    assert 'data-chart="portrait-radar"' in body and 'data-chart="portrait-trend"' in body
    assert 'data-testid="no-mean-note"' not in body
    assert page.context["periods"] == ["2025Q4", "2025Q3", "2025Q2", "2025Q1"]


def test_it_lists_the_records_behind_a_deduction(results: Results) -> None:
    a1 = results.org.unit_a1
    client = client_for(results.analyst)
    page = client.get(_url("portrait", results, a1)).content.decode()
    link = re.search(
        r'<a data-testid="records-link" href="([^"]+)" hx-get="([^"]+)"', _row(page, "A1")
    )
    expected = _url("portrait_records", results, a1, "2025Q1", "A1")
    assert link and link.group(1) == link.group(2) == expected
    panel = client.get(link.group(1), headers=HTMX)
    assert panel.status_code == 200
    body = panel.content.decode()
    assert "<html" not in body  # the partial only
    rows = re.findall(r'<tr data-testid="record-row".*?</tr>', body, re.S)
    assert len(rows) == 1
    assert "公车私用" in rows[0] and "四风" in rows[0] and "2025-02-01" in rows[0]
    assert re.search(r'data-testid="record-effect">.*?−10<', rows[0], re.S)
    # The group A shows the records of all its leaves: the same one here.
    group = client.get(_url("portrait_records", results, a1, "2025Q1", "A"), headers=HTMX)
    assert len(re.findall(r'data-testid="record-row"', group.content.decode())) == 1


def test_it_computes_each_rules_effect(results: Results) -> None:
    """Bonus by grade (+10), a survey value (= 90) and a veto, in the partial."""
    client = client_for(results.analyst)
    sub = results.org.unit_a1_sub
    bonus = client.get(_url("portrait_records", results, sub, "2025Q1", "A2"), headers=HTMX)
    assert re.search(r'data-testid="record-effect">.*?\+10<', bonus.content.decode(), re.S)
    survey = client.get(_url("portrait_records", results, sub, "2025Q2", "B1"), headers=HTMX)
    assert re.search(r'data-testid="record-effect">.*?= 90<', survey.content.decode(), re.S)
    veto = client.get(
        _url("portrait_records", results, results.org.unit_a1, "2025Q4", "B2"), headers=HTMX
    ).content.decode()
    assert "严重违纪" in veto and "一票否决" in veto


def test_it_falls_back_to_the_full_page_without_htmx(results: Results) -> None:
    a1 = results.org.unit_a1
    page = client_for(results.analyst).get(_url("portrait_records", results, a1, "2025Q1", "A1"))
    body = page.content.decode()
    assert page.status_code == 200 and "<html" in body
    assert 'data-testid="score-tree"' in body
    panel = body[body.index('id="records-panel"') :]
    assert "公车私用" in panel
    assert "qf-focus table-active" in _row(body, "A1")


def test_it_focuses_the_node_asked_for(results: Results) -> None:
    a1 = results.org.unit_a1
    body = (
        client_for(results.analyst).get(_url("portrait", results, a1) + "?node=A1").content.decode()
    )
    assert re.search(r'<tr id="node-A1" data-code="A1" class="qf-focus table-active', body)
    assert "qf-focus-path" in _row(body, "A")  # its ancestor is marked open
    assert "qf-focus" not in _row(body, "A2") and "qf-focus" not in _row(body, "B")
    unknown = client_for(results.analyst).get(_url("portrait", results, a1) + "?node=ZZ")
    assert unknown.status_code == 200 and 'class="qf-focus' not in unknown.content.decode()


def test_it_hides_a_portrait_out_of_scope(results: Results) -> None:
    client = client_for(results.analyst_b)
    a1 = results.org.unit_a1
    for name, extra in [
        ("portrait", ()),
        ("portrait_json", ()),
        ("portrait_xlsx", ()),
        ("leadership", ()),
        ("portrait_records", ("A1",)),
    ]:
        assert client.get(_url(name, results, a1, "2025Q1", *extra)).status_code == 404, name
    # In scope, but nothing stored for the period or no such period: 404 as well.
    analyst = client_for(results.analyst)
    assert analyst.get(_url("portrait", results, a1, "2024Q1")).status_code == 404
    assert analyst.get(_url("portrait", results, a1, "2025Q9")).status_code == 404


def test_it_opens_the_own_units_portrait_to_its_liaison(results: Results) -> None:
    client = client_for(results.liaison)
    page = client.get(_url("portrait", results, results.org.unit_a1))
    assert page.status_code == 200
    assert 'data-testid="no-mean-note"' in page.content.decode()
    assert client.get(_url("portrait", results, results.org.unit_a1_sub)).status_code == 200
    assert client.get(_url("portrait", results, results.org.unit_a2)).status_code == 404
    data = client.get(_url("portrait_json", results, results.org.unit_a1)).json()
    assert data["radar"]["mean"] is None
    assert data["radar"]["unit"] == [round(20 / 60, 4), None]


def _ratios(snapshot: Snapshot, indices: list[int]) -> list[float | None]:
    nodes = snapshot.nodes
    return [
        None if nodes["score"][i] is None else round(nodes["score"][i] / nodes["max"][i], 4)
        for i in indices
    ]


@pytest.mark.parametrize("period", QUARTERS)
def test_it_serves_radar_data_equal_to_the_snapshots(results: Results, period: str) -> None:
    a1 = results.org.unit_a1
    data = client_for(results.analyst).get(_url("portrait_json", results, a1, period)).json()
    codes = [n.code for n in results.scored.version.indicators.order_by("position")]
    level_one = [codes.index("A"), codes.index("B")]  # B2 (veto, max 0) is under B
    assert [i["code"] for i in data["radar"]["indicators"]] == ["A", "B"]
    assert all(i["max"] == 1 for i in data["radar"]["indicators"])
    mine = _snapshot(a1, period)
    assert data["radar"]["unit"] == _ratios(mine, level_one)
    assert (data["total"], data["rank"], data["band"], data["vetoed"]) == (
        mine.total,
        mine.rank,
        mine.band,
        mine.vetoed,
    )
    # The mean over the analyst's units (A1, A1-1, A2; never county B's B1), per node over
    # the units assessed on it.
    units = [a1, results.org.unit_a1_sub, results.org.unit_a2]
    expected = []
    for n in range(2):
        ratios = [_ratios(_snapshot(u, period), level_one)[n] for u in units]
        present = [r for r in ratios if r is not None]
        expected.append(sum(present) / len(present) if present else None)
    assert data["radar"]["mean"] == [
        None if e is None else pytest.approx(e, abs=1e-4) for e in expected
    ]


def test_it_means_over_the_analysts_units_only(results: Results) -> None:
    """Hand-computed for 2025Q1: A = (20 + 40 + 30) / 3 / 60 = 0.5; B: only A2 was
    assessed (20/40 = 0.5); with county B's B1 (36/40) it would be 0.7."""
    data = (
        client_for(results.analyst).get(_url("portrait_json", results, results.org.unit_a1)).json()
    )
    assert data["radar"]["mean"] == [0.5, 0.5]
    assert data["unit"]["code"] == "A1" and data["period"] == "2025Q1"
    # The same out of ``nodes``, for snapshots stored before their level-1 lists existed.
    Snapshot.objects.update(level_one=None)
    again = (
        client_for(results.analyst).get(_url("portrait_json", results, results.org.unit_a1)).json()
    )
    assert again["radar"]["mean"] == [0.5, 0.5]


def test_it_serves_the_trend_of_the_stored_totals_and_ranks(results: Results) -> None:
    a1 = results.org.unit_a1
    data = client_for(results.analyst).get(_url("portrait_json", results, a1, "2025Q3")).json()
    stored = [_snapshot(a1, q) for q in QUARTERS]
    assert data["trend"] == [
        {
            "period": s.period,
            "label": period_label(s.period),  # the axis label: the period in words
            "total": s.total,
            "rank": s.rank,
            "band": s.band,
        }
        for s in stored
    ]
    assert [t["total"] for t in data["trend"]] == [33.3333, 0.0, 62.0, 50.0]
    assert [t["rank"] for t in data["trend"]] == [4, 4, 1, 4]


def test_it_keeps_a_yearly_trend_apart_from_the_quarters(results: Results) -> None:
    period_recompute(framework=results.scored.framework, period=Period.parse("2025"))
    a1 = results.org.unit_a1
    client = client_for(results.analyst)
    quarterly = client.get(_url("portrait_json", results, a1, "2025Q1")).json()
    assert [t["period"] for t in quarterly["trend"]] == QUARTERS
    yearly = client.get(_url("portrait_json", results, a1, "2025")).json()
    assert [t["period"] for t in yearly["trend"]] == ["2025"]


def test_it_shows_the_veto_and_the_warnings_of_every_period(results: Results) -> None:
    a1 = results.org.unit_a1
    page = client_for(results.analyst).get(_url("portrait", results, a1, "2025Q4"))
    body = page.content.decode()
    assert 'data-testid="veto-notice"' in body and "一票否决" in body
    warnings = [(w.period, w.code, w.band, w.vetoed) for w in page.context["warnings"]]
    assert warnings == [
        ("2025Q4", "", "red", True),
        ("2025Q4", "A", "red", False),
        ("2025Q3", "", "yellow", False),  # 62 of 100
        ("2025Q3", "A", "red", False),  # 30 of 60
        ("2025Q3", "B", "blue", False),  # 32 of 40 = 0.8
        ("2025Q2", "", "red", False),
        ("2025Q2", "A", "red", False),
        ("2025Q1", "", "red", False),
        ("2025Q1", "A", "red", False),
    ]
    table = body[body.index('data-testid="unit-warnings"') :]
    table = table[: table.index("</table>")]
    for quarter in QUARTERS:
        assert quarter in table


def test_it_never_lists_a_record_that_did_not_count(results: Results) -> None:
    a1 = results.org.unit_a1
    record(
        results.scored,
        a1,
        "A1",
        "2025-02-03",
        quantity=1,
        note="退回的记录",
        status=RecordStatus.RETURNED,
    )
    record(results.scored, a1, "A1", "2025-02-04", quantity=1, note="尚未计分")  # not recomputed
    body = (
        client_for(results.analyst)
        .get(_url("portrait_records", results, a1, "2025Q1", "A1"), headers=HTMX)
        .content.decode()
    )
    assert "公车私用" in body
    assert "退回的记录" not in body and "尚未计分" not in body
    assert len(re.findall(r'data-testid="record-row"', body)) == 1


def test_it_refuses_an_unknown_node(results: Results) -> None:
    client = client_for(results.analyst)
    url = _url("portrait_records", results, results.org.unit_a1, "2025Q1", "NOPE")
    assert client.get(url, headers=HTMX).status_code == 404


def test_it_links_the_evidence_of_a_record(results: Results, media: Path) -> None:
    a1 = results.org.unit_a1
    counted = Record.objects.get(unit=a1, note="公车私用")
    upload = SimpleUploadedFile("通报.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    evidence = evidence_add(record=counted, upload=upload, actor=None)
    client = client_for(results.analyst)
    body = client.get(
        _url("portrait_records", results, a1, "2025Q1", "A1"), headers=HTMX
    ).content.decode()
    href = reverse("records:evidence", args=[evidence.pk])
    assert f'data-testid="evidence-link" href="{href}"' in body and "通报.pdf" in body
    served = client.get(href)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]


def test_it_exports_the_portrait_with_chinese_headers(results: Results) -> None:
    a1 = results.org.unit_a1
    response = client_for(results.analyst).get(_url("portrait_xlsx", results, a1))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    tree, records, trend, warnings = (book[name] for name in book.sheetnames)
    # Each sheet: title line, a blank row, then the headers on row 3.
    headers = [c.value for c in tree[3]]
    assert headers[:4] == ["编码", "指标", "级别", "得分"] and "预警等级" in headers
    rows = {r[0]: r for r in tree.iter_rows(min_row=4, values_only=True)}
    assert rows["A1"][3:6] == (20.0, 30.0, "黄色") and rows["A"][3:6] == (20.0, 60.0, "红色")
    record_headers = [c.value for c in records[3]]
    assert record_headers[:4] == ["日期", "指标", "数据采集监测站", "问题类型"]
    (only,) = list(records.iter_rows(min_row=4, values_only=True))
    assert only[0] == "2025-02-01" and only[8] == "−10" and only[9] == "公车私用"
    assert [c.value for c in trend[3]] == ["考核周期", "折算得分", "排名", "预警等级"]
    assert [r[:3] for r in trend.iter_rows(min_row=4, values_only=True)] == [  # periods in words
        ("2025年第一季度", 33.3333, 4),
        ("2025年第二季度", 0.0, 4),
        ("2025年第三季度", 62.0, 1),
        ("2025年第四季度", 50.0, 4),
    ]
    assert [c.value for c in warnings[3]][:3] == ["考核周期", "指标", "得分"]
    assert warnings.max_row == 3 + 9


def test_it_shows_the_leadership_team(results: Results) -> None:
    org = results.org
    a1 = org.unit_a1
    page = client_for(results.analyst).get(_url("leadership", results, a1))
    assert page.status_code == 200
    body = page.content.decode()
    rows = re.findall(r'<tr data-testid="leader-row".*?</tr>', body, re.S)
    assert len(rows) == 1
    assert "王建国" in rows[0] and "党组书记、局长" in rows[0] and "正科级" in rows[0]
    assert "主要负责人" in rows[0]
    assert "李明" not in body  # county B's leader
    assert "33.33" in body  # the headline score for context
    liaison = client_for(results.liaison)
    assert liaison.get(_url("leadership", results, a1)).status_code == 200
    assert liaison.get(_url("leadership", results, org.unit_a2)).status_code == 404
    assert client_for(results.analyst_b).get(_url("leadership", results, a1)).status_code == 404


def test_it_lists_the_team_principal_first_with_the_members_past_posts(
    results: Results,
) -> None:
    org = results.org
    member = services.person_save(
        person=Person(code="PA2", name="张丽", gender=Gender.FEMALE, birth_year=1980, rank="副科级")
    )
    earlier = services.post_start(
        person=member, unit=org.unit_a2, title="副镇长", start=datetime.date(2018, 3, 1)
    )
    services.post_end(post=earlier, end=datetime.date(2022, 6, 30))
    services.post_start(
        person=member,
        unit=org.unit_a1,
        role=PostRole.MEMBER,
        title="副局长",
        managed_level=ManagedLevel.COUNTY,
        start=datetime.date(2022, 7, 1),
    )
    # A post in county B is outside the analyst's scope: not listed among the past posts.
    services.post_end(
        post=services.post_start(person=member, unit=org.unit_b1, title="科员"),
        end=datetime.date(2017, 12, 31),
    )
    gone = services.person_save(person=Person(code="PA3", name="赵强"))
    services.post_end(
        post=services.post_start(person=gone, unit=org.unit_a1, title="原副局长"),
        end=datetime.date(2021, 1, 1),
    )
    page = client_for(results.analyst).get(_url("leadership", results, org.unit_a1))
    body = page.content.decode()
    rows = re.findall(r'<tr data-testid="leader-row".*?</tr>', body, re.S)
    assert ["王建国" in rows[0], "张丽" in rows[1]] == [True, True]  # principal first
    age = timezone.localdate().year - 1980
    cells = _cells(rows[1])
    assert cells[1:6] == ["班子成员", "副局长", "副科级", "县管", "2022-07-01"]
    assert cells[6].startswith("1980") and str(age) in cells[6]  # birth year and age
    assert cells[7] == "女"
    assert "黎侯镇" in cells[8] and "副镇长" in cells[8] and "2022-06-30" in cells[8]
    assert "平顺县财政局" not in body and "科员" not in body
    former = body[body.index('data-testid="former-team"') :]
    assert "赵强" in former and "原副局长" in former


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_it_reads_as_many_queries_whatever_the_number_of_units(results: Results) -> None:
    client = client_for(results.analyst)
    a1 = results.org.unit_a1
    urls = [_url(name, results, a1) for name in ("portrait", "portrait_json")]
    before = [_queries(client, url) for url in urls]
    for n in range(5):
        unit = services.unit_save(
            unit=Unit(
                code=f"A9{n}",
                name=f"新单位{n}",
                category=results.org.category,
                region=results.org.county_a,
            )
        )
        record(results.scored, unit, "B1", f"2025-03-0{n + 1}", value=60 + n)
    period_recompute(framework=results.scored.framework, period=Period.parse("2025Q1"))
    assert [_queries(client, url) for url in urls] == before


def test_it_links_the_portrait_from_the_unit_and_ranking_pages(results: Results) -> None:
    client = client_for(results.analyst)
    a1 = results.org.unit_a1
    portrait = _url("portrait", results, a1, "2025Q4")
    detail = client.get(reverse("org:unit_detail", args=[a1.pk])).content.decode()
    assert f'href="{portrait}"' in detail
    ranking = client.get(reverse("scoring:ranking", args=["T", "2025Q1"]))
    assert f'href="{_url("portrait", results, a1)}"' in ranking.content.decode()
