"""The endorsement of a duty list (签字背书): the holder confirms it (draft → confirmed),
then the level above endorses it (confirmed → endorsed); a manager may put it back to
draft with a reason. Each step is saved with its history naming who did it and when (no
electronic signature: a named user and a time).

Who may do what is ``duties.lists_selectors`` (``may_confirm``, ``may_endorse``,
``may_reopen``); these services refuse anything else with a ``ValidationError`` whose
message says why, so a page can show it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.duties import lists_selectors as rules
from qingfeng.duties.fulfil_selectors import may_fulfil
from qingfeng.duties.models import DutyList, ListStatus
from qingfeng.inbox.services import notify
from qingfeng.lib.history import save_validated

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

# simple-history keeps a change reason of at most this many characters.
REASON_LENGTH = 100


def _locked(duty_list: DutyList) -> DutyList:
    return DutyList.objects.select_for_update().get(pk=duty_list.pk)


@transaction.atomic
def list_confirm(*, duty_list: DutyList, actor: User) -> DutyList:
    """The holder confirms the list (draft → confirmed, ``confirmed_by``/``at``); the
    list's endorsers get a notice linking to it. Refused: not a draft, not the holder,
    a list without tasks."""
    duty_list = _locked(duty_list)
    if duty_list.status != ListStatus.DRAFT:
        raise ValidationError(_("Only a draft list can be confirmed."))
    if not may_fulfil(actor, duty_list):
        raise ValidationError(_("Only the list's holder can confirm it."))
    if not duty_list.tasks.exists():
        raise ValidationError(_("A list without tasks cannot be confirmed."))
    duty_list.status = ListStatus.CONFIRMED
    duty_list.confirmed_by, duty_list.confirmed_at = actor, timezone.now()
    duty_list._change_reason = _("confirmed by the holder")  # type: ignore[attr-defined]
    save_validated(duty_list, actor)
    users = rules.endorser_users(duty_list)
    if users:
        notify(
            title=_("A duty list awaits your endorsement: %(subject)s, %(year)s")
            % {"subject": duty_list.subject_name, "year": duty_list.year},
            users=users,
            link=reverse("duties:list_detail", args=[duty_list.pk]),
            key=f"duty-list-confirmed-{duty_list.pk}-{duty_list.confirmed_at:%Y%m%d%H%M%S}",
        )
    return duty_list


@transaction.atomic
def list_endorse(*, duty_list: DutyList, actor: User) -> DutyList:
    """The level above endorses a confirmed list (confirmed → endorsed,
    ``endorsed_by``/``at``). Refused: a draft (confirm it first), already endorsed, the
    holder's own list, the user who confirmed it, anyone but its endorser."""
    duty_list = _locked(duty_list)
    if duty_list.status == ListStatus.DRAFT:
        raise ValidationError(_("The holder must confirm the list before it is endorsed."))
    if duty_list.status == ListStatus.ENDORSED:
        raise ValidationError(_("The list is already endorsed."))
    if may_fulfil(actor, duty_list) or duty_list.confirmed_by_id == actor.pk:
        raise ValidationError(_("Nobody endorses their own list."))
    if not rules.is_endorser(actor, duty_list):
        raise ValidationError(_("Only the level above the holder endorses this list."))
    duty_list.status = ListStatus.ENDORSED
    duty_list.endorsed_by, duty_list.endorsed_at = actor, timezone.now()
    duty_list._change_reason = _("endorsed")  # type: ignore[attr-defined]
    save_validated(duty_list, actor)
    return duty_list


@transaction.atomic
def list_reopen(*, duty_list: DutyList, actor: User, reason: str) -> DutyList:
    """A manager puts a confirmed or endorsed list back to draft, with a reason (kept as
    the history's change reason); the confirmation and endorsement are cleared (the
    history keeps them)."""
    duty_list = _locked(duty_list)
    reason = reason.strip()
    if duty_list.status == ListStatus.DRAFT:
        raise ValidationError(_("The list is already a draft."))
    if not rules.manages_subject(actor, duty_list):
        raise ValidationError(_("Only a manager of the subject's region can reopen a list."))
    if not reason:
        raise ValidationError({"reason": _("Say why the list is reopened.")})
    duty_list.status = ListStatus.DRAFT
    duty_list.confirmed_by = duty_list.confirmed_at = None
    duty_list.endorsed_by = duty_list.endorsed_at = None
    duty_list._change_reason = reason[:REASON_LENGTH]  # type: ignore[attr-defined]
    save_validated(duty_list, actor)
    return duty_list
