"""Collection deadlines: changing a period's deadlines and a framework's defaults (with
history), the scores that change when a period becomes due (closed, reopened, its entry
deadline passed: ``records.deadlines.rescore_passed_deadlines``), and the periods page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.lib.periods import Period
from qingfeng.records.deadlines import month_starts, rescore_passed_deadlines
from qingfeng.records.models import CollectionPeriod, Record, RecordStatus
from qingfeng.records.periods import (
    collection_period_set_deadlines,
    framework_set_deadline_days,
    period_close,
    period_open,
    period_reopen,
)
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
from tests.conftest import client_for, make_user
from tests.records.conftest import Setup

pytestmark = pytest.mark.django_db
DAY = datetime.date
Q3 = Period.parse("2025Q3")


@pytest.fixture
def q3(setup: Setup) -> CollectionPeriod:
    """2025Q3 open (entry deadline 2025-10-15, review 2025-10-25), with one approved A1
    record of unit A1: ST-A owes the rest of its cells."""
    collection = period_open(framework=setup.framework, period="2025Q3", actor=None)
    Record.objects.create(
        framework=setup.framework,
        indicator_code="A1",
        unit=setup.org.unit_a1,
        date=DAY(2025, 8, 1),
        quantity=1,
        station=setup.org.station_a,
        status=RecordStatus.APPROVED,
    )
    return collection


def _unreported(setup: Setup) -> dict[str, bool]:
    """Unit code -> whether its 2025Q3 snapshot marks an unreported leaf."""
    return {
        s.unit.code: bool(s.nodes.get("unreported"))
        for s in Snapshot.objects.filter(version=setup.version, period="2025Q3")
    }


def _future(collection: CollectionPeriod) -> None:
    """Move the entry deadline past today without recomputing (as it was when scored)."""
    later = timezone.localdate() + datetime.timedelta(days=30)
    CollectionPeriod.objects.filter(pk=collection.pk).update(
        entry_deadline=later, review_deadline=later
    )
    collection.refresh_from_db()


def test_month_starts_cover_the_period() -> None:
    assert month_starts(Q3) == [DAY(2025, 7, 1), DAY(2025, 8, 1), DAY(2025, 9, 1)]
    assert len(month_starts(Period.parse("2025"))) == 12


def test_the_default_deadlines_follow_the_framework(setup: Setup) -> None:
    assert (setup.framework.entry_deadline_days, setup.framework.review_deadline_days) == (15, 10)
    q3 = period_open(framework=setup.framework, period="2025Q3", actor=None)
    assert (q3.entry_deadline, q3.review_deadline) == (DAY(2025, 10, 15), DAY(2025, 10, 25))
    admin = make_user("admin_city", Role.COMMISSION_ADMIN, region=setup.org.city)
    framework_set_deadline_days(
        framework=setup.framework, entry_deadline_days=20, review_deadline_days=5, actor=admin
    )
    assert setup.framework.history.first().history_user == admin
    q4 = period_open(framework=setup.framework, period="2025Q4", actor=None)
    assert (q4.entry_deadline, q4.review_deadline) == (DAY(2026, 1, 20), DAY(2026, 1, 25))
    q3.refresh_from_db()
    assert q3.entry_deadline == DAY(2025, 10, 15)  # an existing period keeps its own
    with pytest.raises(ValidationError):
        framework_set_deadline_days(
            framework=setup.framework, entry_deadline_days=400, review_deadline_days=5, actor=None
        )


def test_setting_deadlines_checks_their_order_and_keeps_history(q3: CollectionPeriod) -> None:
    with pytest.raises(ValidationError) as error:
        collection_period_set_deadlines(
            collection=q3,
            entry_deadline=DAY(2025, 10, 20),
            review_deadline=DAY(2025, 10, 19),
            actor=None,
        )
    assert "审核截止日期不能早于录入截止日期" in str(error.value)
    before = q3.history.count()
    collection_period_set_deadlines(
        collection=q3,
        entry_deadline=DAY(2025, 10, 20),
        review_deadline=DAY(2025, 10, 20),
        actor=None,
    )
    q3.refresh_from_db()
    assert (q3.entry_deadline, q3.review_deadline) == (DAY(2025, 10, 20), DAY(2025, 10, 20))
    assert q3.history.count() == before + 1
    assert q3.history.last().entry_deadline == DAY(2025, 10, 15)  # the first version


def test_scores_mark_unreported_cells_once_the_entry_deadline_passes(
    setup: Setup, q3: CollectionPeriod
) -> None:
    _future(q3)
    period_recompute(framework=setup.framework, period=Q3)
    assert not any(_unreported(setup).values())  # nothing is due yet
    # The deadline passes (no one touches the period): the daily run rescores.
    CollectionPeriod.objects.filter(pk=q3.pk).update(
        entry_deadline=DAY(2025, 10, 15), review_deadline=DAY(2025, 10, 25)
    )
    Snapshot.objects.update(computed_at=timezone.make_aware(datetime.datetime(2025, 10, 10)))
    assert rescore_passed_deadlines(today=DAY(2025, 10, 15)) == []  # the deadline day itself
    assert [c.pk for c in rescore_passed_deadlines(today=DAY(2025, 10, 16))] == [q3.pk]
    marked = _unreported(setup)
    assert marked["A2"] and marked["A1-1"]  # ST-A reported nothing on them
    # Idempotent: the snapshots are newer than the deadline now.
    assert rescore_passed_deadlines(today=DAY(2025, 10, 17)) == []


def test_closing_and_reopening_recompute_what_they_touch(
    setup: Setup, q3: CollectionPeriod
) -> None:
    _future(q3)
    period_recompute(framework=setup.framework, period=Q3)
    assert not any(_unreported(setup).values())
    period_close(collection=q3, actor=None)  # closing makes it due
    assert any(_unreported(setup).values())
    assert Snapshot.objects.filter(version=setup.version, period="2025Q3").first().completeness < 1
    period_reopen(collection=q3, reason="补录", actor=None)  # before its deadline: not due
    assert not any(_unreported(setup).values())
    # A closed period is not looked at by the daily run (closing recomputed it).
    period_close(collection=q3, actor=None)
    assert rescore_passed_deadlines(today=q3.entry_deadline + datetime.timedelta(days=1)) == []


def test_moving_the_entry_deadline_into_the_past_recomputes(
    setup: Setup, q3: CollectionPeriod
) -> None:
    _future(q3)
    period_recompute(framework=setup.framework, period=Q3)
    assert not any(_unreported(setup).values())
    collection_period_set_deadlines(
        collection=q3,
        entry_deadline=DAY(2025, 10, 15),
        review_deadline=DAY(2025, 10, 25),
        actor=None,
    )
    assert any(_unreported(setup).values())


# ---------------------------------------------------------------------------- pages


def list_url(code: str = "LK") -> str:
    return f"{reverse('records:period_list')}?framework={code}"


@pytest.fixture
def city_admin(setup: Setup) -> User:
    return make_user("admin_city", Role.COMMISSION_ADMIN, region=setup.org.city)


def test_the_periods_page_shows_and_changes_the_deadlines(
    setup: Setup, q3: CollectionPeriod, city_admin: User
) -> None:
    client = client_for(city_admin)
    page = client.get(list_url()).content.decode()
    assert "录入截止日期" in page and "2025年10月15日" in page and "2025年10月25日" in page
    assert "已逾期" in page  # open, and its deadlines passed long ago
    edit = reverse("records:period_deadlines", args=[q3.pk])
    assert edit in page
    refused = client.post(edit, {"entry_deadline": "2025-10-20", "review_deadline": "2025-10-19"})
    assert refused.status_code == 200
    assert "审核截止日期不能早于录入截止日期" in refused.content.decode()
    done = client.post(edit, {"entry_deadline": "2025-10-20", "review_deadline": "2025-10-30"})
    assert done.status_code == 302
    q3.refresh_from_db()
    assert (q3.entry_deadline, q3.review_deadline) == (DAY(2025, 10, 20), DAY(2025, 10, 30))
    assert q3.history.first().history_user == city_admin
    defaults = reverse("records:period_defaults", args=["LK"])
    assert (
        client.post(defaults, {"entry_deadline_days": 10, "review_deadline_days": 7}).status_code
        == 302
    )
    setup.framework.refresh_from_db()
    assert (setup.framework.entry_deadline_days, setup.framework.review_deadline_days) == (10, 7)
    assert "周期结束后 10 天" in client.get(list_url()).content.decode()


def test_only_a_period_manager_changes_deadlines(
    setup: Setup, q3: CollectionPeriod, admin_a: User
) -> None:
    # County A's administrator sees the city framework but does not manage its periods.
    client = client_for(admin_a)
    page = client.get(list_url()).content.decode()
    assert "2025年10月15日" in page
    assert reverse("records:period_deadlines", args=[q3.pk]) not in page
    assert client.get(reverse("records:period_deadlines", args=[q3.pk])).status_code == 403
    defaults = reverse("records:period_defaults", args=["LK"])
    assert (
        client.post(defaults, {"entry_deadline_days": 1, "review_deadline_days": 1}).status_code
        == 403
    )
    setup.framework.refresh_from_db()
    assert setup.framework.entry_deadline_days == 15


def test_the_deadlines_form_shows_the_current_dates(q3: CollectionPeriod, city_admin: User) -> None:
    page = client_for(city_admin).get(reverse("records:period_deadlines", args=[q3.pk]))
    body = page.content.decode()
    # ISO dates: what a date input shows (a localised 2025/10/15 would show empty).
    assert 'value="2025-10-15"' in body and 'value="2025-10-25"' in body
