"""Issue 10, finding 8 (and the inactive units and impossible years of finding 10) on the
ways records come in: the entry form, the quick-entry table, the records import and the
records service share one number rule, finite and within documented bounds."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from qingfeng.accounts.models import User
from qingfeng.lib import numbers
from qingfeng.records.models import Record
from qingfeng.records.services import record_create, records_import
from tests.conftest import client_for, english
from tests.records import entry_helpers as helpers
from tests.records.conftest import Setup
from tests.records.entry_helpers import new_url
from tests.records.test_imports import csv_bytes, issues_of

clerk, media, periods = helpers.clerk, helpers.media, helpers.periods

pytestmark = pytest.mark.django_db

HEADER = "unit,indicator,date,points,quantity,grade,value\n"


@pytest.mark.parametrize("typed", ["inf", "-inf", "nan", "Infinity", "1e999", "1e308", "200001"])
def test_finding_8_quick_entry_refuses_inf_nan_and_huge_numbers(
    periods: Setup, clerk: User, typed: str
) -> None:
    org = periods.org
    client = english(client_for(clerk))
    response = client.post(
        new_url(periods, "A1", kind="quick"),
        {
            "date": "2025-08-01",
            f"quantity-{org.unit_a1.pk}": "2",
            f"quantity-{org.unit_a2.pk}": typed,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="quick-errors"' in page
    assert not Record.objects.exists()


def test_finding_8_quick_entry_says_the_bounds(periods: Setup, clerk: User) -> None:
    org = periods.org
    response = english(client_for(clerk)).post(
        new_url(periods, "B2", kind="quick"),
        {"date": "2025-08-01", f"points-{org.unit_a2.pk}": "1e308"},
    )
    assert "points: the number must lie between -10,000 and 10,000" in response.content.decode()


@pytest.mark.parametrize(
    ("code", "field", "typed"),
    [("B2", "points", "1e308"), ("A1", "quantity", "1e308"), ("A4", "value", "1e308")],
)
def test_finding_8_the_entry_form_refuses_huge_numbers(
    periods: Setup, clerk: User, code: str, field: str, typed: str
) -> None:
    response = english(client_for(clerk)).post(
        new_url(periods, code),
        {"unit": periods.org.unit_a1.pk, "date": "2025-08-01", field: typed},
    )
    assert response.status_code == 200
    assert "the number must lie between" in response.content.decode()
    assert not Record.objects.exists()


def test_finding_8_the_records_import_refuses_numbers_out_of_bounds(
    setup: Setup, actor: User
) -> None:
    data = csv_bytes(
        HEADER
        + "A1,A1,2025-03-01,,1e308,,\n"  # 2
        + "A1,A1,2025-03-01,10001,,,\n"  # 3
        + "A1,A4,2025-03-01,,,,-1000001\n"  # 4
        + "A1,A1,2025-03-01,,1e999,,\n"  # 5: inf as text
        + "A1,A1,2025-03-01,,nan,,\n"  # 6
        + "A1,A1,2025-03-01,,100000,,\n"  # 7: at the bound, fine
    )
    assert issues_of(data, "big.csv", setup, actor=actor) == [
        "row 2, column quantity: the number must lie between -100,000 and 100,000",
        "row 3, column points: the number must lie between -10,000 and 10,000",
        "row 4, column value: the number must lie between -1,000,000 and 1,000,000",
        'row 5, column quantity: expected a number, got "1e999"',
        'row 6, column quantity: expected a number, got "nan"',
    ]
    assert not Record.objects.exists()


def test_finding_8_the_records_service_refuses_numbers_out_of_bounds(
    setup: Setup, actor: User
) -> None:
    with override("en"), pytest.raises(ValidationError) as caught:
        record_create(
            framework=setup.framework,
            indicator_code="A1",
            unit=setup.org.unit_a1,
            date=datetime.date(2025, 3, 1),
            actor=actor,
            quantity=float("inf"),
        )
    assert caught.value.message_dict == {
        "quantity": ["the number must lie between -100,000 and 100,000"]
    }


def test_finding_8_one_number_rule() -> None:
    assert numbers.parse_number("３.５") == 3.5
    for bad in ("inf", "nan", "1e400", float("nan"), float("inf"), 10**400, True, "1,000"):
        with pytest.raises(numbers.NumberError):
            numbers.parse_number(bad)
    assert numbers.parse_within("-10000", limit=numbers.POINTS_LIMIT) == -10000
    with pytest.raises(numbers.NumberError):
        numbers.parse_within("10000.5", limit=numbers.POINTS_LIMIT)


def test_finding_10_records_of_an_inactive_unit_are_refused(setup: Setup, actor: User) -> None:
    setup.org.unit_a2.active = False
    setup.org.unit_a2.save()
    data = csv_bytes(HEADER + "A2,A1,2025-03-01,,1,,\n")
    assert issues_of(data, "inactive.csv", setup, actor=actor) == [
        'row 2, column unit: unit "A2" is inactive: it is no longer assessed'
    ]
    with override("en"), pytest.raises(ValidationError) as caught:
        record_create(
            framework=setup.framework,
            indicator_code="A1",
            unit=setup.org.unit_a2,
            date=datetime.date(2025, 3, 1),
            actor=actor,
            quantity=1,
        )
    assert caught.value.message_dict == {
        "unit": ['unit "A2" is inactive: it is no longer assessed']
    }
    assert not Record.objects.exists()


def test_finding_10_records_dated_in_impossible_years_are_refused(setup: Setup) -> None:
    data = csv_bytes(HEADER + "A1,A1,9999-12-31,,1,,\n" + "A1,A1,1000-01-01,,1,,\n")
    with override("en"):  # the place ("row 2, column date") is worded when shown
        result = records_import(data=data, filename="years.csv", framework=setup.framework)
        shown = [str(issue) for issue in result.issues]
    assert shown == [
        "row 2, column date: the date must lie between 1900 and 2100",
        "row 3, column date: the date must lie between 1900 and 2100",
    ]
    assert not Record.objects.exists()
