"""Reminders of the answer deadlines of responses to warnings (a notice or recommendation
issued and not answered yet), put in the units' inboxes (``manage.py send_reminders``).

A response still *issued* whose answer is due within ``DAYS_AHEAD`` days gets a "deadline
coming" reminder, one whose deadline has passed (within the last ``DAYS_BACK`` days) a
"deadline passed" one; each goes to the
users acting for the warning's unit, keyed by the response and its deadline so a rerun adds
nothing. Texts are stored in the site's language.
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
from qingfeng.lib.periods import period_label
from qingfeng.monitoring.models import Response, ResponseState

DAYS_AHEAD = 7
# A deadline passed longer ago than this was reminded of already (the run is daily): the
# run does not walk every old overdue item again.
DAYS_BACK = 30


@dataclass
class ResponseReminderCounts:
    """How many reminders one run added."""

    coming: int = 0
    passed: int = 0


def response_reminders(*, today: datetime.date | None = None) -> ResponseReminderCounts:
    """Add the answer deadline reminders due ``today`` that were not sent yet."""
    today = today or timezone.localdate()
    counts = ResponseReminderCounts()
    waiting = (
        Response.objects.filter(
            state=ResponseState.ISSUED,
            due__isnull=False,
            due__lte=today + datetime.timedelta(days=DAYS_AHEAD),
            due__gte=today - datetime.timedelta(days=DAYS_BACK),
        )
        .select_related("warning__unit")
        .order_by("due", "pk")
    )
    with translation.override(settings.LANGUAGE_CODE):
        for response in waiting.iterator():
            assert response.due is not None
            warning = response.warning
            values = {
                "response": response.get_kind_display(),
                "period": period_label(warning.period),
                "due": response.due.isoformat(),
            }
            if response.due < today:
                stage = "passed"
                title = _("The answer to the %(response)s (%(period)s) was due %(due)s") % values
            else:
                stage = "coming"
                title = _("Answer the %(response)s (%(period)s) by %(due)s") % values
            added = notify(
                unit=warning.unit,
                title=title,
                link=reverse("monitoring:warning", args=[warning.pk]),
                kind=NoticeKind.REMINDER,
                due=response.due,
                key=f"response-{stage}:{response.pk}:{response.due.isoformat()}",
            )
            if stage == "passed":
                counts.passed += len(added)
            else:
                counts.coming += len(added)
    return counts
