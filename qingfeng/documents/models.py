"""Word documents the commission issues: the templates they are made from, the counters
numbering them, and the issued documents, kept frozen.

Files are stored in the database (``BinaryField``), not in media: a document, its
number and what caused it commit in one transaction, so a failure leaves neither a
number used (no gap in the 文号) nor a file without a row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DocumentKind(models.TextChoices):
    """The kinds of document; each has a default template shipped in
    ``documents/default_templates`` and a number prefix (代字)."""

    WARNING_NOTICE = "warning_notice", _("warning notice (预警通知书)")
    RECOMMENDATION = "recommendation", _("discipline inspection recommendation (纪检监察建议书)")
    ACCOUNTABILITY = "accountability", _("accountability review notice (责任倒查通知)")
    # The reports (qingfeng.reports): made from the scores and the ledger, then edited,
    # issued and delivered like the notices.
    DIAGNOSIS = "diagnosis", _("unit diagnosis (诊断书)")
    ANALYSIS_HALF_YEAR = "analysis_half_year", _("half-year analysis report (半年分析报告)")
    ANALYSIS_ANNUAL = "analysis_annual", _("annual analysis report (年度综合报告)")
    BOOKLET = "booklet", _("problem booklet (问题清单)")
    CIRCULAR = "circular", _("circular of the ranking (通报)")
    FEEDBACK_UNIT = "feedback_unit", _("feedback letter to a unit (反馈函)")
    FEEDBACK_LEADER = "feedback_leader", _("feedback letter to a leader in charge (反馈函)")
    FILING = "filing", _("filing list for the organisation department (备案名单)")


class DocumentTemplate(models.Model):
    """A kind's template as replaced by an administrator (a docxtpl .docx). A kind with
    no row uses its default template; restoring the default deletes the row, and the
    history keeps every version and who uploaded or removed it."""

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices, unique=True)
    name = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("file"))
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replaced_at = models.DateTimeField(_("replaced at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["kind"]
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")

    def __str__(self) -> str:
        return self.get_kind_display()


class NumberCounter(models.Model):
    """The last number given in one series (a number prefix, 代字) and year. Locked with
    ``select_for_update`` by the transaction that stores the document, so two issues
    never take one number and a rolled-back issue gives its number back."""

    series = models.CharField(_("number prefix"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document number counter")
        verbose_name_plural = _("document number counters")
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="number_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"


class IssuedDocument(models.Model):
    """One issued document: its kind, its number (文号), to which unit, the .docx as it
    was issued (frozen: a later template change does not touch it), who issued it."""

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    series = models.CharField(_("number prefix"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    reference = models.CharField(_("document number"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("addressed to unit"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("file"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "number"], name="issued_document_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.reference
