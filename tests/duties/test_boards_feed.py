"""Fulfilment fed into the scores: per unit, duty tasks done on time ÷ tasks due in the
period, as approved rate records with an external id, equal to a hand count on the
``team`` fixture; a rerun adds nothing, a change updates; units without dues get none."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from qingfeng.duties.feed import duty_feed_set, duty_rates, feed_duties
from qingfeng.duties.models import DutyFeed, SubjectKind, TaskDue
from qingfeng.framework.models import Framework, FrameworkVersion, VersionStatus
from qingfeng.lib.periods import Period
from qingfeng.records.models import Record, RecordStatus
from qingfeng.scoring.models import Snapshot
from tests.conftest import add
from tests.duties.conftest import Team

pytestmark = pytest.mark.django_db

Q3 = Period(2026, "Q", 3)
TODAY = datetime.date(2026, 10, 15)


@pytest.fixture
def framework(team: Team) -> Framework:
    """R: a rate leaf (zero at 60 %, full at 100 %) of ST-A, fed by fulfilment."""
    org = team.org
    framework = Framework.objects.create(code="ZR", name="主体责任体系", region=org.city)
    version = FrameworkVersion.objects.create(
        framework=framework,
        number=1,
        name="主体责任体系",
        year=2026,
        scale=100,
        status=VersionStatus.PUBLISHED,
        bands=[{"level": "red", "below": 0.6}],
    )
    group = add(version, "G", None, 20)
    add(
        version,
        "R",
        group,
        10,
        rule={"type": "rate", "zero_at": 60, "full_at": 100},
        station=org.station_a,
    )
    add(version, "D", group, 10, rule={"type": "deduct", "per": 2}, station=org.station_a)
    DutyFeed.objects.create(framework=framework, indicator_code="R")
    return framework


def _q3_dues(team: Team) -> list[TaskDue]:
    return list(
        TaskDue.objects.filter(unit=team.org.unit_a1, due__gte=Q3.start, due__lte=Q3.end).order_by(
            "due", "pk"
        )
    )


def _complete(team: Team) -> tuple[int, int]:
    """Of A1's dues in Q3: the first four done on their due date (on time), the next
    two a week late (orange, not on time), the others not done. (on time, due)."""
    dues = _q3_dues(team)
    for due in dues[:4]:
        TaskDue.objects.filter(pk=due.pk).update(completed_on=due.due)
    for due in dues[4:6]:
        TaskDue.objects.filter(pk=due.pk).update(completed_on=due.due + datetime.timedelta(days=7))
    return 4, len(dues)


def test_the_records_equal_a_hand_count(team: Team, framework: Framework) -> None:
    on_time, due = _complete(team)
    # The group's list is not a unit's: it does not count.
    assert (
        due
        == TaskDue.objects.filter(
            kind__in=[SubjectKind.TEAM, SubjectKind.PRINCIPAL, SubjectKind.MEMBER],
            due__gte=Q3.start,
            due__lte=Q3.end,
        ).count()
    )
    assert due > 6
    result = feed_duties(framework=framework, period=Q3, today=TODAY)
    assert result.created == 1
    record = Record.objects.get(indicator_code="R")
    assert record.unit == team.org.unit_a1
    assert record.value == pytest.approx(round(100 * on_time / due, 4))
    assert record.external_id == "duty:ZR:R:2026Q3:A1"
    assert record.status == RecordStatus.APPROVED and record.date == Q3.end
    assert record.station == team.org.station_a
    assert f"{on_time}" in record.note and f"{due}" in record.note
    # Scores recomputed through the usual path: A1 has a Q3 snapshot.
    assert Snapshot.objects.filter(unit=team.org.unit_a1, period="2026Q3").exists()


def test_a_rerun_adds_nothing_and_a_change_updates(team: Team, framework: Framework) -> None:
    on_time, due = _complete(team)
    feed_duties(framework=framework, period=Q3, today=TODAY)
    again = feed_duties(framework=framework, period=Q3, today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    late = _q3_dues(team)[-1]
    TaskDue.objects.filter(pk=late.pk).update(completed_on=late.due)
    changed = feed_duties(framework=framework, period=Q3, today=TODAY)
    assert changed.updated == 1
    record = Record.objects.get(indicator_code="R")
    assert record.value == pytest.approx(round(100 * (on_time + 1) / due, 4))
    assert record.history.count() == 2


def test_units_without_dues_get_no_record_and_the_period_must_have_ended(
    team: Team, framework: Framework
) -> None:
    assert set(duty_rates(period=Q3, kinds=[])) == {team.org.unit_a1.pk}
    with pytest.raises(ValidationError):
        feed_duties(framework=framework, period=Period(2026, "Q", 4), today=TODAY)


def test_the_command_feeds_and_only_rate_leaves_can_be_fed(
    team: Team, framework: Framework
) -> None:
    out = io.StringIO()
    call_command(
        "duty_feed", "--framework", "ZR", "--period", "2026Q3", "--today", "2026-10-15", stdout=out
    )
    assert Record.objects.filter(external_id="duty:ZR:R:2026Q3:A1").count() == 1
    with pytest.raises(ValidationError):
        duty_feed_set(framework=framework, indicator_code="D", kinds=[], active=True, actor=None)
    feed = duty_feed_set(
        framework=framework, indicator_code="R", kinds=["team"], active=True, actor=None
    )
    assert feed.kinds == ["team"] and feed.history.count() == 2


def test_it_chooses_the_fed_leaves_and_their_lists_on_the_feeds_page(
    team: Team, framework: Framework
) -> None:
    """A commission administrator of the city ticks the fed leaf and the lists counted;
    unticking it deactivates the feed (kept, with history); a county's administrator
    does not see the city's framework, a leader may not open the page."""
    from django.urls import reverse

    from qingfeng.accounts.roles import Role
    from tests.conftest import client_for, make_user

    admin = client_for(make_user("city_admin", Role.COMMISSION_ADMIN, region=team.org.city))
    url = reverse("duties:feeds") + "?framework=ZR"
    page = admin.get(url)
    assert page.status_code == 200
    assert "指标R" in page.content.decode()
    answer = admin.post(url, {"fed": ["R"], "kinds-R": ["principal", "member"]})
    assert answer.status_code == 302
    feed = DutyFeed.objects.get(framework=framework, indicator_code="R")
    assert (feed.active, feed.kinds) == (True, ["principal", "member"])
    admin.post(url, {})
    feed.refresh_from_db()
    assert feed.active is False
    assert feed.history.count() == 3  # created by the fixture, ticked, unticked
    county = client_for(make_user("county_admin", Role.COMMISSION_ADMIN, region=team.org.county_b))
    assert county.get(url).status_code == 404
    assert client_for(team.member_user).get(url).status_code == 403
