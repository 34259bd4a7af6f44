"""The problem ledger (问题台账): problems found by inspection, audit, petitions,
unannounced visits, supervision, warnings or collected records; the unit's measures and
evidence; verification and close-out (销号); campaigns (专项整治) for common problems; and
the indicators a framework feeds from the ledger.

A problem's state moves only through ``rectification.services``; each step is a
``ProblemStep`` row (who, when, what, why) and the model's history keeps every change.
Overdue is derived from the deadline, never stored.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class ProblemSource(models.TextChoices):
    INSPECTION = "inspection", _("inspection tour (巡察)")
    AUDIT = "audit", _("audit (审计)")
    PETITION = "petition", _("letters and visits (信访)")
    UNANNOUNCED = "unannounced", _("unannounced visit (明察暗访)")
    SUPERVISION = "supervision", _("supervision and inspection (监督检查)")
    WARNING = "warning", _("warning")
    RECORD = "record", _("collected record")


class ProblemState(models.TextChoices):
    OPEN = "open", pgettext_lazy("problem state", "open")
    MEASURES = "measures", _("measures submitted")
    RECTIFYING = "rectifying", _("rectifying")
    REPORTED = "reported", _("done, reported")
    CLOSED = "closed", _("verified and closed")


class Campaign(models.Model):
    """A special campaign (专项整治): common problems of many units grouped and assigned
    to responsible departments, within one region."""

    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    problem_type = models.CharField(_("problem type"), max_length=100, blank=True)
    departments = models.ManyToManyField(
        "org.Unit", verbose_name=_("responsible departments"), related_name="+", blank=True
    )
    due = models.DateField(_("deadline"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[departments])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("special campaign")
        verbose_name_plural = _("special campaigns")

    def __str__(self) -> str:
        return self.name


class Problem(models.Model):
    """One problem in the ledger: found at a unit by a source (a station's inspection,
    audit…, a warning, a record), with its type, description, responsible person and
    rectification deadline, and where its rectification stands."""

    # Shown to users (e.g. 2026-000123): per-year sequence, never the database id.
    number = models.CharField(_("problem number"), max_length=20, unique=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="problems"
    )
    station = models.ForeignKey(
        "org.Station",
        verbose_name=_("source station"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    source = models.CharField(_("found by"), max_length=16, choices=ProblemSource.choices)
    problem_type = models.CharField(_("problem type"), max_length=100, blank=True)
    description = models.TextField(_("description"))
    responsible_person = models.CharField(_("responsible person"), max_length=100, blank=True)
    due = models.DateField(_("rectification deadline"))
    state = models.CharField(
        _("state"), max_length=16, choices=ProblemState.choices, default=ProblemState.OPEN
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("special campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
    )
    warning = models.ForeignKey(
        "monitoring.Warning",
        verbose_name=_("warning"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    response = models.OneToOneField(
        "monitoring.Response",
        verbose_name=_("response to a warning"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problem",
    )
    record = models.ForeignKey(
        "records.Record",
        verbose_name=_("record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    measures = models.TextField(_("rectification measures"), blank=True)
    result = models.TextField(_("rectification result"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The day of ``closed_at`` in the installation's time zone, kept with it so the ledger
    # counts "closed late" (``closed_on`` > ``due``) in SQL without a per-row conversion.
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    # The number the problem has in the station's own ledger (an imported sheet's 外部编号):
    # importing the same sheet again skips the problems already entered with their number.
    external_id = models.CharField(_("external number"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [
            models.Index(fields=["state", "due"]),
            models.Index(fields=["unit", "state"]),
            # The ledger's first page walks the deadlines; its state board (counts per
            # state, overdue, closed late, within a scope of units or stations) reads
            # this covering index alone, never the table (bench/ledger_page.py).
            models.Index(fields=["due", "id"]),
            models.Index(fields=["state", "unit", "station", "due", "closed_on"]),
            models.Index(fields=["station", "external_id"]),
        ]

    def __str__(self) -> str:
        return self.number

    def is_overdue(self, *, today: datetime.date | None = None) -> bool:
        """Overdue from the day after the deadline while not closed; a problem closed
        after its deadline is not overdue but not ``closed_on_time`` either."""
        today = today or timezone.localdate()
        return self.state != ProblemState.CLOSED and today > self.due

    @property
    def closed_on_time(self) -> bool:
        """Closed (销号) on or before its deadline, in the installation's time zone."""
        return (
            self.state == ProblemState.CLOSED
            and self.closed_on is not None
            and self.closed_on <= self.due
        )


class StepAction(models.TextChoices):
    CREATED = "created", _("entered")
    MEASURES = "measures", _("measures submitted")
    ACCEPTED = "accepted", _("measures accepted, rectifying")
    REPORTED = "reported", _("reported done")
    CLOSED = "closed", _("verified and closed")
    RETURNED = "returned", _("sent back")
    EXTENDED = "extended", _("deadline extended")


class ProblemStep(models.Model):
    """One step of a problem's rectification, in order: who did what when, the text they
    gave (measures, evidence, a reason), and for an extension the old and new deadline."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("step"), max_length=16, choices=StepAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    text = models.TextField(_("text"), blank=True)
    old_due = models.DateField(_("previous deadline"), null=True, blank=True)
    new_due = models.DateField(_("new deadline"), null=True, blank=True)

    class Meta:
        ordering = ["problem_id", "at", "pk"]
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")

    def __str__(self) -> str:
        return f"{self.problem} · {self.get_action_display()}"


def problem_evidence_path(instance: ProblemEvidence, filename: str) -> str:
    """Evidence files of problems are grouped by unit and problem; the name keeps its
    extension (the storage makes it unique)."""
    return f"problem-evidence/{instance.problem.unit_id}/{instance.problem_id}/{filename}"


class ProblemEvidence(models.Model):
    """A supporting file of a problem's rectification (整改佐证材料): PDF, image, Word or
    Excel, uploaded by the unit. Served only to users who see the problem."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=problem_evidence_path, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["problem_id", "uploaded_at", "pk"]
        verbose_name = _("rectification evidence")
        verbose_name_plural = _("rectification evidence")

    def __str__(self) -> str:
        return self.name


class LedgerFeed(models.Model):
    """An indicator of a framework fed by the ledger: at each period end, a ``rate``
    record per unit of problems closed on time ÷ problems due in the period, stored
    through the records services (so scores change through the usual path)."""

    framework = models.ForeignKey(
        "framework.Framework",
        verbose_name=_("indicator framework"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    indicator_code = models.CharField(_("indicator"), max_length=32)
    # Which problems count, by ``ProblemSource`` (e.g. ["inspection"] for 巡察反馈问题整改率);
    # empty: every problem of the unit.
    sources = models.JSONField(_("problem sources counted"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator fed by the ledger")
        verbose_name_plural = _("indicators fed by the ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "indicator_code"], name="ledger_feed_unique"
            )
        ]

    def __str__(self) -> str:
        return self.indicator_code
