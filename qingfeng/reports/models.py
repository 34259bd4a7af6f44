"""Reports: the papers a commission makes from the scores, warnings and the ledger (the
unit diagnosis, the half-year and annual analysis, the problem booklet, the circular, the
feedback letters, the filing list), each a Word document from an editable template.

A report lives through three states: a **draft** is generated (and regenerated at will)
from the stored snapshots; an **edited** report holds a .docx an analyst uploaded in place
of the generated one; an **issued** report has its number (文号), is frozen and is
delivered to the inbox of those concerned. A **batch** generates one kind for every unit
of a region in the background, with its progress kept here for the page to poll.

Files are in the database (``BinaryField``), as the issued notices are: the file, its
number and its state commit together.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qingfeng.documents.models import DocumentKind


class ReportStatus(models.TextChoices):
    """Where a report is in its life: draft → edited → issued (or draft → issued)."""

    DRAFT = "draft", _("draft")
    EDITED = "edited", _("edited")
    ISSUED = "issued", _("issued")


class Report(models.Model):
    """One report of a kind (a ``DocumentKind`` of the reports) for a framework and period,
    about one unit (the unit kinds: diagnosis, booklet, feedback letters) or about the
    whole ``region`` (analysis, circular, filing list, a region's booklet).

    ``units`` are the units concerned: those whose people it is delivered to when issued,
    and whose liaison may then download it. ``analyst_text`` is the analyst's own words,
    put into the generated document where its template says."""

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    framework = models.ForeignKey(
        "framework.Framework",
        verbose_name=_("indicator framework"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    period = models.CharField(_("period"), max_length=8)
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="reports",
        help_text=_("The region reported on, whose commission issues it."),
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("addressed to leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    units = models.ManyToManyField(
        "org.Unit", verbose_name=_("units concerned"), related_name="+", blank=True
    )
    # "region pk/unit pk/person pk" ("" for none): what the report is about, as one value
    # the uniqueness can hold (NULLs are distinct in a unique constraint).
    subject_key = models.CharField(_("subject"), max_length=64, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    analyst_text = models.TextField(_("analyst's own words"), blank=True, max_length=20000)
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("file"))
    reference = models.CharField(_("document number"), max_length=64, blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    batch = models.ForeignKey(
        "reports.ReportBatch",
        verbose_name=_("batch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    history = HistoricalRecords(excluded_fields=["content"], m2m_fields=[units])

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # One report of a kind per framework, period and subject: regenerating replaces
            # the draft rather than piling up copies.
            models.UniqueConstraint(
                fields=["kind", "framework", "period", "subject_key"],
                name="report_one_per_subject",
            )
        ]
        indexes = [models.Index(fields=["framework", "period", "kind"])]

    def __str__(self) -> str:
        return self.reference or self.title


class BatchStatus(models.TextChoices):
    """A batch is queued, then running, then done (some units may have failed)."""

    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")


class ReportBatch(models.Model):
    """One kind generated for every unit of a region and period in the background (the
    Huey worker): how many there are, how many are done, and each failure with its unit
    and error; the reports made are the batch's ``reports``."""

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    framework = models.ForeignKey(
        "framework.Framework",
        verbose_name=_("indicator framework"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField(_("period"), max_length=8)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("units"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    # [{"unit": code, "name": unit name, "error": message in the user's language}]
    failures = models.JSONField(_("failures"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report batch")
        verbose_name_plural = _("report batches")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"
