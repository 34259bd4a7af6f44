"""``manage.py send_reminders``: entry deadlines near or passed for the clerks of stations
that still owe cells (unit × tracked indicator), review deadlines for the reviewers with
submitted records or nil returns waiting, returned records not yet corrected; twice the
same day adds nothing."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.inbox.models import Notice, NoticeKind
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.reminders import send_reminders
from tests.conftest import make_user
from tests.records import entry_helpers
from tests.records.conftest import Setup

pytestmark = pytest.mark.django_db
clerk, periods = entry_helpers.clerk, entry_helpers.periods

DAY = datetime.date


def _record(setup: Setup, clerk: User, status: str) -> Record:
    return Record.objects.create(
        framework=setup.framework,
        indicator_code="A1",
        unit=setup.org.unit_a1,
        date=DAY(2025, 8, 1),
        quantity=1,
        station=setup.org.station_a,
        created_by=clerk,
        status=status,
        reviewed_at=timezone.now() if status == RecordStatus.RETURNED else None,
        return_reason="数量有误" if status == RecordStatus.RETURNED else "",
    )


# 2025Q3 ends on 09-30: entry deadline 10-15 (15 days), review deadline 10-25 (10 more).
# ST-A answers for A1 and A2 (deduct, bonus) over county A's three units and for B2 over
# its township: 7 cells.


def test_it_reminds_a_clerk_who_owes_cells_before_and_after_the_entry_deadline(
    periods: Setup, clerk: User
) -> None:
    assert send_reminders(today=DAY(2025, 10, 1)).total == 0  # two weeks left: nothing yet
    counts = send_reminders(today=DAY(2025, 10, 12))
    assert (counts.entry_due, counts.entry_overdue, counts.returned) == (1, 0, 0)
    notice = Notice.objects.get(recipient=clerk)
    assert notice.kind == NoticeKind.REMINDER and notice.due == DAY(2025, 10, 15)
    assert "2025年第三季度" in notice.title and "录入截止日期临近" in notice.title
    assert "7" in notice.body and "2025-10-15" in notice.body
    assert send_reminders(today=DAY(2025, 10, 12)).total == 0  # the same day again
    assert send_reminders(today=DAY(2025, 10, 15)).total == 0  # and on the deadline
    overdue = send_reminders(today=DAY(2025, 10, 16))
    assert (overdue.entry_due, overdue.entry_overdue) == (0, 1)
    assert "已过录入截止日期" in Notice.objects.filter(recipient=clerk).first().title
    assert send_reminders(today=DAY(2025, 10, 20)).total == 0
    assert Notice.objects.filter(recipient=clerk).count() == 2


def test_a_station_that_owes_nothing_gets_no_reminder(periods: Setup, clerk: User) -> None:
    org = periods.org
    units = (org.unit_a1, org.unit_a1_sub, org.unit_a2)
    cells = [(unit, code) for unit in units for code in ("A1", "A2")] + [(org.unit_a2, "B2")]
    for unit, code in cells[:-1]:
        Record.objects.create(
            framework=periods.framework,
            indicator_code=code,
            unit=unit,
            date=DAY(2025, 8, 1),
            quantity=1,
            station=org.station_a,
            created_by=clerk,
            status=RecordStatus.SUBMITTED,  # awaiting review: the clerk has done its part
        )
    # A draft does not count: B2 of the township is still owed.
    _record(periods, clerk, RecordStatus.DRAFT)
    assert send_reminders(today=DAY(2025, 10, 13)).entry_due == 1
    assert "1" in Notice.objects.get(recipient=clerk).body
    Record.objects.create(
        framework=periods.framework,
        indicator_code="B2",
        unit=org.unit_a2,
        date=DAY(2025, 9, 1),
        points=1,
        station=org.station_a,
        created_by=clerk,
        status=RecordStatus.APPROVED,
    )
    assert send_reminders(today=DAY(2025, 10, 16)).entry_overdue == 0


def test_it_reminds_a_reviewer_of_what_waits_before_and_after_the_review_deadline(
    periods: Setup, clerk: User
) -> None:
    reviewer = make_user("reviewer", Role.STATION_REVIEWER, station=periods.org.station_a)
    _record(periods, clerk, RecordStatus.SUBMITTED)
    assert send_reminders(today=DAY(2025, 10, 20)).review_due == 0  # 5 days left
    counts = send_reminders(today=DAY(2025, 10, 23))
    assert counts.review_due == 1
    notice = Notice.objects.get(recipient=reviewer)
    assert "审核截止日期临近" in notice.title and "2025-10-25" in notice.body
    assert notice.due == DAY(2025, 10, 25)
    assert send_reminders(today=DAY(2025, 10, 24)).review_due == 0
    assert send_reminders(today=DAY(2025, 10, 26)).review_overdue == 1
    Record.objects.filter(status=RecordStatus.SUBMITTED).update(status=RecordStatus.APPROVED)
    assert send_reminders(today=DAY(2025, 10, 27)).review_overdue == 0
    assert Notice.objects.filter(recipient=reviewer).count() == 2


def test_a_closed_period_sends_no_reminder(periods: Setup, clerk: User) -> None:
    # 2025Q2 (closed) owes everything, but no one can enter for it any more.
    assert send_reminders(today=DAY(2025, 7, 20)).total == 0


def test_it_reminds_of_returned_records_once_per_return(periods: Setup, clerk: User) -> None:
    returned = _record(periods, clerk, RecordStatus.RETURNED)
    assert send_reminders(today=DAY(2025, 9, 1)).returned == 1
    notice = Notice.objects.get(recipient=clerk)
    assert notice.link.endswith("?status=returned")
    assert send_reminders(today=DAY(2025, 9, 1)).total == 0
    returned.reviewed_at = timezone.now() + datetime.timedelta(hours=1)  # returned again
    returned.save()
    assert send_reminders(today=DAY(2025, 9, 2)).returned == 1


def test_the_command_says_what_it_added(periods: Setup, clerk: User) -> None:
    out = StringIO()
    call_command("send_reminders", "--today", "2025-10-14", stdout=out)
    assert "录入截止日期临近 1" in out.getvalue()
    assert Notice.objects.count() == 1
    call_command("send_reminders", "--today", "2025-10-14", stdout=StringIO())
    assert Notice.objects.count() == 1
