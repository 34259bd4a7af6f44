"""Evidence files: stored with a record, refused when of a bad type or too large, served
as attachments only to users whose scope includes the record's unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.records.models import Record, RecordSource, RecordStatus
from tests.conftest import client_for
from tests.records import entry_helpers as helpers
from tests.records.conftest import Setup
from tests.records.entry_helpers import new_url

clerk, media, periods = helpers.clerk, helpers.media, helpers.periods

pytestmark = pytest.mark.django_db


def test_it_saves_a_record_with_evidence_and_serves_it_in_scope_only(
    periods: Setup, clerk: User, admin_a: User, admin_b: User, media: Path
) -> None:
    upload = SimpleUploadedFile("通报.pdf", b"%PDF-1.4 test", content_type="text/html")
    response = client_for(clerk).post(
        new_url(periods, "A1"),
        {
            "unit": periods.org.unit_a1.pk,
            "date": "2025-08-01",
            "quantity": 2,
            "note": "督查通报",
            "evidence": [upload],
            "submit": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()
    record = Record.objects.get()
    assert record.status == RecordStatus.SUBMITTED
    assert record.source == RecordSource.TYPED
    assert record.station == periods.org.station_a
    assert record.created_by == clerk
    assert not record.self_assessment
    evidence = record.evidence.get()
    assert evidence.content_type == "application/pdf"  # by extension, not the browser
    url = reverse("records:evidence", args=[evidence.pk])
    served = client_for(admin_a).get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in served["Content-Disposition"]
    assert b"".join(served.streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]
    assert client_for(admin_b).get(url).status_code == 404
    mine = client_for(clerk).get(reverse("records:my_records")).content.decode()
    assert f'data-record="{record.pk}"' in mine


@pytest.mark.parametrize("name,content", [("run.exe", b"MZ"), ("big.pdf", b"x" * 200)])
def test_it_refuses_bad_evidence_and_stores_nothing(
    periods: Setup, clerk: User, media: Path, settings: object, name: str, content: bytes
) -> None:
    settings.EVIDENCE_MAX_BYTES = 100  # type: ignore[attr-defined]
    response = client_for(clerk).post(
        new_url(periods, "A3"),
        {
            "unit": periods.org.unit_a1.pk,
            "date": "2025-08-01",
            "points": 5,
            "evidence": [SimpleUploadedFile(name, content)],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]
    assert not Record.objects.exists()
    assert not list(media.rglob("*.*"))


def test_one_bad_file_among_several_stores_nothing(
    periods: Setup, clerk: User, media: Path
) -> None:
    files = [SimpleUploadedFile("ok.png", b"\x89PNG"), SimpleUploadedFile("bad.html", b"<x>")]
    response = client_for(clerk).post(
        new_url(periods, "A3"),
        {"unit": periods.org.unit_a1.pk, "date": "2025-08-01", "points": 5, "evidence": files},
    )
    assert response.status_code == 200
    assert not Record.objects.exists()
    assert not list(media.rglob("*.*"))


def test_an_administrator_with_entry_rights_picks_any_station_in_scope(
    periods: Setup, admin_a: User, admin_b: User
) -> None:
    page = client_for(admin_a).get(reverse("records:entry"))
    assert page.status_code == 200
    assert periods.org.station_a in page.context["stations"]
    assert periods.station_b not in page.context["stations"]
    assert client_for(admin_b).get(new_url(periods, "A1")).status_code == 404
