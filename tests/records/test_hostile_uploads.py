"""Issue 10, finding 10: an upload with many bad rows lists the first 200 errors and says
how many more there are; the errors workbook still marks every row."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from qingfeng.accounts.models import User
from qingfeng.lib.uploads import ISSUES_SHOWN
from qingfeng.records.models import Record
from tests.records.conftest import Setup
from tests.records.test_excel import HEADER, clerk, english, media, opened, upload

# Shared fixtures of the Excel upload tests.
__all__ = ["clerk", "media", "opened"]

pytestmark = pytest.mark.django_db


def test_finding_10_an_upload_page_lists_at_most_200_errors(opened: Setup, clerk: User) -> None:
    client = english(clerk)
    bad = 2 * ISSUES_SHOWN + 50
    text = ",".join(HEADER) + "\r\n" + "A1,A1,2026-05-03,,-1,,,,\r\n" * bad
    response = upload(client, text.encode(), name="many.csv")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("the quantity must be more than 0") == ISSUES_SHOWN == 200
    assert f"many.csv: nothing was imported; {bad} errors:" in page
    assert f"… and {bad - ISSUES_SHOWN} more errors, not listed here." in page
    assert not Record.objects.exists()
    errors = client.get(response.context["errors_url"])
    sheet = load_workbook(io.BytesIO(errors.content)).active
    assert sheet is not None
    marked = [row for row in range(2, bad + 2) if sheet.cell(row=row, column=10).value]
    assert len(marked) == bad
