"""Responses to warnings: issuing them (one warning or many at once), recording a talk,
and reading which response the ladder calls for.

A response of a document kind (预警通知书, 纪检监察建议书, 责任倒查通知) is issued with its
document: numbered, rendered from the kind's template, stored frozen, and sent to the
unit's inbox with a copy to its leaders in charge. A reminder talk (约谈提醒) is issued
as a response to be held and closed by recording the talk.

The ledger's problem a document opens is not made here (``monitoring`` sits below
``rectification``): ``rectification.responses.responses_issue_with_problems`` calls
``responses_issue`` and opens the problems in the same transaction; pages and the demo
call that. States: see docs/responses.md.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.documents.services import document_issue
from qingfeng.framework.selectors import version_in_force
from qingfeng.inbox.models import NoticeKind
from qingfeng.inbox.services import notify
from qingfeng.lib.bands import band_label
from qingfeng.lib.documents import chinese_date, clean_text
from qingfeng.lib.history import save_validated
from qingfeng.lib.periods import Period, period_label
from qingfeng.monitoring.models import (
    Response,
    ResponseKind,
    ResponseState,
    Warning,
    WarningKind,
    WarningPolicy,
)
from qingfeng.monitoring.policy import VETO, policy_for
from qingfeng.org.models import InChargeKind
from qingfeng.org.selectors import leaders_in_charge

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

# The kinds issued as a Word document (the kind names are the documents app's).
DOCUMENT_KINDS = frozenset(
    {ResponseKind.WARNING_NOTICE, ResponseKind.RECOMMENDATION, ResponseKind.ACCOUNTABILITY}
)


def response_notice_key(response: Response) -> str:
    """The inbox key of the notice a response sends its unit (one per response)."""
    return f"response-{response.pk}"


def score_text(value: float | None) -> str:
    """A score as a document writes it: 61.5, 100 (two decimals at most)."""
    return "—" if value is None else f"{round(value, 2):g}"


def warning_policy(warning: Warning) -> WarningPolicy | None:
    """The policy of the framework version in force for the warning's period; None when
    the framework has no version in force then (the ladder's defaults apply)."""
    version = version_in_force(framework=warning.framework, period=Period.parse(warning.period))
    return policy_for(version) if version is not None else None


def ladder_kind(warning: Warning, policy: WarningPolicy | None = None) -> str:
    """The response the ladder calls for: the band's (or the veto's) in the version's
    policy; a unit called in by a ranking rule, or a band the ladder does not name, gets
    the reminder talk."""
    policy = policy or warning_policy(warning)
    if policy is None or warning.kind == WarningKind.CALL_IN:
        return str(ResponseKind.ADMONITION)
    key = VETO if warning.kind == WarningKind.VETO else warning.band
    return str(policy.ladder.get(key, ResponseKind.ADMONITION))


def default_due(warning: Warning, *, today: datetime.date | None = None) -> datetime.date:
    """Today plus the policy's days to answer (30 by default)."""
    policy = warning_policy(warning)
    days = policy.answer_days if policy is not None else 30
    return (today or timezone.localdate()) + datetime.timedelta(days=days)


def document_context(*, warning: Warning, due: datetime.date, text: str) -> dict[str, Any]:
    """What a response's document says about its warning, in Chinese (the documents are
    Chinese whatever the issuer's language): the period, the framework, what was found,
    the analyst's paragraphs, the deadline and the leaders in charge it is copied to."""
    with translation.override("zh-hans"):
        if warning.node_code:
            subject = f"“{warning.node_name or warning.node_code}”指标"
        else:
            subject = "政治生态综合评估"
        if warning.kind == WarningKind.VETO:
            subject, finding = "", "存在一票否决情形"
        elif warning.kind == WarningKind.CALL_IN and warning.rank:
            finding = f"在同类单位中排名第{warning.rank}位，排名靠后"
        else:
            finding = "得{score}分（满分{max}分），处于{band}区间".format(
                score=score_text(warning.score),
                max=score_text(warning.max),
                band=band_label(warning.band) + "预警" if warning.band else "预警",
            )
        period = period_label(warning.period)
    copies = [
        f"{relation.person.name}（{relation.title}）" if relation.title else relation.person.name
        for relation in leaders_in_charge(warning.unit, kind=InChargeKind.IN_CHARGE)
    ]
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return {
        "recipient": warning.unit.name,
        "period": period,
        "framework": warning.framework.name,
        "subject": subject,
        "finding": finding,
        "paragraphs": paragraphs,
        "deadline": chinese_date(due),
        "copy_to": "、".join(copies),
    }


def _issue_one(
    *,
    warning: Warning,
    kind: str | None,
    due: datetime.date | None,
    actor: User,
    text: str,
    today: datetime.date,
) -> Response:
    policy = warning_policy(warning)
    kind = kind or ladder_kind(warning, policy)
    if due is None:
        due = today + datetime.timedelta(days=policy.answer_days if policy else 30)
    response = Response(warning=warning, kind=kind, due=due, issued_by=actor, text=text)
    save_validated(response, actor)
    label = response.get_kind_display()
    if kind in DOCUMENT_KINDS:
        response.document = document_issue(
            kind=kind,
            context=document_context(warning=warning, due=due, text=text),
            unit=warning.unit,
            region=warning.framework.region,
            actor=actor,
            today=today,
        )
        save_validated(response, actor)
        title = _("%(document)s %(reference)s: answer by %(due)s") % {
            "document": label,
            "reference": response.document.reference,
            "due": due.isoformat(),
        }
    else:
        title = _("%(response)s on the warning of %(period)s: to be held by %(due)s") % {
            "response": label,
            "period": period_label(warning.period),
            "due": due.isoformat(),
        }
    notify(
        title=title,
        unit=warning.unit,
        body=text,
        link=reverse("monitoring:warning", args=[warning.pk]),
        kind=NoticeKind.NOTICE,
        due=due,
        key=response_notice_key(response),
        copy_in_charge=True,
    )
    return response


@transaction.atomic
def responses_issue(
    *,
    warnings: Iterable[Warning],
    actor: User,
    kind: str | None = None,
    due: datetime.date | None = None,
    text: str = "",
    today: datetime.date | None = None,
) -> list[Response]:
    """Issue a response to each of ``warnings``, all or none: ``kind`` or the ladder's
    for each warning, ``due`` or today plus the policy's days to answer. A document kind
    is issued with its numbered, frozen document; every response is sent to the unit's
    inbox (with a copy to its leaders in charge). ``ValidationError`` (nothing stored)
    for a cleared warning, a deadline in the past or an unknown kind."""
    today = today or timezone.localdate()
    # Stored, sent and printed as it is read: no character a document or PostgreSQL
    # cannot hold (a NUL, other controls).
    text = clean_text(text).strip()
    if kind and kind not in ResponseKind.values:
        raise ValidationError({"kind": _("Choose a response.")})
    if due is not None and due < today:
        raise ValidationError({"due": _("The deadline cannot be in the past.")})
    chosen = list(warnings)
    if not chosen:
        raise ValidationError(_("Choose at least one warning."))
    responses = []
    for warning in chosen:
        if warning.state != "active":
            raise ValidationError(
                _("The warning of %(unit)s is cleared: it needs no response.")
                % {"unit": warning.unit.name}
            )
        responses.append(
            _issue_one(warning=warning, kind=kind, due=due, actor=actor, text=text, today=today)
        )
    return responses


@transaction.atomic
def talk_record(
    *,
    warning: Warning,
    held_on: datetime.date,
    held_by: str,
    attendees: str,
    minutes: str,
    actor: User,
    attachment: UploadedFile | None = None,
) -> Response:
    """Record a reminder talk (约谈提醒) held about ``warning``: it completes the talk
    issued for it and not yet held, or is recorded as a new response; either way the talk
    is closed. The attachment is checked by the caller as records' evidence is
    (``records.evidence.evidence_problems``). ``ValidationError`` when a field is
    missing or the date is in the future."""
    held_by, attendees, minutes = (clean_text(v).strip() for v in (held_by, attendees, minutes))
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("A talk is recorded once it has been held.")
    if not held_by:
        errors["held_by"] = _("Say who held the talk.")
    if not attendees:
        errors["attendees"] = _("Say who attended.")
    if not minutes:
        errors["minutes"] = _("Write the minutes of the talk.")
    if errors:
        raise ValidationError(errors)
    response = (
        Response.objects.select_for_update()
        .filter(
            warning=warning,
            kind=ResponseKind.ADMONITION,
            state=ResponseState.ISSUED,
            held_on__isnull=True,
        )
        .order_by("issued_at", "pk")
        .first()
    ) or Response(warning=warning, kind=ResponseKind.ADMONITION, due=held_on, issued_by=actor)
    response.held_on, response.held_by = held_on, held_by
    response.attendees, response.minutes = attendees, minutes
    response.state = ResponseState.CLOSED
    if attachment is not None:
        name = (attachment.name or "attachment").rsplit("/", 1)[-1][:200]
        response.attachment_name = name
        response.attachment.save(name, attachment, save=False)
    save_validated(response, actor)
    return response


def response_set_state(*, response: Response, state: str, actor: Any) -> Response:
    """Put a response in ``state`` (issued, answered, closed), with its history; the
    ledger calls it when the problem the response opened moves (docs/responses.md)."""
    state = ResponseState(state).value
    if response.state != state:
        response.state = state
        save_validated(response, actor)
    return response
