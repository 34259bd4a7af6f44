"""Reminders of problem deadlines, put in the units' inboxes (``manage.py send_reminders``,
daily).

- A problem not closed whose deadline is within ``DAYS_AHEAD`` days: "deadline coming";
- a problem not closed whose deadline has passed (overdue from the day after it), within
  the last ``DAYS_BACK`` days: "deadline passed".

Each goes to the users acting for the problem's unit (``inbox.services.notify(unit=)``),
keyed by the problem's number and deadline: a rerun adds nothing, an extended deadline
reminds again. Texts are stored in the site's language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.inbox.models import NoticeKind
from qingfeng.inbox.services import notify
from qingfeng.rectification.models import Problem, ProblemState

DAYS_AHEAD = 7
# A deadline passed longer ago than this was reminded of already (the run is daily): the
# run does not walk every old overdue item again.
DAYS_BACK = 30


@dataclass
class ProblemReminderCounts:
    """How many reminders one run added."""

    coming: int = 0
    passed: int = 0


def problem_reminders(*, today: datetime.date | None = None) -> ProblemReminderCounts:
    """Add the problem deadline reminders due ``today`` that were not sent yet."""
    today = today or timezone.localdate()
    counts = ProblemReminderCounts()
    open_problems = (
        Problem.objects.exclude(state=ProblemState.CLOSED)
        .filter(
            due__lte=today + datetime.timedelta(days=DAYS_AHEAD),
            due__gte=today - datetime.timedelta(days=DAYS_BACK),
        )
        .select_related("unit")
        .order_by("due", "pk")
    )
    with translation.override(settings.LANGUAGE_CODE):
        for problem in open_problems.iterator():
            values = {
                "number": problem.number,
                "unit": problem.unit.name,
                "due": problem.due.isoformat(),
                "description": problem.description[:80],
            }
            if problem.due < today:
                stage = "passed"
                title = _("Problem %(number)s is overdue: its deadline was %(due)s") % values
            else:
                stage = "coming"
                title = _("Problem %(number)s must be rectified by %(due)s") % values
            added = notify(
                unit=problem.unit,
                title=title,
                body=_("%(unit)s: %(description)s") % values,
                link=reverse("rectification:problem_detail", args=[problem.pk]),
                kind=NoticeKind.REMINDER,
                due=problem.due,
                key=f"problem-{stage}:{problem.number}:{problem.due.isoformat()}",
            )
            if stage == "passed":
                counts.passed += len(added)
            else:
                counts.coming += len(added)
    return counts
