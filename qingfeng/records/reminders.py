"""Reminders of collection deadlines, put in the inbox (``manage.py send_reminders``,
daily; docs/deadlines.md).

- A station clerk whose station still owes cells (unit × tracked indicator with neither a
  record, approved or awaiting review, nor a nil return: ``records.todo.OwedCells``) in
  an open collection period gets a "deadline soon" reminder from ``DAYS_AHEAD`` days
  before its entry deadline, and an "overdue" one once the deadline has passed.
- A station reviewer with submitted records or nil returns of an open collection period
  waiting in its scope gets the same two before and after the review deadline.
- A user with returned records they may still correct gets one reminder listing how many,
  again only when a record is returned to them after that.
- Then the scores of the periods whose entry deadline has just passed are recomputed
  (``records.deadlines.rescore_passed_deadlines``): their unreported cells now count.

Idempotent: every reminder carries a key (``inbox.services.notify``), so running the
command twice, the same day or the next, adds nothing until something new is due. Texts
are stored in the site's language (Chinese), since they are read later by anyone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.accounts.roles import ROLE_CAPABILITIES, Capability, ScopeKind
from qingfeng.inbox.models import NoticeKind
from qingfeng.inbox.services import notify
from qingfeng.lib.periods import period_label
from qingfeng.records.deadlines import rescore_passed_deadlines
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.selectors import editable_records
from qingfeng.records.todo import OwedCells, review_due, station_open_periods

DAYS_AHEAD = 3


@dataclass
class ReminderCounts:
    """How many reminders one run added, by reason, and how many collection periods'
    scores were recomputed because their entry deadline passed."""

    entry_due: int = 0
    entry_overdue: int = 0
    review_due: int = 0
    review_overdue: int = 0
    returned: int = 0
    rescored: int = 0

    @property
    def total(self) -> int:
        """The reminders added."""
        return (
            self.entry_due
            + self.entry_overdue
            + self.review_due
            + self.review_overdue
            + self.returned
        )


def send_reminders(*, today: datetime.date | None = None) -> ReminderCounts:
    """Add the reminders due ``today`` (default: the local date) that were not sent yet,
    then recompute the scores of the collection periods whose entry deadline has passed
    (``rescore_passed_deadlines``)."""
    counts = ReminderCounts()
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        _entry_reminders(counts, today)
        _review_reminders(counts, today)
        _returned_reminders(counts)
    counts.rescored = len(rescore_passed_deadlines(today=today))
    return counts


def _station_users(capability: Capability) -> list[User]:
    """Active users holding ``capability`` through a station scope, by id."""
    roles = [role for role, held in ROLE_CAPABILITIES.items() if capability in held]
    assigned = RoleAssignment.objects.filter(scope_kind=ScopeKind.STATION, role__in=roles)
    return list(
        User.objects.filter(is_active=True, pk__in=assigned.values("user_id")).order_by("pk")
    )


def _stage(deadline: datetime.date, today: datetime.date) -> str:
    """ "due" within ``DAYS_AHEAD`` days before the deadline (and on it), "overdue" after
    it, "" before that."""
    days_left = (deadline - today).days
    if days_left < 0:
        return "overdue"
    return "due" if days_left <= DAYS_AHEAD else ""


def _entry_reminders(counts: ReminderCounts, today: datetime.date) -> None:
    link = reverse("core:home")
    owed = OwedCells()
    for user in _station_users(Capability.ENTER_RECORDS):
        for open_period in station_open_periods(user, owed=owed):
            station, deadline = open_period.station, open_period.entry_deadline
            assert station is not None and deadline is not None  # a station's open periods
            stage = _stage(deadline, today)
            if not stage or open_period.owed is None or not open_period.owed.owed:
                continue
            names = {
                "framework": open_period.framework.name,
                "period": period_label(open_period.period),
                "station": station.name,
                "deadline": deadline.isoformat(),
                "owed": open_period.owed.owed,
                "units": open_period.owed.units,
                "days": abs((deadline - today).days),
            }
            if stage == "overdue":
                title = _("%(framework)s %(period)s: the entry deadline has passed") % names
                body = (
                    _(
                        "%(station)s still owes %(owed)d entries (%(units)d units) for this "
                        "period: the entry deadline was %(deadline)s, %(days)d days ago. Enter "
                        "the records or file nil returns."
                    )
                    % names
                )
            else:
                title = _("%(framework)s %(period)s: the entry deadline is near") % names
                body = (
                    _(
                        "%(station)s still owes %(owed)d entries (%(units)d units) for this "
                        "period. Entry deadline: %(deadline)s. Enter the records or file nil "
                        "returns."
                    )
                    % names
                )
            key = f"entry-{stage}:{open_period.framework.code}:{open_period.period}:{station.code}"
            added = notify(
                users=[user],
                title=title,
                body=body,
                link=link,
                kind=NoticeKind.REMINDER,
                due=deadline,
                key=key,
            )
            if stage == "overdue":
                counts.entry_overdue += len(added)
            else:
                counts.entry_due += len(added)


def _review_reminders(counts: ReminderCounts, today: datetime.date) -> None:
    link = reverse("records:review")
    for user in _station_users(Capability.REVIEW_RECORDS):
        for due in review_due(user):
            stage = _stage(due.review_deadline, today)
            if not stage:
                continue
            names = {
                "framework": due.framework.name,
                "period": period_label(due.period),
                "records": due.records,
                "nil_returns": due.nil_returns,
                "deadline": due.review_deadline.isoformat(),
            }
            if stage == "overdue":
                title = _("%(framework)s %(period)s: the review deadline has passed") % names
            else:
                title = _("%(framework)s %(period)s: the review deadline is near") % names
            body = (
                _(
                    "%(records)d submitted records and %(nil_returns)d nil returns are waiting "
                    "for review. Review deadline: %(deadline)s."
                )
                % names
            )
            added = notify(
                users=[user],
                title=title,
                body=body,
                link=link,
                kind=NoticeKind.REMINDER,
                due=due.review_deadline,
                key=f"review-{stage}:{due.framework.code}:{due.period}",
            )
            if stage == "overdue":
                counts.review_overdue += len(added)
            else:
                counts.review_due += len(added)


def _returned_reminders(counts: ReminderCounts) -> None:
    authors = (
        Record.objects.filter(status=RecordStatus.RETURNED, created_by__is_active=True)
        .order_by()
        .values_list("created_by_id", flat=True)
        .distinct()
    )
    link = reverse("records:my_records") + "?status=returned"
    for user in User.objects.filter(pk__in=authors).order_by("pk"):
        returned = editable_records(user).filter(status=RecordStatus.RETURNED, created_by=user)
        found = returned.aggregate(n=Count("pk"), latest=Max("reviewed_at"))
        if not found["n"]:
            continue
        latest = found["latest"]
        stamp = latest.isoformat() if latest else "none"
        added = notify(
            users=[user],
            title=_("%(count)d returned records are waiting for your correction")
            % {"count": found["n"]},
            body=_("Correct them and submit them again, or ask the reviewer."),
            link=link,
            kind=NoticeKind.REMINDER,
            key=f"returned:{stamp}",
        )
        counts.returned += len(added)
