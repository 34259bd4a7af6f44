"""``manage.py send_reminders``: collection periods ending or ended for the clerks of
stations with drafts or nothing entered, returned records not yet corrected; twice the
same day adds nothing."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.inbox.models import Notice, NoticeKind
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.reminders import send_reminders
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


def test_it_reminds_a_clerk_with_nothing_entered_of_a_period_ending(
    periods: Setup, clerk: User
) -> None:
    assert send_reminders(today=DAY(2025, 9, 1)).total == 0  # a month left: nothing yet
    counts = send_reminders(today=DAY(2025, 9, 28))
    assert (counts.period_ending, counts.period_ended, counts.returned) == (1, 0, 0)
    notice = Notice.objects.get(recipient=clerk)
    assert notice.kind == NoticeKind.REMINDER and notice.due == DAY(2025, 9, 30)
    assert "2025年第三季度" in notice.title and "即将结束" in notice.title
    assert send_reminders(today=DAY(2025, 9, 28)).total == 0  # the same day again
    assert send_reminders(today=DAY(2025, 9, 29)).total == 0  # and the next
    ended = send_reminders(today=DAY(2025, 10, 2))
    assert (ended.period_ending, ended.period_ended) == (0, 1)
    assert send_reminders(today=DAY(2025, 10, 2)).total == 0
    assert Notice.objects.filter(recipient=clerk).count() == 2


def test_it_reminds_of_drafts_but_not_when_all_is_submitted(periods: Setup, clerk: User) -> None:
    submitted = _record(periods, clerk, RecordStatus.SUBMITTED)
    assert send_reminders(today=DAY(2025, 9, 28)).total == 0
    _record(periods, clerk, RecordStatus.DRAFT)
    assert send_reminders(today=DAY(2025, 9, 28)).period_ending == 1
    assert "1" in Notice.objects.get().body
    submitted.delete()


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
    call_command("send_reminders", "--today", "2025-09-29", stdout=out)
    assert "1" in out.getvalue()
    assert Notice.objects.count() == 1
    call_command("send_reminders", "--today", "2025-09-29", stdout=StringIO())
    assert Notice.objects.count() == 1
