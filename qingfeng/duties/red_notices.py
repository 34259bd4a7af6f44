"""Red-light notices and coming-due reminders of duty tasks, put in inboxes by the daily
``manage.py send_reminders``.

- **Red light** (亮红灯): a due not done whose due date has passed (the light rule,
  ``duties.lights``) raises a notice, once per due, in the inboxes of its holder and of
  the unit's principal: for a principal's or a member's list, the person's accounts and
  the accounts of the unit's current principal; for a team list, the users acting for the
  unit (its principal's accounts and its liaisons, who keep the team's records); for a
  discipline group's list, the accounts of the group's members.
- **Coming due**: a due not done entering the yellow window (due − ``YELLOW_DAYS``)
  reminds its holder once (the same people but, for a member, not the principal).

Each notice is keyed by the due (``inbox.services.notify(key=)``): a rerun adds nothing; a
due whose date moved (its task was edited) is a new key. The run looks back only
``DAYS_BACK`` days for red lights (it runs daily: older ones were raised already).
Texts are stored in the site's language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.accounts.selectors import users_acting_for, users_of_people
from qingfeng.duties.lights import YELLOW_DAYS
from qingfeng.duties.models import SubjectKind, TaskDue
from qingfeng.inbox.models import NoticeKind
from qingfeng.inbox.services import notify
from qingfeng.org.models import Person, Post, PostRole, Unit

DAYS_BACK = 30


@dataclass
class DutyReminderCounts:
    """How many notices one run added."""

    red: int = 0
    coming: int = 0


class _Recipients:
    """The accounts a due's notice goes to, looked up once per subject in a run."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int | None, int | None, int | None, bool], list[User]] = {}

    def of(self, due: TaskDue, *, with_principal: bool) -> list[User]:
        key = (due.kind, due.unit_id, due.person_id, due.discipline_group_id, with_principal)
        if key not in self._cache:
            self._cache[key] = self._lookup(due, with_principal=with_principal)
        return self._cache[key]

    @staticmethod
    def _lookup(due: TaskDue, *, with_principal: bool) -> list[User]:
        if due.kind == SubjectKind.GROUP:
            return list(
                User.objects.filter(
                    is_active=True,
                    assignments__role=Role.DISCIPLINE_GROUP_MEMBER,
                    assignments__discipline_group_id=due.discipline_group_id,
                ).distinct()
            )
        unit = Unit(pk=due.unit_id)
        if due.kind == SubjectKind.TEAM:
            return list(users_acting_for(unit))
        people = Q(pk=due.person_id)
        if with_principal:
            principals = Post.objects.filter(
                unit=unit, end__isnull=True, role=PostRole.PRINCIPAL
            ).values("person_id")
            people |= Q(pk__in=principals)
        return list(users_of_people(Person.objects.filter(people)))


def duty_reminders(*, today: datetime.date | None = None) -> DutyReminderCounts:
    """Add the red-light notices and coming-due reminders of ``today`` not sent yet;
    how many were added."""
    today = today or timezone.localdate()
    counts = DutyReminderCounts()
    recipients = _Recipients()
    # Not done on ``today`` (a completion recorded for a later day does not count yet).
    open_dues = (
        TaskDue.objects.filter(Q(completed_on__isnull=True) | Q(completed_on__gt=today))
        .select_related("task", "duty_list", "unit", "person", "discipline_group")
        .order_by("due", "pk")
    )
    red = open_dues.filter(due__lt=today, due__gte=today - datetime.timedelta(days=DAYS_BACK))
    coming = open_dues.filter(due__gte=today, due__lte=today + datetime.timedelta(days=YELLOW_DAYS))
    with translation.override(settings.LANGUAGE_CODE):
        for due in red.iterator(chunk_size=500):
            added = notify(
                users=recipients.of(due, with_principal=True),
                title=_("Red light: %(task)s was due on %(due)s") % _values(due),
                body=_("%(subject)s: not done by its due date.") % _values(due),
                link=reverse("duties:board_list", args=[due.duty_list_id]),
                kind=NoticeKind.NOTICE,
                due=due.due,
                key=f"duty-red:{due.pk}:{due.due.isoformat()}",
            )
            counts.red += len(added)
        for due in coming.iterator(chunk_size=500):
            added = notify(
                users=recipients.of(due, with_principal=False),
                title=_("Coming due: %(task)s by %(due)s") % _values(due),
                body=_("%(subject)s: record the fulfilment before the due date.") % _values(due),
                link=reverse("duties:board_list", args=[due.duty_list_id]),
                kind=NoticeKind.REMINDER,
                due=due.due,
                key=f"duty-coming:{due.pk}:{due.due.isoformat()}",
            )
            counts.coming += len(added)
    return counts


def _values(due: TaskDue) -> dict[str, str]:
    return {
        "task": due.task.title[:80],
        "due": due.due.isoformat(),
        "subject": due.duty_list.subject_name,
    }
