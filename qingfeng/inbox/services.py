"""Writes to the inbox: ``notify`` (the one function other apps call to tell someone
something) and marking notices read."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.accounts.selectors import users_acting_for, users_of_people
from qingfeng.inbox.models import Notice, NoticeKind
from qingfeng.org.selectors import people_in_charge

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.org.models import Unit


@transaction.atomic
def notify(
    *,
    title: str,
    users: Iterable[User] = (),
    unit: Unit | None = None,
    body: str = "",
    link: str = "",
    kind: str = NoticeKind.INFO,
    due: datetime.date | None = None,
    key: str = "",
    copy_in_charge: bool = False,
) -> list[Notice]:
    """Put a notice in the inboxes of ``users`` and, with ``unit``, of every user acting
    for the unit (its liaisons, its principal leader's account); with ``copy_in_charge``
    also a copy (kind "copy") for the accounts of the unit's leaders in charge (分管/联系).

    Each user gets it once. With a ``key``, a user whose inbox already holds a notice with
    that key gets nothing (so a sender run twice adds nothing). ``link`` must be a path on
    this site. Returns the notices written.
    """
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("A notice needs a title.")})
    if link and not link.startswith("/"):
        raise ValidationError({"link": _("A notice links to a page of this site.")})
    if copy_in_charge and unit is None:
        raise ValidationError({"unit": _("Only a notice to a unit can be copied.")})
    recipients: dict[int, str] = {user.pk: kind for user in users}
    if unit is not None:
        for pk in users_acting_for(unit).values_list("pk", flat=True):
            recipients.setdefault(pk, kind)
        if copy_in_charge:
            leaders = users_of_people(people_in_charge(unit))
            for pk in leaders.values_list("pk", flat=True):
                recipients.setdefault(pk, NoticeKind.COPY)
    if key:
        already = Notice.objects.filter(recipient_id__in=recipients, key=key)
        for pk in already.values_list("recipient_id", flat=True):
            recipients.pop(pk, None)
    notices = [
        Notice(
            recipient_id=pk,
            unit=unit,
            kind=recipient_kind,
            title=title[:200],
            body=body,
            link=link,
            due=due,
            key=key,
        )
        for pk, recipient_kind in recipients.items()
    ]
    for notice in notices:
        notice.full_clean(exclude=["recipient", "unit"])
    return Notice.objects.bulk_create(notices)


def mark_read(*, user: User, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own unread notices read (only ``notice_ids`` when given, else all);
    another user's notices are never touched. Returns how many changed."""
    unread = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        unread = unread.filter(pk__in=list(notice_ids))
    return unread.update(read_at=timezone.now())


def notices_relink(*, key: str, link: str) -> int:
    """Point every notice sent with ``key`` at ``link`` (a path on this site): when what
    the notice asks for gets a page of its own after it was sent, in the same transaction
    (a warning notice's problem in the ledger). Returns how many changed."""
    if not key:
        raise ValueError("notices_relink needs a key")
    if not link.startswith("/"):
        raise ValidationError({"link": _("A notice links to a page of this site.")})
    return Notice.objects.filter(key=key).update(link=link)
