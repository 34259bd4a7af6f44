"""Writes of the documents app: issuing a document (numbered without gaps, rendered,
stored frozen) and replacing a kind's template or restoring its default.

Numbers (文号): one series per number prefix (代字, e.g. 黎纪预: the issuing
commission's short name and the kind's word) and year. ``document_issue`` locks the
series' counter row (``select_for_update``; on SQLite the write transaction itself
serialises) and takes the next number inside the caller's transaction: if anything
later fails, the transaction rolls back with the number, so numbers have no gaps.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.documents.models import (
    DocumentKind,
    DocumentTemplate,
    IssuedDocument,
    NumberCounter,
)
from qingfeng.documents.selectors import sample_context, template_bytes
from qingfeng.lib.documents import TemplateError, chinese_date, doc_number, render_docx
from qingfeng.lib.history import stamp

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.org.models import Region, Unit

# The documents' own titles: Chinese, as the templates are, whatever the user's language.
TITLES = {
    DocumentKind.WARNING_NOTICE.value: "预警通知书",
    DocumentKind.RECOMMENDATION.value: "纪检监察建议书",
    DocumentKind.ACCOUNTABILITY.value: "责任倒查通知",
    DocumentKind.DIAGNOSIS.value: "政治生态诊断书",
    DocumentKind.ANALYSIS_HALF_YEAR.value: "政治生态半年分析报告",
    DocumentKind.ANALYSIS_ANNUAL.value: "政治生态年度综合报告",
    DocumentKind.BOOKLET.value: "问题清单",
    DocumentKind.CIRCULAR.value: "关于政治生态评估结果的通报",
    DocumentKind.FEEDBACK_UNIT.value: "政治生态评估反馈函",
    DocumentKind.FEEDBACK_LEADER.value: "政治生态评估反馈函",
    DocumentKind.FILING.value: "政治生态预警单位和领导干部备案名单",
}
# An uploaded template larger than this is refused (the defaults are about 40 KB).
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024


def region_short_name(region: Region) -> str:
    """The region's one- or two-character name used in numbers (黎 for 黎城县):
    ``QINGFENG_REGION_SHORT_NAMES[code]`` when set, else the name's first character."""
    names: Mapping[str, str] = getattr(settings, "QINGFENG_REGION_SHORT_NAMES", {})
    return names.get(region.code) or region.name[:1]


def number_prefix(*, kind: str, region: Region) -> str:
    """The number prefix (代字) of ``kind`` issued by ``region``'s commission: the
    setting ``QINGFENG_DOCUMENT_PREFIXES[kind]`` with ``{region}`` replaced by the
    region's short name (黎纪预 for a warning notice of 黎城县)."""
    prefixes: Mapping[str, str] = settings.QINGFENG_DOCUMENT_PREFIXES
    return prefixes[DocumentKind(kind).value].format(region=region_short_name(region))


def issuer_name(region: Region) -> str:
    """The issuing commission's name: the region's commission, else 中共<region>纪律检查委员会."""
    return region.commission_name or f"中共{region.name}纪律检查委员会"


def _take_number(series: str, year: int) -> int:
    """The next number of (series, year), its counter row locked until the caller's
    transaction ends (which makes it used, or gives it back)."""
    NumberCounter.objects.get_or_create(series=series, year=year)
    counter = NumberCounter.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@dataclass(frozen=True)
class DocumentNumber:
    """A number (文号) taken: its series (代字), year, sequence and the whole reference."""

    series: str
    year: int
    number: int
    reference: str


def document_number_take(
    *, kind: str, region: Region, today: datetime.date | None = None
) -> DocumentNumber:
    """The next number of ``kind`` issued by ``region``'s commission this year (the same
    series and counter ``document_issue`` uses). Call it inside the transaction storing
    the numbered document: a rollback gives the number back, so numbers have no gaps."""
    today = today or timezone.localdate()
    series = number_prefix(kind=kind, region=region)
    number = _take_number(series, today.year)
    return DocumentNumber(series, today.year, number, doc_number(series, today.year, number))


@transaction.atomic
def document_issue(
    *,
    kind: str,
    context: Mapping[str, Any],
    unit: Unit,
    region: Region,
    actor: User | None,
    title: str = "",
    today: datetime.date | None = None,
) -> IssuedDocument:
    """Issue one document of ``kind`` to ``unit`` from ``region``'s commission: the next
    number of its series and year, the kind's current template rendered with
    ``context`` plus ``reference`` (the 文号), ``date`` (the issue date in words),
    ``issuer``, ``recipient`` and ``title`` (when the context does not give them), the
    .docx stored with the row. Call it inside the transaction that stores what the
    document is about: a failure there rolls the number back too.

    ``ValidationError`` when the template cannot be rendered (nothing is stored)."""
    today = today or timezone.localdate()
    kind = DocumentKind(kind).value
    title = title or TITLES[kind]
    taken = document_number_take(kind=kind, region=region, today=today)
    series, number, reference = taken.series, taken.number, taken.reference
    full = {
        "issuer": issuer_name(region),
        "recipient": unit.name,
        "title": title,
        **context,
        "reference": reference,
        "date": chinese_date(today),
    }
    content = render_kind(kind=kind, context=full)
    return IssuedDocument.objects.create(
        kind=kind,
        series=series,
        year=today.year,
        number=number,
        reference=reference,
        title=title,
        unit=unit,
        filename=f"{reference}{title}.docx",
        content=content,
        issued_by=actor,
    )


def render_kind(*, kind: str, context: Mapping[str, Any]) -> bytes:
    """The document of ``kind`` made with its current template (the administrator's,
    else the default) and ``context``; ``ValidationError`` naming the kind when the
    template cannot be filled in."""
    try:
        return render_docx(template_bytes(kind), context)
    except TemplateError as error:
        raise ValidationError(
            _("The template of “%(kind)s” cannot be filled in: %(error)s")
            % {"kind": DocumentKind(kind).label, "error": error}
        ) from error


def docx_upload_problems(*, name: str, data: bytes, max_bytes: int, not_docx: str) -> list[str]:
    """Why an uploaded file cannot be taken as a Word document: ``not_docx`` (the
    caller's words) when its name is not a .docx, empty, or larger than ``max_bytes``;
    [] when it passes (what it must hold is the caller's next check)."""
    if os.path.splitext(name)[1].lower() != ".docx":
        return [not_docx]
    if not data:
        return [_("The file is empty.")]
    if len(data) > max_bytes:
        return [_("The file is larger than %(mb)s MB.") % {"mb": max_bytes // 2**20}]
    return []


def template_problems(*, name: str, data: bytes, kind: str = "") -> list[str]:
    """Why ``data`` cannot be a template of ``kind`` (not a .docx, too large, or it does
    not render with the kind's sample context); [] when it can."""
    problems = docx_upload_problems(
        name=name,
        data=data,
        max_bytes=TEMPLATE_MAX_BYTES,
        not_docx=_("A template must be a Word document (.docx)."),
    )
    if problems:
        return problems
    try:
        render_docx(data, sample_context(kind))
    except TemplateError as error:
        return [
            _("The template cannot be filled in with the sample data: %(error)s") % {"error": error}
        ]
    return []


@transaction.atomic
def template_replace(*, kind: str, name: str, data: bytes, actor: User | None) -> DocumentTemplate:
    """Use an uploaded .docx as the template of ``kind`` from now on, after checking it
    renders with the sample context (``ValidationError`` naming why, nothing changed).
    Documents already issued keep their own file."""
    kind = DocumentKind(kind).value
    problems = template_problems(name=name, data=data, kind=kind)
    if problems:
        raise ValidationError({"file": problems})
    template = DocumentTemplate.objects.filter(kind=kind).first() or DocumentTemplate(kind=kind)
    template.name = os.path.basename(name)[:200]
    template.content = data
    template.replaced_by = actor
    stamp(template, actor)
    template.save()
    return template


@transaction.atomic
def template_restore_default(*, kind: str, actor: User | None) -> bool:
    """Go back to the default template of ``kind`` (the history keeps the removed one
    and who removed it). False when the default applied already."""
    template = DocumentTemplate.objects.filter(kind=DocumentKind(kind).value).first()
    if template is None:
        return False
    stamp(template, actor)
    template.delete()
    return True
