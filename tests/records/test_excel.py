"""The station's Excel page: template, upload all or nothing, errors on screen and as .xlsx."""

from __future__ import annotations

import datetime
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.lib.headers import CHINESE_NAMES
from qingfeng.records import excel
from qingfeng.records.models import Record, RecordSource, RecordStatus
from qingfeng.records.periods import period_close, period_open
from tests.conftest import client_for, make_user
from tests.records.conftest import Setup

pytestmark = pytest.mark.django_db

HEADER = ["unit", "indicator", "date", "points", "quantity", "grade", "value", "problem_type"]
HEADER += ["note"]


@pytest.fixture
def opened(setup: Setup, admin_a: User) -> Setup:
    """LK open for 2026, but its first quarter closed."""
    period_open(framework=setup.framework, period="2026", actor=admin_a)
    q1 = period_open(framework=setup.framework, period="2026Q1", actor=admin_a)
    period_close(collection=q1, actor=admin_a)
    return setup


@pytest.fixture
def clerk(setup: Setup) -> User:
    return make_user("clerk_a", Role.STATION_CLERK, station=setup.org.station_a)


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: object) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def english(user: User) -> Client:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def template_of(client: Client, **query: str) -> bytes:
    response = client.get(reverse("records:excel_template"), query)
    assert response.status_code == 200
    assert response["Content-Type"] == excel.XLSX_TYPE
    return response.content


def column(sheet: Worksheet, index: int = 1) -> list[object]:
    return [row[index - 1] for row in sheet.iter_rows(min_row=2, values_only=True)]


def upload(client: Client, data: bytes, name: str = "filled.xlsx", **query: str) -> Any:
    url = reverse("records:excel")
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def filled(template: bytes, rows: list[list[object]]) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["填报记录"]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_builds_the_station_template(opened: Setup, clerk: User) -> None:
    workbook = load_workbook(io.BytesIO(template_of(english(clerk))))
    # Chinese sheet and column names (the import reads them as the codes of HEADER).
    assert workbook.sheetnames[:3] == ["填报记录", "指标说明", "说明"]
    records = workbook["填报记录"]
    # The last column, 零报告 (nil), marks a nil return's row (tests/records/test_nil_excel.py).
    names = [CHINESE_NAMES[code] for code in [*HEADER, "nil"]]
    assert [cell.value for cell in records[1]] == names
    assert records.freeze_panes == "A2"
    assert records["A1"].font.bold
    validations = {
        str(v.sqref).split(":")[0]: v.formula1 for v in records.data_validations.dataValidation
    }
    assert validations["A2"] == "='单位列表'!$A$2:$A$4"
    assert validations["B2"] == "='指标说明'!$A$2:$A$8"
    assert validations["H2"].startswith("='问题类型列表'!$A$2:")
    # Only ST-A's leaves: B1 is ST-B's, A and B are groups.
    assert column(workbook["指标说明"]) == ["A1", "A2", "A3", "A4", "A5", "A6", "B2"]
    hints = dict(zip(column(workbook["指标说明"]), column(workbook["指标说明"], 3), strict=True))
    assert hints["A1"] == (
        "Deduction: 2 points per item, fill in quantity; or fill in points directly"
        " (at most 20 in all)"
    )
    assert "一档 = 5" in str(hints["A2"])
    # Only units in the clerk's scope (county A), not B1.
    assert workbook["单位列表"].sheet_state == "hidden"
    assert column(workbook["单位列表"]) == ["A1", "A1-1", "A2"]
    assert column(workbook["问题类型列表"])
    instructions = "\n".join(str(row[0]) for row in workbook["说明"].iter_rows(values_only=True))
    assert "YYYY-MM-DD" in instructions
    assert "Open now: 2026" in instructions


def test_it_imports_a_filled_template_as_submitted(opened: Setup, clerk: User) -> None:
    client = english(clerk)
    data = filled(
        template_of(client),
        [
            ["A1", "A1", "2026-05-03", None, 2, None, None, None, "通报"],
            ["A1-1", "A2", datetime.date(2026, 6, 1), None, None, "一档", None, None, None],
            ["A2", "B2", "2026-07-07", 1.5, None, None, None, None, None],
        ],
    )
    response = upload(client, data)
    assert response.status_code == 302
    records = Record.objects.order_by("pk")
    assert [(r.unit.code, r.indicator_code) for r in records] == [
        ("A1", "A1"),
        ("A1-1", "A2"),
        ("A2", "B2"),
    ]
    assert {r.status for r in records} == {RecordStatus.SUBMITTED}
    assert {r.source for r in records} == {RecordSource.IMPORTED}
    assert {r.station_id for r in records} == {opened.org.station_a.pk}
    assert {r.created_by_id for r in records} == {clerk.pk}
    page = client.get(response["Location"])
    assert "3 records, submitted for review" in page.content.decode()


def test_it_rejects_a_file_with_bad_rows_and_returns_it_with_errors(
    opened: Setup, clerk: User
) -> None:
    client = english(clerk)
    data = filled(
        template_of(client),
        [
            ["A1", "A1", "2026-05-03", None, 2, None, None, None, None],  # row 2: fine
            ["ZZ", "A1", "2026-05-03", None, 1, None, None, None, None],  # 3: unknown unit
            ["B1", "A1", "2026-05-03", None, 1, None, None, None, None],  # 4: out of scope
            ["A1", "B1", "2026-05-03", 1, None, None, None, None, None],  # 5: ST-B's
            ["A1", "A1", "2026-02-10", None, 1, None, None, None, None],  # 6: Q1 closed
            ["A2", "A2", "2026-05-03", None, None, "三档", None, None, None],  # 7: grade
        ],
    )
    response = upload(client, data)
    assert response.status_code == 200
    assert not Record.objects.exists()
    page = response.content.decode()
    for expected in [
        'row 3, column unit: unknown unit "ZZ"',
        'row 4, column unit: unknown unit "B1"',
        'row 5, column indicator: indicator "B1" belongs to another data station',
        "row 6, column date: 2026-02-10 is not in an open collection period of LK",
        'row 7, column grade: unknown grade "三档"',
    ]:
        assert expected.replace('"', "&quot;") in page
    assert "row 2" not in page

    errors = client.get(response.context["errors_url"])
    assert errors.status_code == 200
    workbook = load_workbook(io.BytesIO(errors.content))
    sheet = workbook["填报记录"]
    assert sheet.cell(row=1, column=11).value == "error"  # after the template's 零报告
    notes = {row: sheet.cell(row=row, column=11).value for row in range(2, 8)}
    assert notes[2] is None
    assert all(notes[row] for row in range(3, 8))
    assert "belongs to another data station" in str(notes[5])
    assert sheet["A3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["B5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["C6"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["F7"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["A2"].fill.fgColor.rgb != "00FFC7CE"
    # Downloaded once, then gone.
    assert client.get(response.context["errors_url"]).status_code == 404


def test_it_returns_a_csv_upload_as_xlsx_with_errors(opened: Setup, clerk: User) -> None:
    client = english(clerk)
    text = ",".join(HEADER) + "\r\nA1,A1,2026-05-03,,2,,,,\r\nA1,A1,2026-05-03,,-1,,,,\r\n"
    response = upload(client, text.encode("gb18030"), name="bad.csv")
    assert "row 3, column quantity: the quantity must be more than 0" in response.content.decode()
    errors = client.get(response.context["errors_url"])
    sheet = load_workbook(io.BytesIO(errors.content)).active
    assert sheet is not None
    assert [sheet.cell(row=r, column=10).value for r in (1, 2)] == ["error", None]
    assert "quantity" in str(sheet.cell(row=3, column=10).value)


def test_it_keeps_the_errors_file_from_other_users(opened: Setup, clerk: User) -> None:
    client = english(clerk)
    bad = filled(template_of(client), [["ZZ", "A1", "2026-05-03", None, 1, None, None, None]])
    url = upload(client, bad).context["errors_url"]
    other = make_user("clerk_a2", Role.STATION_CLERK, station=opened.org.station_a)
    assert english(other).get(url).status_code == 404
    assert client.get(url).status_code == 200


def test_it_forgets_errors_files_after_an_hour(opened: Setup, clerk: User, media: Path) -> None:
    token = excel.store_errors(user=clerk, data=b"old")
    (path,) = (media / "tmp").glob("*.xlsx")
    hour_ago = time.time() - excel.ERRORS_MAX_AGE - 5
    os.utime(path, (hour_ago, hour_ago))
    assert excel.take_errors(user=clerk, token=token) is None
    assert not path.exists()
    excel.store_errors(user=clerk, data=b"new")
    stale = media / "tmp" / "records-errors-1-stale.xlsx"
    stale.write_bytes(b"x")
    os.utime(stale, (hour_ago, hour_ago))
    excel.sweep_errors()
    assert not stale.exists()


def test_it_keeps_stations_and_units_in_scope(opened: Setup, clerk: User, admin_a: User) -> None:
    # A clerk of ST-B cannot reach ST-A's page or template (not visible: 404).
    clerk_b = make_user("clerk_b", Role.STATION_CLERK, station=opened.station_b)
    other = english(clerk_b)
    assert other.get(reverse("records:excel"), {"station": "ST-A"}).status_code == 404
    assert other.get(reverse("records:excel_template"), {"station": "ST-A"}).status_code == 404
    assert upload(other, b"x", station="ST-A").status_code == 404
    # Without ENTER_RECORDS: 403.
    analyst = make_user("analyst", Role.ANALYST, region=opened.org.county_a)
    assert english(analyst).get(reverse("records:excel")).status_code == 403
    # A reviewer sees the station but may not enter records for it: 403.
    reviewer = make_user("reviewer", Role.STATION_REVIEWER, station=opened.org.station_a)
    response = english(reviewer).get(reverse("records:excel"), {"station": "ST-A"})
    assert response.status_code == 403
    # A commission administrator picks a station of the county; the framework defaults to LK.
    response = english(admin_a).get(reverse("records:excel"), {"station": "ST-A"})
    assert response.status_code == 200
    assert response.context["choice"].framework == opened.framework
    workbook = load_workbook(io.BytesIO(template_of(english(admin_a), station="ST-A")))
    assert column(workbook["单位列表"]) == ["A1", "A1-1", "A2"]
    # No such framework.
    missing = english(admin_a).get(reverse("records:excel"), {"framework": "NOPE"})
    assert missing.status_code == 404
