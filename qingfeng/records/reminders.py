"""Reminders of record deadlines, put in the inbox (``manage.py send_reminders``, daily).

- A station clerk whose station has drafts, or nothing at all, in an open collection period
  ending within ``DAYS_AHEAD`` days gets a "period ends soon" reminder; once the period's
  last day has passed (and it is still open) a "period has ended" one.
- A user with returned records they may still correct gets one reminder listing how many,
  again only when a record is returned to them after that.

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
from qingfeng.accounts.roles import ScopeKind
from qingfeng.inbox.models import NoticeKind
from qingfeng.inbox.services import notify
from qingfeng.lib.periods import period_label
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.selectors import editable_records
from qingfeng.records.todo import station_open_periods

DAYS_AHEAD = 3


@dataclass
class ReminderCounts:
    """How many reminders one run added, by reason."""

    period_ending: int = 0
    period_ended: int = 0
    returned: int = 0

    @property
    def total(self) -> int:
        return self.period_ending + self.period_ended + self.returned


def send_reminders(*, today: datetime.date | None = None) -> ReminderCounts:
    """Add the reminders due ``today`` (default: the local date) that were not sent yet."""
    counts = ReminderCounts()
    with translation.override(settings.LANGUAGE_CODE):
        _period_reminders(counts, today or timezone.localdate())
        _returned_reminders(counts)
    return counts


def _period_reminders(counts: ReminderCounts, today: datetime.date) -> None:
    clerks = User.objects.filter(
        is_active=True,
        pk__in=RoleAssignment.objects.filter(scope_kind=ScopeKind.STATION).values("user_id"),
    ).order_by("pk")
    link = reverse("records:entry")
    for user in clerks:
        for open_period in station_open_periods(user):
            days_left = (open_period.period.end - today).days
            if days_left > DAYS_AHEAD:
                continue
            counts_by_status = open_period.counts
            if counts_by_status[RecordStatus.DRAFT] == 0 and any(counts_by_status.values()):
                continue  # everything entered has been submitted
            station = open_period.station
            assert station is not None  # a station's own open periods
            names = {
                "framework": open_period.framework.name,
                "period": period_label(open_period.period),
                "station": station.name,
                "end": open_period.period.end.isoformat(),
                "drafts": counts_by_status[RecordStatus.DRAFT],
            }
            stage = "ended" if days_left < 0 else "ending"
            if stage == "ended":
                title = _("%(framework)s %(period)s: the collection period has ended") % names
            else:
                title = _("%(framework)s %(period)s: the collection period ends soon") % names
            if counts_by_status[RecordStatus.DRAFT]:
                body = (
                    _(
                        "%(station)s has %(drafts)d draft records not submitted yet. "
                        "Last day: %(end)s."
                    )
                    % names
                )
            else:
                body = (
                    _("%(station)s has entered no records for this period yet. Last day: %(end)s.")
                    % names
                )
            key = f"period-{stage}:{open_period.framework.code}:{open_period.period}:{station.code}"
            added = notify(
                users=[user],
                title=title,
                body=body,
                link=link,
                kind=NoticeKind.REMINDER,
                due=open_period.period.end,
                key=key,
            )
            if stage == "ended":
                counts.period_ended += len(added)
            else:
                counts.period_ending += len(added)


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
