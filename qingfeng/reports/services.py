"""Writes of the reports app: generating a report's draft from the stored results.

The lifecycle beyond the draft (an uploaded edit, issuing with a number, delivery) and
the background batch are in ``lifecycle`` and ``batches``; this module is the one place
a report's document is made, so a single report, a batch and the command line all
produce the same file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.documents.services import issuer_name, render_kind
from qingfeng.lib.documents import chinese_date
from qingfeng.lib.history import stamp
from qingfeng.lib.periods import period_label
from qingfeng.reports.kinds import DOCUMENT_LANGUAGE, About, Built, Subject, kind_spec
from qingfeng.reports.models import Report, ReportStatus

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

# Where a draft's number goes until it is issued: the reference of a generated document
# reads this, and issuing an edited upload replaces it with the number taken.
REFERENCE_PLACEHOLDER = "〔　　〕号"


def subject_key(subject: Subject) -> str:
    """What a report is about as one value ("region/unit/person", "" for none): a
    kind has one report per framework, period and subject key."""
    unit = subject.unit.pk if subject.unit is not None else ""
    person = subject.person.pk if subject.person is not None else ""
    return f"{subject.region.pk}/{unit}/{person}"


def check_subject(*, kind: str, subject: Subject) -> None:
    """``ValidationError`` (in words) when ``subject`` does not fit ``kind``: a unit kind
    without a unit, a region kind with one, a leader kind without the leader, or a period
    of the wrong length (the half-year analysis for a half-year, the annual for a year)."""
    spec = kind_spec(kind)
    if spec.about in (About.UNIT, About.LEADER) and subject.unit is None:
        raise ValidationError(_("Choose the unit this report is about."))
    if spec.about == About.REGION and subject.unit is not None:
        raise ValidationError(_("This report is about the whole region, not one unit."))
    if spec.about == About.LEADER and subject.person is None:
        raise ValidationError(_("Choose the leader in charge this letter is addressed to."))
    if spec.period_kinds and subject.period.kind not in spec.period_kinds:
        raise ValidationError(
            _("“%(kind)s” is made for a %(length)s, not for %(period)s.")
            % {
                "kind": spec.label,
                "length": _("half-year") if spec.period_kinds == "H" else _("year"),
                "period": period_label(subject.period),
            }
        )


def paragraphs(text: str) -> list[str]:
    """The analyst's own words as paragraphs: one per non-empty line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def common_context(*, subject: Subject, built: Built, analyst_text: str) -> dict[str, Any]:
    """The keys every report template may use besides its kind's own: ``issuer``,
    ``title``, ``reference`` (the placeholder until issued), ``date`` (today in words),
    ``period`` (in words), ``framework``, ``region``, ``analyst_paragraphs``."""
    return {
        "issuer": issuer_name(subject.region),
        "title": built.title,
        "reference": REFERENCE_PLACEHOLDER,
        "date": chinese_date(timezone.localdate()),
        "period": period_label(subject.period),
        "framework": subject.framework.name,
        "region": subject.region.name,
        "analyst_paragraphs": paragraphs(analyst_text),
    }


def render_report(
    *, kind: str, subject: Subject, user: Any, analyst_text: str = ""
) -> tuple[Built, bytes]:
    """The kind's document for ``subject`` as ``user`` may see it: the builder's context
    and the common keys, rendered with the kind's current template. Stores nothing.
    ``ValidationError`` when the subject does not fit or the template cannot be filled."""
    check_subject(kind=kind, subject=subject)
    built = kind_spec(kind).build(subject=subject, user=user)
    with translation.override(DOCUMENT_LANGUAGE):  # the period in words, in Chinese
        common = common_context(subject=subject, built=built, analyst_text=analyst_text)
    context = {**built.context, **common}
    return built, render_kind(kind=kind, context=context)


@transaction.atomic
def report_generate(
    *,
    kind: str,
    subject: Subject,
    actor: User | None,
    analyst_text: str | None = None,
    batch_id: int | None = None,
) -> Report:
    """Generate (or regenerate) the draft of ``kind`` for ``subject`` with ``actor``'s
    scope, keeping the analyst's words unless new ones are given. An edited report goes
    back to a generated draft (the uploaded file stays in nothing but the history of who
    did it). ``ValidationError`` when the report is issued (frozen) or cannot be made."""
    report = (
        Report.objects.select_for_update()
        .filter(
            kind=kind,
            framework=subject.framework,
            period=str(subject.period),
            subject_key=subject_key(subject),
        )
        .first()
    )
    if report is not None and report.status == ReportStatus.ISSUED:
        raise ValidationError(_("This report is issued: it cannot change."))
    text = analyst_text if analyst_text is not None else (report.analyst_text if report else "")
    built, content = render_report(kind=kind, subject=subject, user=actor, analyst_text=text)
    if report is None:
        report = Report(
            kind=kind,
            framework=subject.framework,
            period=str(subject.period),
            region=subject.region,
            unit=subject.unit,
            person=subject.person,
            subject_key=subject_key(subject),
            created_by=actor,
        )
    report.status = ReportStatus.DRAFT
    report.title = built.title[:200]
    report.filename = f"{built.filename}.docx"[:200]
    report.analyst_text = text
    report.content = content
    report.generated_at = timezone.now()
    report.edited_at = None
    if batch_id is not None:
        report.batch_id = batch_id
    stamp(report, actor)
    report.save()
    report.units.set(built.units)
    return report
