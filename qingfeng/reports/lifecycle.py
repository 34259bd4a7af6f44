"""Writes of a report's life after its draft (issue 15, item 3): an analyst's edited
.docx replacing the generated one, the analyst's words saved (which regenerates the
draft), and issuing: the number (文号), the frozen file, the delivery to the inboxes.

draft ──upload──▶ edited ──issue──▶ issued (frozen: every write here refuses)
  ▲  └───────────────issue──────────────▲
  └──── save the words (regenerate; for an edited report only when told to discard) ──┘

Numbers: ``documents.services.document_number_take`` (one series per kind and issuing
region and year) in the transaction that stores the issued file, so a failure gives the
number back and numbers have no gaps. The reference replaces ``REFERENCE_PLACEHOLDER``
in the file; a file without the placeholder (an upload where the analyst removed it, an
administrator's template without ``{{ reference }}``) gets it as a centred first line.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.accounts.selectors import users_of_people
from qingfeng.documents.services import (
    TEMPLATE_MAX_BYTES,
    document_number_take,
    docx_upload_problems,
)
from qingfeng.inbox.models import NoticeKind
from qingfeng.inbox.services import notify
from qingfeng.lib.documents import TemplateError, docx_replace_text
from qingfeng.lib.history import stamp
from qingfeng.org.models import Person
from qingfeng.reports import selectors_life
from qingfeng.reports.models import Report, ReportStatus
from qingfeng.reports.services import REFERENCE_PLACEHOLDER, render_report, report_generate

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

# The largest edited report accepted: as large as a template may be.
UPLOAD_MAX_BYTES = TEMPLATE_MAX_BYTES


def _locked(report: Report) -> Report:
    """The report's row, locked until the transaction ends; refused when issued."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status == ReportStatus.ISSUED:
        raise ValidationError(_("This report is issued: it cannot change."))
    return locked


def upload_problems(*, name: str, data: bytes) -> list[str]:
    """Why ``data`` cannot replace a report's document (not a .docx by its name, empty,
    larger than ``UPLOAD_MAX_BYTES``, or not a Word document python-docx opens); [] when
    it can."""
    from docx import Document

    problems = docx_upload_problems(
        name=name,
        data=data,
        max_bytes=UPLOAD_MAX_BYTES,
        not_docx=_("An edited report must be a Word document (.docx)."),
    )
    if problems:
        return problems
    try:
        Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds for a broken file
        return [_("This file is not a Word document that can be opened.")]
    return []


@transaction.atomic
def report_upload(*, report: Report, name: str, data: bytes, actor: User | None) -> Report:
    """Keep an uploaded .docx in place of the generated document: the report becomes
    *edited* (issuing then numbers this file). ``ValidationError`` naming why when the
    file is refused (see ``upload_problems``) or the report is issued; nothing changes."""
    locked = _locked(report)
    problems = upload_problems(name=name, data=data)
    if problems:
        raise ValidationError({"file": problems})
    locked.content = data
    locked.status = ReportStatus.EDITED
    locked.edited_at = timezone.now()
    stamp(locked, actor)
    locked.save()
    return locked


def report_text_save(
    *, report: Report, text: str, actor: User | None, discard_upload: bool = False
) -> Report:
    """Save the analyst's own words and regenerate the draft with them (the figures as
    ``actor`` sees them now). An edited report holds an uploaded file that regenerating
    replaces: refused (``ValidationError`` saying so) unless ``discard_upload``. Refused
    when issued."""
    text = text.strip()
    if len(text) > 20000:
        raise ValidationError(_("The text is longer than %(count)s characters.") % {"count": 20000})
    with transaction.atomic():
        locked = _locked(report)
        if locked.status == ReportStatus.EDITED and not discard_upload:
            raise ValidationError(
                _(
                    "This report holds an uploaded Word file: regenerating replaces it with "
                    "a new draft. Confirm that the uploaded file may be discarded."
                )
            )
        return report_generate(
            kind=locked.kind,
            subject=selectors_life.subject_of(locked),
            actor=actor,
            analyst_text=text,
        )


@transaction.atomic
def report_issue(*, report: Report, actor: User) -> Report:
    """Issue ``report`` (the commission of its region only): the next number of its kind
    and region, the document made final (a draft re-rendered now with the number; an
    edited upload with its placeholder replaced by the number), the report frozen, then
    delivered (``report_deliver``). All in one transaction: a failure gives the number
    back. ``ValidationError`` when ``actor`` may not issue it or it is issued already."""
    if not selectors_life.may_issue_report(actor, report):
        raise ValidationError(_("Only the commission may issue this report."))
    locked = _locked(report)
    taken = document_number_take(kind=locked.kind, region=locked.region)
    if locked.status == ReportStatus.DRAFT:
        built, content = render_report(
            kind=locked.kind,
            subject=selectors_life.subject_of(locked),
            user=actor,
            analyst_text=locked.analyst_text,
        )
        locked.title = built.title[:200]
        locked.units.set(built.units)
    else:
        content = bytes(locked.content)
    try:
        content = docx_replace_text(content, REFERENCE_PLACEHOLDER, taken.reference, or_first=True)
    except TemplateError as error:
        raise ValidationError(_("This file is not a Word document that can be opened.")) from error
    locked.content = content
    locked.reference = taken.reference
    locked.filename = f"{taken.reference}{locked.filename}"[:200]
    locked.status = ReportStatus.ISSUED
    locked.issued_at = timezone.now()
    locked.issued_by = actor
    stamp(locked, actor)
    locked.save()
    report_deliver(report=locked)
    return locked


def report_deliver(*, report: Report) -> int:
    """Put a notice of the issued ``report`` in the inbox of those who receive it: for
    each unit concerned, the users acting for it (liaisons, principal leader) and a copy
    to its leaders in charge; the accounts of the leader it is addressed to. Each user
    once (the notice's key); returns how many notices were written."""
    title = _("Issued to you: %(title)s (%(reference)s)") % {
        "title": report.title,
        "reference": report.reference,
    }
    link = reverse("reports:detail", args=[report.pk])
    key = f"report-{report.pk}"
    written = 0
    for unit in report.units.all():
        written += len(
            notify(
                title=title,
                unit=unit,
                link=link,
                kind=NoticeKind.NOTICE,
                key=key,
                copy_in_charge=True,
            )
        )
    if report.person_id is not None:
        people = users_of_people(Person.objects.filter(pk=report.person_id))
        written += len(
            notify(title=title, users=people, link=link, kind=NoticeKind.NOTICE, key=key)
        )
    return written
