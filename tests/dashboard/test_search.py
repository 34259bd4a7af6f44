"""The one-stop query (一站查询) and its export, over the ``results`` fixture.

Records of the fixture (tests/dashboard/conftest.py) with a problem type:

| unit | date       | type                 | note     |
|------|------------|----------------------|----------|
| A1   | 2025-02-01 | 四风                 | 公车私用 |
| A1   | 2025-05-01 | 违反中央八项规定精神 | 违规吃喝 |
| A2   | 2025-05-03 | 四风                 | 会风不正 |
| B1   | 2025-06-01 | 四风                 |          |
| A2   | 2025-08-02 | 四风                 | 文山会海 |
| A1   | 2025-11-01 | 违反中央八项规定精神 | 严重违纪 |
| A1-1 | 2025-11-02 | 形式主义官僚主义     |          |

Units named 黎城…: A1 黎城县教育局 (4 records) and A1-1 黎城县第一中学 (3 records).
"""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl.worksheet.worksheet import Worksheet

from qingfeng.dashboard import search as selectors
from qingfeng.records.models import RecordStatus
from tests.conftest import client_for, english, record
from tests.dashboard.conftest import Results

URL = "/analysis/search/"
XLSX = "/analysis/search.xlsx"


def record_ids(html: str) -> list[int]:
    """The records listed on the page, in order."""
    return [int(pk) for pk in re.findall(r'data-record="(\d+)"', html)]


def section(html: str, kind: str) -> str:
    """The HTML of one group of results."""
    match = re.search(rf'<section[^>]*data-testid="search-{kind}">(.*?)</section>', html, re.S)
    assert match, f"no {kind} section"
    return match.group(1)


def test_urls_follow_the_contract() -> None:
    assert reverse("dashboard:search") == URL
    assert reverse("dashboard:search_xlsx") == XLSX


def test_it_finds_units_of_the_analysts_county_only(results: Results) -> None:
    page = client_for(results.analyst).get(URL, {"q": "黎城"})
    assert page.status_code == 200
    units = section(page.content.decode(), "units")
    assert "黎城县教育局" in units and "黎城县第一中学" in units
    assert "平顺县财政局" not in page.content.decode()
    assert 'data-testid="search-units-count">2<' in units

    other = client_for(results.analyst_b).get(URL, {"q": "黎城"}).content.decode()
    assert "黎城县教育局" not in other
    assert 'data-testid="search-units-count">0<' in other


def test_it_finds_a_person_with_his_post(results: Results) -> None:
    html = client_for(results.analyst).get(URL, {"q": "王建国"}).content.decode()
    people = section(html, "people")
    assert "王建国" in people
    assert "黎城县教育局 · 党组书记、局长" in people
    assert reverse("org:person_detail", args=[results.org.person_a1.pk]) in people
    # 李明 leads a unit of county B: not found by county A's analyst.
    html = client_for(results.analyst).get(URL, {"q": "李明"}).content.decode()
    assert "李明" not in section(html, "people")


def test_it_finds_the_leader_of_county_b_for_its_analyst(results: Results) -> None:
    client = client_for(results.analyst_b)
    html = client.get(URL, {"q": "李明"}).content.decode()
    assert "平顺县财政局 · 局长" in section(html, "people")
    html = client.get(URL, {"q": "公车"}).content.decode()
    assert record_ids(html) == []
    assert 'data-testid="search-records-count">0<' in html


def test_it_finds_a_record_with_a_link_to_the_portrait(results: Results) -> None:
    html = client_for(results.analyst).get(URL, {"q": "公车"}).content.decode()
    records = section(html, "records")
    (found,) = record_ids(records)
    org = results.org
    assert org.unit_a1.records.get(pk=found).note == "公车私用"
    assert "已审核" in records  # the status, in Chinese by default
    # Counted in A1's 2025Q1 snapshot: the portrait of that quarter, at indicator A1.
    portrait = reverse("dashboard:portrait", args=["T", "2025Q1", org.unit_a1.pk])
    assert f'href="{portrait}?node=A1"' in records


def test_a_record_no_snapshot_counted_has_no_portrait_link(results: Results) -> None:
    draft = record(
        results.scored,
        results.org.unit_a2,
        "A1",
        "2025-03-03",
        quantity=1,
        note="公车加油卡",
        status=RecordStatus.DRAFT,
    )
    html = english(client_for(results.analyst)).get(URL, {"q": "公车"}).content.decode()
    assert record_ids(html) == [draft.pk, results.org.unit_a1.records.get(note="公车私用").pk]
    row = html.split(f'data-record="{draft.pk}"')[1].split("</tr>")[0]
    assert "draft" in row
    assert "portrait-link" not in row


def test_the_period_is_the_quarter_else_the_year(results: Results) -> None:
    """The portrait link's period: the quarter whose snapshot counted the record, else the
    year whose snapshot did, else none."""
    from qingfeng.lib.periods import Period
    from qingfeng.records.rescore import period_recompute
    from qingfeng.scoring.models import Snapshot

    a1 = results.org.unit_a1
    car_use = a1.records.get(note="公车私用")
    assert selectors.counted_periods([car_use]) == {car_use.pk: "2025Q1"}
    Snapshot.objects.filter(period="2025Q1").delete()
    assert selectors.counted_periods([car_use]) == {}
    period_recompute(framework=results.scored.framework, period=Period.parse("2025"))
    assert selectors.counted_periods([car_use]) == {car_use.pk: "2025"}


def test_type_and_date_range_limit_the_records_exactly(results: Results) -> None:
    org = results.org
    client = client_for(results.analyst)
    # 四风 in county A: A1 02-01, A2 05-03, A2 08-02 (B1's 06-01 is county B's).
    html = client.get(URL, {"type": "四风"}).content.decode()
    expected = [
        org.unit_a2.records.get(date="2025-08-02").pk,
        org.unit_a2.records.get(date="2025-05-03").pk,
        org.unit_a1.records.get(date="2025-02-01").pk,
    ]
    assert record_ids(html) == expected
    # ... between 2025-01-01 and 2025-05-31: A1 02-01 and A2 05-03.
    query = {"type": "四风", "from": "2025-01-01", "to": "2025-05-31"}
    html = client.get(URL, query).content.decode()
    assert record_ids(html) == expected[1:]
    assert 'data-testid="search-records-count">2<' in html
    # The filters narrow records only: without a keyword no unit or leader is listed.
    assert 'search-units-count">0<' in html
    # A keyword and the filters together: 会风 in that range is A2's 05-03 record.
    query = {"q": "会风", "type": "四风", "from": "2025-05-03", "to": "2025-05-03"}
    assert record_ids(client.get(URL, query).content.decode()) == [expected[1]]


def test_station_filter_is_limited_to_the_users_stations(results: Results) -> None:
    org = results.org
    on_station = record(
        results.scored, org.unit_a2, "A1", "2025-04-01", quantity=1, station=org.station_a
    )
    html = client_for(results.analyst).get(URL, {"station": org.station_a.pk}).content.decode()
    assert record_ids(html) == [on_station.pk]
    page = english(client_for(results.analyst_b)).get(URL, {"station": org.station_a.pk})
    assert page.status_code == 200
    assert 'data-testid="search-errors"' in page.content.decode()
    assert record_ids(page.content.decode()) == []


def test_a_bad_date_shows_an_error_with_the_form(results: Results) -> None:
    page = english(client_for(results.analyst)).get(URL, {"q": "公车", "from": "2025-13-45"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="search-form"' in html
    assert "Enter the date as YYYY-MM-DD, for example 2025-03-31." in html
    assert record_ids(html) == []
    page = english(client_for(results.analyst)).get(URL, {"from": "2025-06-01", "to": "2025-01-01"})
    assert "The start date is after the end date." in page.content.decode()
    # The export sends a bad search back to the page, where the error shows.
    export = client_for(results.analyst).get(XLSX, {"from": "nonsense"})
    assert export.status_code == 302
    assert export["Location"].startswith(URL)


def test_an_empty_search_shows_the_form_and_a_hint(results: Results) -> None:
    html = client_for(results.analyst).get(URL).content.decode()
    assert 'data-testid="search-form"' in html
    assert 'data-testid="search-hint"' in html
    assert 'data-testid="search-units"' not in html


def test_it_is_404_without_the_analysis_capability(results: Results) -> None:
    client = client_for(results.liaison)
    assert client.get(URL, {"q": "黎城"}).status_code == 404
    assert client.get(XLSX, {"q": "黎城"}).status_code == 404


def test_it_is_in_the_navigation_for_analysts_only(results: Results) -> None:
    home = reverse("core:home")
    assert f'action="{URL}"' in client_for(results.analyst).get(home).content.decode()
    assert f'action="{URL}"' not in client_for(results.liaison).get(home).content.decode()


def test_htmx_gets_only_the_results(results: Results) -> None:
    page = client_for(results.analyst).get(URL, {"q": "公车"}, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "<html" not in html and "search-form" not in html
    assert 'data-testid="search-records"' in html
    assert len(record_ids(html)) == 1


def test_groups_show_fifty_and_page_the_rest(
    results: Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With pages of 2 rows: 黎城 finds 7 records (A1's 4, A1-1's 3), 2 shown, "5 more"."""
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    client = english(client_for(results.analyst))
    html = client.get(URL, {"q": "黎城"}).content.decode()
    assert len(record_ids(section(html, "records"))) == 2
    assert 'data-testid="search-records-count">7<' in html
    assert "5 more — refine the search, or" in section(html, "records")
    assert "kind=records" in section(html, "records")
    assert "search-units-more" not in html  # both units are shown

    everything = []
    for page in (1, 2, 3, 4):
        html = client.get(URL, {"q": "黎城", "kind": "records", "page": page}).content.decode()
        assert 'data-testid="search-units"' not in html
        everything += record_ids(html)
    assert "Page 4 of 4" in html
    a1, a1_sub = results.org.unit_a1, results.org.unit_a1_sub
    in_scope = set(a1.records.values_list("pk", flat=True)) | set(
        a1_sub.records.values_list("pk", flat=True)
    )
    assert len(everything) == 7 and set(everything) == in_scope


def test_the_number_of_queries_does_not_grow_with_the_results(results: Results) -> None:
    client = client_for(results.analyst)

    def queries() -> int:
        client.get(URL, {"q": "黎城"})  # warm the session
        with CaptureQueriesContext(connection) as context:
            client.get(URL, {"q": "黎城"})
        return len(context)

    before = queries()
    for day in range(1, 61):
        record(results.scored, results.org.unit_a1, "A1", f"2025-03-{day % 28 + 1:02d}")
    # 12, the navigation bar's unread notices, the duty records' group (records and
    # reports, each one query with its count: an analyst sees duty records), and the
    # records' page read with their unit, framework and station after their ids.
    assert queries() == before <= 16


def read_back(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def rows_of(sheet: Worksheet) -> list[list[object]]:
    """The data rows (row 1 is the title, row 3 the headers)."""
    return [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)]


def test_it_exports_every_group_with_chinese_headers_in_scope(results: Results) -> None:
    response = client_for(results.analyst).get(XLSX, {"q": "黎城"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = read_back(response.content)
    # An analyst sees duty records: their sheet comes last (tests/duties/test_file_search.py).
    assert book.sheetnames == ["单位", "领导干部", "填报记录", "履责纪实和报备"]
    units, people, records = (book[name] for name in book.sheetnames[:3])
    assert [c.value for c in units[3]] == [
        "编码",
        "名称",
        "类别",
        "行政区划",
        "上级单位",
        "编制人数",
    ]
    assert sorted(str(row[0]) for row in rows_of(units)) == ["A1", "A1-1"]
    assert [c.value for c in people[3]][:2] == ["编码", "姓名"]
    assert rows_of(people) == []  # nobody is named 黎城
    headers = [c.value for c in records[3]]
    assert headers[:5] == ["日期", "编码", "单位", "指标体系", "指标"]
    assert "问题类型" in headers and "状态" in headers
    rows = rows_of(records)
    assert len(rows) == 7
    assert {row[1] for row in rows} == {"A1", "A1-1"}
    assert {row[headers.index("状态")] for row in rows} == {"已审核"}
    first = rows[0]
    assert first[0] == datetime.datetime(2025, 11, 2)  # newest first


def test_export_of_people_lists_current_posts(results: Results) -> None:
    book = read_back(client_for(results.analyst_b).get(XLSX, {"q": "李明"}).content)
    assert rows_of(book["领导干部"]) == [["PB1", "李明", "正科级", "平顺县财政局 · 局长"]]
    assert rows_of(book["单位"]) == []
    book = read_back(client_for(results.analyst).get(XLSX, {"q": "李明"}).content)
    assert rows_of(book["领导干部"]) == []


def test_export_keeps_the_filters_and_the_group(results: Results) -> None:
    query = {"type": "四风", "from": "2025-01-01", "to": "2025-05-31", "kind": "records"}
    book = read_back(client_for(results.analyst).get(XLSX, query).content)
    assert book.sheetnames == ["填报记录"]
    rows = rows_of(book["填报记录"])
    assert [(row[0], row[1]) for row in rows] == [
        (datetime.datetime(2025, 5, 3), "A2"),
        (datetime.datetime(2025, 2, 1), "A1"),
    ]
    # County B's analyst: the same filters find only B1's record.
    book = read_back(client_for(results.analyst_b).get(XLSX, {"type": "四风"}).content)
    assert [row[1] for row in rows_of(book["填报记录"])] == ["B1"]


def test_export_is_capped_with_a_notice(results: Results, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "EXPORT_CAP", 3)
    response = english(client_for(results.analyst)).get(XLSX, {"q": "黎城", "kind": "records"})
    rows = rows_of(read_back(response.content)["Records"])
    assert len(rows) == 4
    assert rows[-1][0] == "Only the first 3 records are listed: narrow the search to see the rest."
