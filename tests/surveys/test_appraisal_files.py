"""The files of a democratic evaluation: the slips to print (each code in large print and
a QR code), and the result table as .docx and .xlsx."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.lib.documents import docx_text
from qingfeng.org.models import Person
from qingfeng.surveys.rules import slip_code_shown
from tests.surveys.appraisal_helpers import add_teams, cast, make_appraisal, slips_of
from tests.surveys.conftest import SurveyWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(survey_world: SurveyWorld) -> SurveyWorld:
    add_teams(survey_world)
    return survey_world


def client_of(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_it_prints_every_open_slip_with_its_code_and_a_qr_code(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world, slips=3)
    cast(slips_of(appraisal, world.org.unit_a2)[0], "excellent", "excellent")
    answer = client_of(world.admin).get(
        reverse("surveys:appraisal_slips_docx", args=[appraisal.pk])
    )
    assert answer.status_code == 200
    assert "attachment" in answer["Content-Disposition"]
    data = answer.content
    text = docx_text(data)
    open_slips = appraisal.slips.filter(cast_at__isnull=True)
    assert open_slips.count() == 5
    # Each slip not cast yet, once, with its code as printed; the cast one is left out.
    for slip in open_slips:
        assert text.count(slip_code_shown(slip.code)) == 1
    cast_slip = appraisal.slips.get(cast_at__isnull=False)
    assert slip_code_shown(cast_slip.code) not in text
    assert "王建国" in text and "陈刚" in text and "□优秀" in text and "□不称职" in text
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        images = [name for name in docx.namelist() if name.startswith("word/media/")]
        xml = docx.read("word/document.xml").decode()
    assert images  # the QR codes (one image part per distinct picture)
    assert xml.count("<pic:pic") == 5


def test_it_prints_one_teams_slips(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world, slips=2)
    url = reverse("surveys:appraisal_slips_docx", args=[appraisal.pk])
    data = client_of(world.admin).get(url, {"unit": world.org.unit_a2.pk}).content
    text = docx_text(data)
    assert "陈刚" in text and "王建国" not in text
    for slip in slips_of(appraisal, world.org.unit_a1):
        assert slip_code_shown(slip.code) not in text


def test_it_writes_the_shares_into_the_result_files(world: SurveyWorld) -> None:
    appraisal = make_appraisal(world)
    a1 = slips_of(appraisal, world.org.unit_a1)
    cast(a1[0], "excellent", "competent", "basic")
    cast(a1[1], "competent", "competent", "incompetent")
    client = client_of(world.analyst)
    docx = client.get(reverse("surveys:appraisal_results_docx", args=[appraisal.pk]))
    text = docx_text(docx.content)
    # 王建国 2 of 2, 张丽 2 of 2, 赵强 0 of 2; A1's team 4 of 6; A2 none cast.
    assert "66.7%" in text and "100.0%" in text and "0.0%" in text
    assert "黎城县教育局" in text and "黎侯镇" in text
    xlsx = client.get(reverse("surveys:appraisal_results_xlsx", args=[appraisal.pk]))
    assert ".xlsx" in xlsx["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.content))
    teams, leaders = book.worksheets
    team_rows = [row for row in teams.iter_rows(values_only=True) if row[0] == "黎城县教育局"]
    assert team_rows == [("黎城县教育局", 2, 4, 66.7)]
    leader_rows = {
        row[1]: row[3:] for row in leaders.iter_rows(values_only=True) if row[0] == "黎城县教育局"
    }
    assert leader_rows["赵强"] == (0, 1, 1, 2, 0, 0.0) or leader_rows["赵强"] == (
        0,
        0,
        1,
        1,
        2,
        0.0,
    )


def test_it_keeps_a_hostile_name_as_text_in_the_files(world: SurveyWorld) -> None:
    Person.objects.filter(name="陈刚").update(name="{{ 7*191 }}<w:t>\x07")
    appraisal = make_appraisal(world, slips=2)
    cast(slips_of(appraisal, world.org.unit_a2)[0], "excellent", "competent")
    client = client_of(world.admin)
    for name in ("appraisal_results_docx", "appraisal_slips_docx"):
        text = docx_text(client.get(reverse(f"surveys:{name}", args=[appraisal.pk])).content)
        # The name as typed (but the bell), never run as a tag (7 × 191 = 1337, which
        # a slip code cannot hold: its alphabet has no 1).
        assert "{{ 7*191 }}<w:t>" in text and "1337" not in text


def test_it_writes_a_formula_like_name_as_text_in_the_workbook(world: SurveyWorld) -> None:
    Person.objects.filter(name="陈刚").update(name='=HYPERLINK("http://x","点我")')
    appraisal = make_appraisal(world, slips=1)
    url = reverse("surveys:appraisal_results_xlsx", args=[appraisal.pk])
    book = load_workbook(io.BytesIO(client_of(world.admin).get(url).content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    named = [cell for cell in cells if "HYPERLINK" in str(cell.value)]
    # Text with the apostrophe in front (lib.cells), never a formula.
    assert [(cell.value, cell.data_type) for cell in named] == [
        ('\'=HYPERLINK("http://x","点我")', "s")
    ]
