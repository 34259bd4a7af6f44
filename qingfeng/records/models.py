"""Records: the facts that move scores (a deduction, an award, a rate, a survey result …).

A record names its indicator by framework and code, not by a node of one version, so a
record counts in whichever version is in force for its date, as long as the code exists
there. Only approved records count. The data-collection issue extends this model with the
entry and review workflow.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


class RecordSource(models.TextChoices):
    TYPED = "typed", _("typed in")
    IMPORTED = "imported", _("imported from a file")
    API = "api", _("pushed by another system")
    DEMO = "demo", _("demo data")


class Record(models.Model):
    """One fact about one unit on one indicator, dated."""

    framework = models.ForeignKey(
        "framework.Framework",
        verbose_name=_("indicator framework"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    indicator_code = models.CharField(_("indicator"), max_length=32)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="records"
    )
    date = models.DateField(_("date"))
    points = models.FloatField(_("points"), null=True, blank=True)
    quantity = models.FloatField(_("quantity"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=32, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    problem_type = models.CharField(_("problem type"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=16, choices=RecordSource.choices, default=RecordSource.TYPED
    )
    station = models.ForeignKey(
        "org.Station",
        verbose_name=_("data station"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("record")
        verbose_name_plural = _("records")
        indexes = [
            models.Index(fields=["framework", "status", "date"]),
            models.Index(fields=["unit", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator_code} · {self.date}"
