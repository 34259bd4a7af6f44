"""Unknown problem types are refused by every entry path, each with its located message:
the record form, quick entry, an Excel (or CSV) upload and the API. A problem type is one
of the managed list (``ProblemType``); a name typed freely would fall outside every problem
analysis, so it is refused like any other bad value and nothing is stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from qingfeng.accounts.models import User
from qingfeng.records.models import ProblemType, Record
from qingfeng.records.services import records_import
from tests.api import conftest as api_fixtures
from tests.api.conftest import Api, item
from tests.conftest import client_for, english
from tests.records import entry_helpers as helpers
from tests.records.conftest import Setup

periods, clerk, media = helpers.periods, helpers.clerk, helpers.media
api = api_fixtures.api  # the API's world: framework T, ST-A's token, 2025Q1 open

pytestmark = pytest.mark.django_db

UNKNOWN = "违规吃喝"  # not in the managed list
MESSAGE = f"unknown problem type &quot;{UNKNOWN}&quot;"


def test_the_record_form_refuses_an_unknown_problem_type(periods: Setup, clerk: User) -> None:
    client = english(client_for(clerk))
    data = {"unit": periods.org.unit_a1.pk, "date": "2025-08-01", "quantity": 1}
    response = client.post(helpers.new_url(periods, "A1"), {**data, "problem_type": UNKNOWN})
    assert response.status_code == 200
    assert response.context["form"].errors["problem_type"] == [
        f'unknown problem type "{UNKNOWN}"; choose one from the list'
    ]
    assert not Record.objects.exists()
    ok = client.post(helpers.new_url(periods, "A1"), {**data, "problem_type": "四风"})
    assert ok.status_code == 302
    assert Record.objects.get().problem_type == "四风"


def test_the_service_refuses_an_inactive_problem_type(periods: Setup, clerk: User) -> None:
    """The form's choices hide an inactive type; the checks behind it refuse it too."""
    ProblemType.objects.filter(name="舆情").update(active=False)
    client = english(client_for(clerk))
    response = client.post(
        helpers.new_url(periods, "A1"),
        {
            "unit": periods.org.unit_a1.pk,
            "date": "2025-08-01",
            "quantity": 1,
            "problem_type": "舆情",
        },
    )
    assert response.status_code == 200 and "problem_type" in response.context["form"].errors
    assert not Record.objects.exists()


def test_quick_entry_refuses_an_unknown_problem_type_on_its_row(
    periods: Setup, clerk: User
) -> None:
    org = periods.org
    client = english(client_for(clerk))
    page = client.get(helpers.new_url(periods, "A1", kind="quick")).content.decode()
    assert f'name="problem_type-{org.unit_a1.pk}"' in page and "四风" in page
    response = client.post(
        helpers.new_url(periods, "A1", kind="quick"),
        {
            "date": "2025-08-01",
            f"quantity-{org.unit_a1.pk}": "1",
            f"problem_type-{org.unit_a1.pk}": "四风",
            f"quantity-{org.unit_a2.pk}": "2",
            f"problem_type-{org.unit_a2.pk}": UNKNOWN,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    row = page.split(f'data-unit="{org.unit_a2.code}"', 1)[1].split("</tr>", 1)[0]
    assert MESSAGE in row
    assert not Record.objects.exists()  # all or nothing: the good row is not stored either


def _records_xlsx(problem_type: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "records"
    sheet.append(["unit", "indicator", "date", "quantity", "problem_type", "note"])
    sheet.append(["A1", "A1", "2025-08-01", 1, "四风", "通报"])
    sheet.append(["A2", "A1", "2025-08-02", 1, problem_type, "通报"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_excel_upload_refuses_a_row_with_an_unknown_problem_type(
    periods: Setup, clerk: User, media: Path
) -> None:
    client = english(client_for(clerk))
    upload = SimpleUploadedFile("filled.xlsx", _records_xlsx(UNKNOWN))
    response = client.post(reverse("records:excel"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "row 3" in page and MESSAGE in page
    assert "row 2" not in page
    assert not Record.objects.exists()


def test_the_records_import_locates_the_unknown_problem_type(periods: Setup) -> None:
    with translation.override("en"):
        result = records_import(
            data=_records_xlsx(UNKNOWN), filename="records.xlsx", framework=periods.framework
        )
        assert [(issue.row, issue.column) for issue in result.issues] == [(3, "problem_type")]
        assert f'unknown problem type "{UNKNOWN}"' in str(result.issues[0])
    assert result.created == 0
    chinese = records_import(
        data=_records_xlsx(UNKNOWN), filename="records.xlsx", framework=periods.framework
    )
    assert f"未知的问题类型“{UNKNOWN}”" in str(chinese.issues[0])  # the site's language
    stored = records_import(
        data=_records_xlsx("其他"), filename="records.xlsx", framework=periods.framework
    )
    assert stored.created == 2


def test_the_api_refuses_an_unknown_problem_type_naming_the_item(api: Api) -> None:
    url = "/api/frameworks/T/records"
    batch = {"records": [item("x-1", problem_type="四风"), item("x-2", problem_type=UNKNOWN)]}
    response = api.post(url, batch, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["index"], error["field"]) == (1, "problem_type")
    assert error["message"].startswith(f'unknown problem type "{UNKNOWN}"; choose one of: 四风')
    assert not Record.objects.exists()
    assert api.post(url, {"records": [item("x-1", problem_type="四风")]}).status_code == 201
