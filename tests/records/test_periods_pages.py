"""Collection periods page: open, close (entry stops), reopen with a reason (history)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.framework.models import Framework
from qingfeng.records.imports import RecordChecker
from qingfeng.records.models import CollectionPeriod, PeriodStatus
from qingfeng.records.periods import period_open
from tests.conftest import Org, Scored, client_for, make_user


@pytest.fixture
def city_admin(org: Org) -> User:
    """Commission administrator of the city, the framework's region."""
    return make_user("admin_city", Role.COMMISSION_ADMIN, region=org.city)


def list_url(code: str = "T") -> str:
    return f"{reverse('records:period_list')}?framework={code}"


def date_problems(scored: Scored, day: str) -> list[tuple[str, str]]:
    checker = RecordChecker(framework=scored.framework, open_periods_only=True)
    with translation.override("en"):
        problems = checker.check(
            unit=None, indicator_code="A1", date=datetime.date.fromisoformat(day), quantity=1
        )
    return [p for p in problems if p[0] == "date"]


def test_it_opens_closes_and_reopens_with_a_reason(
    org: Org, scored: Scored, city_admin: User
) -> None:
    client = client_for(city_admin)
    assert client.post(list_url(), {"period": "2025q3"}).status_code == 302
    collection = CollectionPeriod.objects.get(framework=scored.framework)
    assert collection.period == "2025Q3" and collection.status == PeriodStatus.OPEN
    assert date_problems(scored, "2025-08-01") == []

    bad = client.post(list_url(), {"period": "2025Q5"})
    assert bad.status_code == 200 and "“2025Q5”不是考核周期" in bad.content.decode()

    client.post(reverse("records:period_close", args=[collection.pk]))
    collection.refresh_from_db()
    assert collection.status == PeriodStatus.CLOSED
    assert (
        "2025-08-01 is not in an open collection period"
        in date_problems(scored, "2025-08-01")[0][1]
    )

    reopen = reverse("records:period_reopen", args=[collection.pk])
    assert client.post(reopen, {"reason": ""}).status_code == 200
    collection.refresh_from_db()
    assert collection.status == PeriodStatus.CLOSED
    assert client.post(reopen, {"reason": "补录遗漏的通报"}).status_code == 302
    collection.refresh_from_db()
    assert collection.status == PeriodStatus.OPEN
    assert collection.history.first().reason == "补录遗漏的通报"
    assert date_problems(scored, "2025-08-01") == []
    page = client.get(list_url()).content.decode()
    assert "补录遗漏的通报" in page
    assert reverse("core:history", args=["collection_period", collection.pk]) in page


def test_it_shows_the_list_read_only_to_others(
    org: Org, scored: Scored, admin_a: User, city_admin: User
) -> None:
    # County A's administrator sees the city framework but does not hold its region.
    collection = period_open(framework=scored.framework, period="2025Q1", actor=city_admin)
    client = client_for(admin_a)
    page = client.get(list_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-period="2025Q1"' in body
    assert reverse("records:period_close", args=[collection.pk]) not in body
    assert client.post(list_url(), {"period": "2025Q2"}).status_code == 403
    close = reverse("records:period_close", args=[collection.pk])
    assert client.post(close).status_code == 403
    collection.refresh_from_db()
    assert collection.status == PeriodStatus.OPEN


def test_it_hides_frameworks_outside_scope(org: Org, admin_a: User, admin_b: User) -> None:
    framework = Framework.objects.create(code="PB", name="平顺县体系", region=org.county_b)
    collection = period_open(framework=framework, period="2025", actor=admin_b)
    client = client_for(admin_a)
    assert client.get(list_url("PB")).status_code == 404
    assert client.post(reverse("records:period_close", args=[collection.pk])).status_code == 404
    assert client_for(admin_b).get(list_url("PB")).status_code == 200
