"""The station clerk's entry pages: scope of stations, indicators and units, periods,
the single-record form with evidence, editing a returned record, the quick-entry table."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.review import record_return
from qingfeng.records.services import record_create
from tests.conftest import client_for, make_user
from tests.records import entry_helpers as helpers
from tests.records.conftest import Setup
from tests.records.entry_helpers import new_url

# Shared fixtures of the entry tests.
clerk, media, periods = helpers.clerk, helpers.media, helpers.periods

pytestmark = pytest.mark.django_db


def test_it_lists_only_the_clerks_station_indicators(periods: Setup, clerk: User) -> None:
    page = client_for(clerk).get(reverse("records:entry")).content.decode()
    for code in ("A1", "A2", "A3", "A4", "A5", "A6", "B2"):
        assert f'data-code="{code}"' in page
    assert 'data-code="B1"' not in page  # ST-B's indicator
    assert 'data-code="A"' not in page  # a group


def test_it_says_when_no_period_is_open(setup: Setup, clerk: User) -> None:
    page = client_for(clerk).get(reverse("records:entry")).content.decode()
    assert 'data-testid="no-open-period"' in page


def test_it_refuses_another_stations_indicator(periods: Setup, clerk: User) -> None:
    client = client_for(clerk)
    assert client.get(new_url(periods, "B1")).status_code == 404
    unit = periods.org.unit_a2.pk
    response = client.post(new_url(periods, "B1"), {"unit": unit, "date": "2025-08-01"})
    assert response.status_code == 404
    # Another station in the URL is outside the clerk's scope.
    other = new_url(periods, "B1", station_pk=periods.station_b.pk)
    assert client.get(other).status_code == 404
    with pytest.raises(ValidationError) as caught:
        record_create(
            framework=periods.framework,
            indicator_code="B1",
            unit=periods.org.unit_a2,
            date=datetime.date(2025, 8, 1),
            actor=clerk,
            station=periods.org.station_a,
            quantity=1,
        )
    assert "indicator_code" in caught.value.message_dict
    assert not Record.objects.exists()


def test_it_refuses_a_unit_outside_the_scope(periods: Setup, clerk: User) -> None:
    response = client_for(clerk).post(
        new_url(periods, "A3"), {"unit": periods.org.unit_b1.pk, "date": "2025-08-01", "points": 5}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Record.objects.exists()


def test_it_refuses_a_date_in_a_closed_period(periods: Setup, clerk: User) -> None:
    client = client_for(clerk)
    data = {"unit": periods.org.unit_a1.pk, "points": 5}
    for day in ("2025-05-10", "2025-12-01"):  # closed 2025Q2; 2025Q4 never opened
        response = client.post(new_url(periods, "A3"), {**data, "date": day})
        assert response.status_code == 200
        assert response.context["form"].errors["date"]
    assert not Record.objects.exists()


def test_it_shows_only_the_fields_the_rule_needs(periods: Setup, clerk: User) -> None:
    client = client_for(clerk)
    fields = {
        # A deduction per item asks for the quantity only (its label says the points per
        # item); one without ``per`` asks for the points (B2).
        "A1": {"quantity"},
        "B2": {"points"},
        "A2": {"grade", "points"},
        "A3": {"points"},
        "A4": {"value"},
        "A5": {"value"},
        "A6": set(),
    }
    for code, expected in fields.items():
        form = client.get(new_url(periods, code)).context["form"]
        assert set(form.fields) & {"quantity", "points", "grade", "value"} == expected, code
    page = client.get(new_url(periods, "A2")).content.decode()
    assert "一档" in page and 'type="file"' in page and "multiple" in page


def test_a_returned_record_can_be_corrected_and_resubmitted(
    periods: Setup, clerk: User, admin_a: User, media: Path
) -> None:
    client = client_for(clerk)
    client.post(
        new_url(periods, "A3"),
        {"unit": periods.org.unit_a1.pk, "date": "2025-08-01", "points": 5, "submit": "1"},
    )
    record = Record.objects.get()
    record_return(record=record, reason="分值过高", actor=admin_a)
    edit = reverse("records:entry_edit", args=[record.pk])
    page = client.get(edit)
    assert "分值过高" in page.content.decode()
    response = client.post(
        edit, {"unit": periods.org.unit_a1.pk, "date": "2025-08-02", "points": 3, "submit": "1"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.points, str(record.date)) == ("submitted", 3, "2025-08-02")
    assert client.get(edit).status_code == 404  # submitted: no longer editable
    assert client_for(admin_a).get(edit).status_code == 404  # not the author


def test_a_draft_can_be_submitted_and_deleted(periods: Setup, clerk: User) -> None:
    client = client_for(clerk)
    data = {"unit": periods.org.unit_a1.pk, "date": "2025-08-01", "points": 5}
    client.post(new_url(periods, "A3"), data)
    client.post(new_url(periods, "A3"), data)
    first, second = Record.objects.order_by("pk")
    assert first.status == second.status == RecordStatus.DRAFT
    client.post(reverse("records:entry_submit", args=[first.pk]))
    client.post(reverse("records:entry_delete", args=[second.pk]))
    first.refresh_from_db()
    assert first.status == RecordStatus.SUBMITTED
    assert list(Record.objects.all()) == [first]


def test_quick_entry_creates_only_the_filled_rows(periods: Setup, clerk: User) -> None:
    org = periods.org
    client = client_for(clerk)
    page = client.get(new_url(periods, "A1", kind="quick")).content.decode()
    assert all(f'data-unit="{u.code}"' in page for u in (org.unit_a1, org.unit_a1_sub, org.unit_a2))
    assert f'data-unit="{org.unit_b1.code}"' not in page
    response = client.post(
        new_url(periods, "A1", kind="quick"),
        {
            "date": "2025-08-01",
            f"quantity-{org.unit_a1.pk}": "2",
            f"quantity-{org.unit_a2.pk}": "4",
            f"problem_type-{org.unit_a2.pk}": "四风",
            f"note-{org.unit_a2.pk}": "通报",
            "submit": "on",
        },
    )
    assert response.status_code == 302
    records = {r.unit.code: r for r in Record.objects.all()}
    assert set(records) == {"A1", "A2"}
    assert records["A1"].quantity == 2 and records["A2"].quantity == 4
    assert (records["A1"].problem_type, records["A2"].problem_type) == ("", "四风")
    assert records["A2"].note == "通报"
    assert {r.status for r in records.values()} == {RecordStatus.SUBMITTED}


@pytest.mark.parametrize("bad", ["abc", "-1"])
def test_quick_entry_stores_nothing_when_one_row_is_bad(
    periods: Setup, clerk: User, bad: str
) -> None:
    org = periods.org
    response = client_for(clerk).post(
        new_url(periods, "A1", kind="quick"),
        {
            "date": "2025-08-01",
            f"quantity-{org.unit_a1.pk}": "2",
            f"quantity-{org.unit_a2.pk}": bad,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="quick-errors"' in page
    assert f'value="{bad}"' in page  # the table is shown again as typed
    assert not Record.objects.exists()


def test_a_user_without_a_station_has_no_entry_page(setup: Setup) -> None:
    nobody = make_user("nobody")
    assert client_for(nobody).get(reverse("records:entry")).status_code == 404
