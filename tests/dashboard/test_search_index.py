"""The one-stop query through its search index: words of one to four characters in
notes, problem types, unit and leader names; the exact name first; the counts equal to a
full scan on the demo county; the scope unchanged; punctuation alone still searched.

The fixture is the ``results`` one of tests/dashboard/conftest.py (see test_search.py)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.db import connection

from qingfeng.accounts.models import User
from qingfeng.dashboard import search as selectors
from qingfeng.dashboard.access import analysis_units
from qingfeng.lib import search_index
from qingfeng.org import services as org_services
from qingfeng.org.models import Person, PostRole, Station, StationKind, Unit
from qingfeng.records.models import Record
from tests.conftest import client_for, record
from tests.dashboard.conftest import Results
from tests.demo_county import DemoCounty

URL = "/analysis/search/"
XLSX = "/analysis/search.xlsx"


def count_of(html: str, kind: str) -> int:
    match = re.search(rf'data-testid="search-{kind}-count">(\d+)<', html)
    assert match, kind
    return int(match.group(1))


def record_notes(html: str) -> set[str]:
    return set(
        Record.objects.filter(pk__in=re.findall(r'data-record="(\d+)"', html)).values_list(
            "note", flat=True
        )
    )


def test_words_of_two_three_and_four_characters_in_notes_and_names(results: Results) -> None:
    client = client_for(results.analyst)
    # Two characters, in a note (A2's 会风不正) and in a unit's name.
    html = client.get(URL, {"q": "会风"}).content.decode()
    assert record_notes(html) == {"会风不正"}
    html = client.get(URL, {"q": "教育"}).content.decode()
    assert "黎城县教育局" in html and count_of(html, "units") == 1
    assert count_of(html, "records") == 4  # A1's records, found by their unit's name
    # Two characters of a leader's name; three of a problem type; four of a note.
    html = client.get(URL, {"q": "建国"}).content.decode()
    assert count_of(html, "people") == 1 and "王建国" in html
    html = client.get(URL, {"q": "官僚主"}).content.decode()
    assert count_of(html, "records") == 1
    html = client.get(URL, {"q": "公车私用"}).content.decode()
    assert record_notes(html) == {"公车私用"}


def test_a_record_found_by_its_unit_and_its_note_is_one_result_on_every_page(
    results: Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    """教育 finds A1's records by their unit's name (黎城县教育局) and others by their note;
    an A1 record whose note also says 教育 is one result, the pages run newest first
    across both, and county B's note stays out."""
    org, scored = results.org, results.scored
    both = record(scored, org.unit_a1, "A1", "2025-09-01", quantity=1, note="教育经费违规")
    by_note = record(scored, org.unit_a2, "A1", "2025-06-15", quantity=1, note="教育整顿不到位")
    record(scored, org.unit_b1, "A1", "2025-06-16", quantity=1, note="教育整顿不到位")
    monkeypatch.setattr(selectors, "PAGE_SIZE", 4)
    client = client_for(results.analyst)
    shown: list[int] = []
    for page in (1, 2):
        html = client.get(URL, {"q": "教育", "kind": "records", "page": page}).content.decode()
        assert count_of(html, "records") == 6
        shown += [int(pk) for pk in re.findall(r'data-record="(\d+)"', html)]
    expected = {*org.unit_a1.records.values_list("pk", flat=True), by_note.pk}
    assert len(shown) == 6 and set(shown) == expected and both.pk in shown
    found = Record.objects.in_bulk(shown)
    assert shown == sorted(shown, key=lambda pk: (found[pk].date, pk), reverse=True)


def test_one_character_is_found_too(results: Results) -> None:
    client = client_for(results.analyst)
    html = client.get(URL, {"q": "车"}).content.decode()
    assert record_notes(html) == {"公车私用"}
    html = client.get(URL, {"q": "王"}).content.decode()
    assert count_of(html, "people") == 1
    # The last character of a text, and a character at the end of a name.
    assert count_of(client.get(URL, {"q": "喝"}).content.decode(), "records") == 1
    assert count_of(client.get(URL, {"q": "局"}).content.decode(), "units") == 1


def test_a_keyword_of_punctuation_only_is_still_searched(results: Results) -> None:
    org = results.org
    record(results.scored, org.unit_a2, "A1", "2025-04-04", quantity=1, note="超标准、超范围")
    assert search_index.matching(kind="record", text="、") is None
    html = client_for(results.analyst).get(URL, {"q": "、"}).content.decode()
    assert record_notes(html) == {"超标准、超范围"}


def test_words_in_the_wrong_order_or_across_fields_are_not_found(results: Results) -> None:
    org = results.org
    record(results.scored, org.unit_a2, "A1", "2025-04-04", quantity=1, note="用私车公")
    # 私用 … 公车 hold every bigram of 公车私用 but 车私: not a match; 违规 and 吃喝 are
    # both in "违规吃喝", 规吃 is not in "违规, 吃喝".
    record(results.scored, org.unit_a2, "A1", "2025-04-05", quantity=1, note="私用公车")
    record(results.scored, org.unit_a2, "A1", "2025-04-06", quantity=1, note="违规，吃喝")
    client = client_for(results.analyst)
    assert record_notes(client.get(URL, {"q": "公车私用"}).content.decode()) == {"公车私用"}
    assert record_notes(client.get(URL, {"q": "违规吃喝"}).content.decode()) == {"违规吃喝"}


def test_the_exact_name_comes_first(results: Results) -> None:
    org = results.org
    for code, name in (("Z9", "教育局"), ("A0", "教育局机关服务中心")):
        org_services.unit_save(
            unit=Unit(code=code, name=name, category=org.category, region=org.county_a)
        )
    query = selectors.SearchQuery(text="教育局")
    found = selectors.found_units(user=results.analyst, query=query)
    # Exact, then beginning with the word, then containing it (each by code).
    assert [u.code for u in found] == ["Z9", "A0", "A1"]

    person = org_services.person_save(person=Person(code="PZ", name="王建", rank="科员"))
    org_services.post_start(person=person, unit=org.unit_a2, role=PostRole.MEMBER, title="干事")
    people = selectors.found_people(user=results.analyst, query=selectors.SearchQuery(text="王建"))
    assert [p.code for p in people] == ["PZ", "PA1"]  # not by code: PA1 < PZ
    html = client_for(results.analyst).get(URL, {"q": "王建"}).content.decode()
    assert html.index(">王建</a>") < html.index(">王建国</a>")


def test_nothing_outside_the_scope_is_found_by_the_index(results: Results) -> None:
    client = client_for(results.analyst_b)
    for word in ("会风", "教育", "建国", "公车私用", "车"):
        html = client.get(URL, {"q": word}).content.decode()
        assert count_of(html, "records") == 0, word
        assert count_of(html, "units") == 0 and count_of(html, "people") == 0
    # County B's own 四风 record (no note) is found by its problem type.
    assert count_of(client.get(URL, {"q": "四风"}).content.decode(), "records") == 1


def test_a_missing_index_row_would_hide_a_record(results: Results) -> None:
    """The page does use the index (so the writes must keep it in step)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_index")
    html = client_for(results.analyst).get(URL, {"q": "公车"}).content.decode()
    assert count_of(html, "records") == 0
    search_index.rebuild()
    html = client_for(results.analyst).get(URL, {"q": "公车"}).content.decode()
    assert count_of(html, "records") == 1


def brute_force(user: User, word: str) -> tuple[int, int, int]:
    """The counts of a plain scan in Python over everything in the user's scope."""
    word = word.lower()
    units = analysis_units(user)
    unit_names = dict(units.values_list("pk", "name"))
    found_units = sum(
        1 for code, name in units.values_list("code", "name") if word in f"{code}\n{name}".lower()
    )
    people = selectors.scope.visible_people(user, selectors.Capability.VIEW_ANALYSIS)
    found_people = sum(
        1 for code, name in people.values_list("code", "name") if word in f"{code}\n{name}".lower()
    )
    found_records = 0
    rows = Record.objects.filter(unit__in=list(unit_names)).values_list(
        "unit_id", "note", "problem_type", "indicator_code"
    )
    for unit_id, note, problem_type, code in rows.iterator():
        texts = (note, problem_type, code, unit_names[unit_id])
        found_records += any(word in text.lower() for text in texts)
    return found_units, found_people, found_records


def test_counts_equal_a_full_scan_on_the_demo(demo_county: DemoCounty) -> None:
    analyst = User.objects.get(username="analyst")
    person = Person.objects.filter(posts__isnull=False).order_by("code").first()
    assert person is not None
    words = ["教育", "公车", "违规", "整改", "四风", "县纪委", "公车私用", "党", person.name[-2:]]
    for word in words:
        query = selectors.SearchQuery(text=word)
        counts = (
            selectors.found_units(user=analyst, query=query).count(),
            selectors.found_people(user=analyst, query=query).count(),
            selectors.found_records(user=analyst, query=query).count(),
        )
        assert counts == brute_force(analyst, word), word
        assert sum(counts) > 0, word


@pytest.mark.parametrize("word", ["教育", "公车私用"])
def test_the_export_lists_what_the_page_counts(results: Results, word: str) -> None:
    client = client_for(results.analyst)
    html = client.get(URL, {"q": word}).content.decode()
    book = openpyxl.load_workbook(io.BytesIO(client.get(XLSX, {"q": word}).content))
    rows = list(book["填报记录"].iter_rows(min_row=4, values_only=True))
    assert len(rows) == count_of(html, "records") > 0


def test_the_filter_lists_are_escaped_and_keep_the_choice(results: Results) -> None:
    """The long selects are written without widget templates: still escaped, still
    showing what was chosen."""
    station = org_services.station_save(
        station=Station(
            code="ST-X",
            name='<i>"纪检"</i>',
            kind=StationKind.DEPARTMENT,
            region=results.org.county_a,
        )
    )
    html = client_for(results.analyst).get(URL, {"station": station.pk}).content.decode()
    assert (
        f'<option value="{station.pk}" selected>&lt;i&gt;&quot;纪检&quot;&lt;/i&gt;</option>'
        in html
    )
    assert "<i>" not in html.split('name="station"')[1].split("</select>")[0]
    assert '<option value="">—</option>' in html
