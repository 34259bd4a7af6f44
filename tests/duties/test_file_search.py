"""Fulfilment records and personal reports in the one-stop query (issue 14, item 9):
found by words of two, three and four characters, by the holder's name, a date range
and the kind of subject; nothing outside the duty scope; the index follows the writes."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.duties.file_search import found_fulfilments, found_reports
from qingfeng.duties.models import Fulfilment, PersonalReport, ReportKind, TaskDue
from qingfeng.duties.services import fulfilment_delete, fulfilment_record
from qingfeng.lib import search_index
from tests.duties.conftest import Team

pytestmark = pytest.mark.django_db

CONTENT = "召开党风廉政建设专题会议，传达学习上级精神"
DAY = datetime.date(2026, 3, 20)
URL = reverse("dashboard:search")


def principal_record(team: Team, content: str = CONTENT) -> Fulfilment:
    due = (
        TaskDue.objects.filter(duty_list=team.principal_list, starts__lte=DAY, due__gte=DAY)
        .order_by("due")
        .first()
    )
    assert due is not None
    return fulfilment_record(due=due, done_on=DAY, content=content, actor=None, today=DAY)


def principal_report(team: Team) -> PersonalReport:
    return PersonalReport.objects.create(
        person=team.org.person_a1,
        unit=team.org.unit_a1,
        kind=ReportKind.TRAVEL,
        starts=datetime.date(2026, 5, 1),
        ends=datetime.date(2026, 5, 6),
        destination="乌鲁木齐市",
        description="探望父母",
        reported_on=datetime.date(2026, 4, 20),
    )


def found(user: object, text: str = "", **query: object) -> set[str]:
    records = found_fulfilments(user=user, text=text, **query)  # type: ignore[arg-type]
    reports = found_reports(user=user, text=text, **query)  # type: ignore[arg-type]
    return {f"f{r.pk}" for r in records} | {f"r{r.pk}" for r in reports}


@pytest.mark.parametrize("word", ["党风", "专题会", "廉政建设", "学习上级精神"])
def test_it_finds_a_record_by_words_of_any_length(team: Team, word: str) -> None:
    record = principal_record(team)
    assert found(team.commission_user, word) == {f"f{record.pk}"}


@pytest.mark.parametrize("word", ["乌鲁", "木齐市", "乌鲁木齐", "探望父母"])
def test_it_finds_a_report_by_destination_and_description(team: Team, word: str) -> None:
    report = principal_report(team)
    assert found(team.commission_user, word) == {f"r{report.pk}"}


def test_it_finds_the_records_and_reports_of_a_holder_by_name(team: Team) -> None:
    record, report = principal_record(team), principal_report(team)
    assert found(team.commission_user, "王建国") == {f"f{record.pk}", f"r{report.pk}"}
    assert found(team.commission_user, "教育局") == {f"f{record.pk}", f"r{report.pk}"}


def test_it_finds_nothing_outside_the_duty_scope(team: Team) -> None:
    record, report = principal_record(team), principal_report(team)
    mine = {f"f{record.pk}", f"r{report.pk}"}
    assert found(team.principal_user, "党风") | found(team.principal_user, "乌鲁") == mine
    assert found(team.deputy_user, "党风") == {f"f{record.pk}"}
    for outsider in (team.fellow_user, team.member_user, team.outsider_user, team.clerk_user):
        assert found(outsider, "党风") == set()
        assert found(outsider, "乌鲁木齐") == set()
        assert found(outsider, "王建国") == set()


def test_it_narrows_by_date_and_subject(team: Team) -> None:
    record, report = principal_record(team), principal_report(team)
    user = team.commission_user
    both = {f"f{record.pk}", f"r{report.pk}"}
    assert found(user, "王建国", date_from=DAY, date_to=DAY) == {f"f{record.pk}"}
    assert found(user, "王建国", date_from=datetime.date(2026, 4, 1)) == {f"r{report.pk}"}
    assert found(user, "王建国", subject="principal") == both
    assert found(user, "王建国", subject="team") == set()
    assert found(user, "王建国", subject="member") == set()
    assert found(user, "王建国", subject="report") == {f"r{report.pk}"}
    # Without a keyword, the filters alone.
    assert found(user, subject="report") == {f"r{report.pk}"}


def test_the_index_follows_create_and_delete(team: Team) -> None:
    record = principal_record(team, "督促整改巡察反馈问题")
    matching = search_index.matching(kind="fulfilment", text="巡察")
    assert list(Fulfilment.objects.filter(pk__in=matching)) == [record]
    fulfilment_delete(fulfilment=record, actor=None)
    assert not Fulfilment.objects.filter(pk__in=matching).exists()
    assert search_index.counts()["fulfilment"] == 0
    report = principal_report(team)
    assert search_index.counts()["personal_report"] == 1
    report.delete()
    assert search_index.counts()["personal_report"] == 0


def test_the_rebuild_indexes_bulk_written_rows(team: Team) -> None:
    """Bulk writers (the demo seed) bypass ``save``: a rebuild, as the seed runs at its
    end, indexes their rows."""
    record = principal_record(team)
    search_index.unindex(kind="fulfilment", ids=[record.pk])
    assert found(team.commission_user, "党风") == set()
    search_index.rebuild(kinds=["fulfilment", "personal_report"])
    assert found(team.commission_user, "党风") == {f"f{record.pk}"}


def test_the_search_page_shows_the_duty_records_in_scope(team: Team) -> None:
    principal_record(team)
    principal_report(team)
    client = Client()
    client.force_login(team.commission_user)
    html = client.get(URL, {"q": "王建国"}).content.decode()
    assert 'data-testid="search-duties"' in html and "履责纪实和报备" in html
    assert html.count('data-duty="fulfilment"') == 1 and html.count('data-duty="report"') == 1
    assert reverse("duties:leader_file", args=[team.org.person_a1.pk]) in html
    html = client.get(URL, {"q": "王建国", "subject": "report"}).content.decode()
    assert 'data-duty="fulfilment"' not in html and 'data-duty="report"' in html
    assert 'data-testid="search-units"' not in html  # a subject filter: duty records only
    outsider = Client()
    outsider.force_login(team.outsider_user)
    html = outsider.get(URL, {"q": "王建国"}).content.decode()
    assert 'data-testid="search-duties"' in html and "data-duty=" not in html
    export = client.get(reverse("dashboard:search_xlsx"), {"q": "党风"})
    sheet = load_workbook(io.BytesIO(export.content))["履责纪实和报备"]
    assert [c.value for c in sheet[3]][:3] == ["日期", "类型", "履责对象"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [(row[1], row[4]) for row in rows] == [("履责纪实", CONTENT)]
