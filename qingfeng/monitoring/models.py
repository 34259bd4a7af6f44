"""The warning register and the responses to warnings.

A stored ``Warning`` is keyed by (framework, period, unit, node code, kind), never by a
snapshot row: recomputing replaces snapshots, while a warning keeps what was done about
it. ``monitoring.services`` syncs the register after each recompute of a period of the
kind the version's ``WarningPolicy`` names; a warning whose unit has risen out of the band
becomes "cleared" and keeps its responses.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Expression, F, FloatField, Func
from django.db.models.functions import Coalesce, NullIf
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PeriodKind(models.TextChoices):
    """The period kinds whose ended periods raise stored warnings (``Period.kind``)."""

    QUARTER = "Q", _("quarter")
    HALF = "H", _("half-year")
    YEAR = "Y", _("year")


class ResponseKind(models.TextChoices):
    """The responses ladder (seed 001): mildest first."""

    ADMONITION = "admonition", _("admonition talk (约谈提醒)")
    WARNING_NOTICE = "warning_notice", _("warning notice (预警通知书)")
    RECOMMENDATION = "recommendation", _("discipline inspection recommendation (纪检监察建议书)")
    ACCOUNTABILITY = "accountability", _("accountability review (责任倒查)")


class WarningPolicy(models.Model):
    """How one framework version's warnings become action: which period kind raises
    stored warnings, which response each band level calls for, the default answer
    deadline, and an optional ranking rule (the last N units of each category are called
    in for a talk, 004 海淀).

    Kept apart from the version because it is policy, not scoring: a commission may
    change it after the version is published without touching any score.
    ``ladder`` maps a band level of the version (and ``"veto"``) to a ``ResponseKind``.
    """

    version = models.OneToOneField(
        "framework.FrameworkVersion",
        verbose_name=_("framework version"),
        on_delete=models.CASCADE,
        related_name="warning_policy",
    )
    period_kind = models.CharField(
        _("periods that raise warnings"),
        max_length=1,
        choices=PeriodKind.choices,
        default=PeriodKind.QUARTER,
    )
    ladder = models.JSONField(_("response per warning level"), default=dict, blank=True)
    answer_days = models.PositiveSmallIntegerField(_("days to answer"), default=30)
    call_in_last = models.PositiveSmallIntegerField(
        _("last units of each category called in for a talk"), null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warning policy")
        verbose_name_plural = _("warning policies")

    def __str__(self) -> str:
        return str(self.version)


class WarningKind(models.TextChoices):
    BAND = "band", _("in a warning band")
    VETO = "veto", _("one-vote veto")
    CALL_IN = "call_in", _("among the last of its category")


class WarningState(models.TextChoices):
    ACTIVE = "active", _("active")
    CLEARED = "cleared", _("cleared")


@deconstructible(path="qingfeng.monitoring.models.FloatLiteral")
class FloatLiteral(Expression):
    """A number written into the SQL text rather than passed as a parameter: a database
    uses an index on an expression only for the same expression, and a parameter is not
    the index's constant (SQLite then sorted a province's warnings: 77 ms against 0.1)."""

    output_field = FloatField()

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = float(value)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return repr(self.value), []


def severity_ratio() -> Func:
    """A warning's score / max, 0 without a score or a max: the second key of the most
    severe first order (``selectors.severity_order``), and of the index that serves it."""
    zero = FloatLiteral(0.0)
    return Coalesce(F("score") / NullIf(F("max"), zero), zero, output_field=FloatField())


class Warning(models.Model):
    """One stored warning: a unit's total (``node_code`` empty) or one of its level-1
    nodes in a warning band, a vetoed unit, or a unit called in by a ranking rule, in one
    ended period of a framework. Score, max, band and rank are as last synced."""

    framework = models.ForeignKey(
        "framework.Framework",
        verbose_name=_("indicator framework"),
        on_delete=models.PROTECT,
        related_name="warnings",
    )
    period = models.CharField(_("period"), max_length=8)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="warnings"
    )
    node_code = models.CharField(_("indicator"), max_length=32, blank=True)
    node_name = models.CharField(_("indicator name"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=WarningKind.choices, default=WarningKind.BAND
    )
    band = models.CharField(_("warning band"), max_length=16, blank=True)
    # Larger is more severe; a veto is above every band (``dashboard`` orders by it too).
    severity = models.SmallIntegerField(_("severity"), default=0)
    score = models.FloatField(_("score"), null=True, blank=True)
    max = models.FloatField(_("maximum"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank in category"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=WarningState.choices, default=WarningState.ACTIVE
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    synced_at = models.DateTimeField(_("last synced at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-severity", "framework_id", "period", "unit_id", "node_code"]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "period", "unit", "node_code", "kind"],
                name="warning_unique_key",
            )
        ]
        indexes = [
            # A period's warnings in table order: SQLite counts and scans them through it (4
            # times faster than through the next one's order; the kind makes SQLite, which
            # has no statistics, prefer it).
            models.Index(fields=["framework", "period", "state", "kind"], name="warning_period"),
            # The overview's order (``selectors.severity_order``) up to the unit: the
            # database reads a page's 50 most severe warnings off it instead of sorting a
            # province's 128,000 (PostgreSQL: 100 to 2 ms; SQLite: 160 to 1 ms).
            models.Index(
                F("framework"),
                F("period"),
                F("state"),
                F("severity").desc(),
                severity_ratio(),
                F("unit"),
                name="warning_severity_order",
            ),
            models.Index(fields=["unit", "period"]),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period} · {self.node_name or self.band}"


class ResponseState(models.TextChoices):
    ISSUED = "issued", _("issued")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class Response(models.Model):
    """What the commission did about one warning: a talk (recorded with date, who held
    it, who attended, minutes) or a document (a notice or recommendation, generated and
    frozen), with the deadline by which the unit must answer."""

    warning = models.ForeignKey(
        Warning,
        verbose_name=_("warning"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    kind = models.CharField(_("response"), max_length=16, choices=ResponseKind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=ResponseState.choices, default=ResponseState.ISSUED
    )
    due = models.DateField(_("answer due"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    # A talk (约谈): when, who held it, who attended, the minutes.
    held_on = models.DateField(_("talk held on"), null=True, blank=True)
    held_by = models.CharField(_("talk held by"), max_length=200, blank=True)
    attendees = models.TextField(_("attended by"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    # The analyst's own paragraph(s), put in the document after its standard opening.
    text = models.TextField(_("text of the response"), blank=True)
    # A notice, recommendation or accountability review: the document as issued (frozen).
    document = models.OneToOneField(
        "documents.IssuedDocument",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="response",
    )
    # A talk's attachment (signed minutes, a photo), checked as records' evidence is.
    attachment = models.FileField(_("attachment"), upload_to="talks/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("response to a warning")
        verbose_name_plural = _("responses to warnings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.warning}"
