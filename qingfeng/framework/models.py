"""Indicator frameworks (指标体系).

A ``Framework`` is a commission's framework over the years (code ``LK``); each
``FrameworkVersion`` is one immutable-once-published edition of it. "Dynamic adjustment"
copies a version into a new draft. A period is scored with the version in force for it:
the published or archived version with the greatest ``year`` not after the period's year
(the highest number among equals), so past periods keep their version.

Rules, bands and components are stored as JSON in the docs/design.md interchange shape, so a
version round-trips to YAML unchanged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qingfeng.org.models import code_validator


class Framework(models.Model):
    """A commission's indicator framework across its versions. Its units are the active
    units of ``region``'s subtree."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=150)
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="frameworks",
    )
    entry_deadline_days = models.PositiveSmallIntegerField(
        _("entry deadline (days after a period ends)"),
        default=15,
        help_text=_("A new collection period's entry deadline: this many days after it ends."),
    )
    review_deadline_days = models.PositiveSmallIntegerField(
        _("review deadline (days after the entry deadline)"),
        default=10,
        help_text=_(
            "A new collection period's review deadline: this many days after its entry deadline."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator framework")
        verbose_name_plural = _("indicator frameworks")

    def __str__(self) -> str:
        return self.name


class UnreportedRule(models.TextChoices):
    """What a deduction or bonus leaf scores for a unit whose data station neither entered
    records nor filed a nil return for it (docs/completeness.md)."""

    MARK = "mark", _("score as usual and mark it unreported")
    STRICT = "strict", _("not assessed: it drops out of the applicable max")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class AssessedOn(models.TextChoices):
    """The period kind a version's official assessment is made on; results of shorter
    periods are then monitoring. Empty: every period kind is an assessment (as before the
    field existed)."""

    EVERY = "", _("every period kind")
    YEAR = "Y", _("years")
    HALF = "H", _("half-years")
    QUARTER = "Q", _("quarters")
    MONTH = "M", _("months")


class FrameworkVersion(models.Model):
    """One edition of a framework. Only a draft may change.

    ``assessed_on`` names the period kind of the official assessment (e.g. a year, with
    quarterly monitoring); pages label results of other kinds as monitoring."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=150)
    year = models.PositiveSmallIntegerField(_("year"))
    scale = models.PositiveIntegerField(_("scale"), default=100)
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    bands = models.JSONField(_("warning bands"), default=list, blank=True)
    components = models.JSONField(_("components"), default=list, blank=True)
    assessed_on = models.CharField(
        _("assessed on"),
        max_length=1,
        choices=AssessedOn.choices,
        default=AssessedOn.EVERY,
        blank=True,
        help_text=_(
            "The period kind of the official assessment; results of other periods are "
            "monitoring. Empty: every period kind is an assessment."
        ),
    )
    unreported_rule = models.CharField(
        _("unreported data"),
        max_length=8,
        choices=UnreportedRule.choices,
        default=UnreportedRule.MARK,
        help_text=_(
            "How a deduction or bonus indicator scores for a unit its data station has "
            "not reported on (neither records nor a nil return)."
        ),
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework_id", "-number"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class RuleType(models.TextChoices):
    DEDUCT = "deduct", _("deduction (扣分)")
    BONUS = "bonus", _("bonus (加分)")
    DIRECT = "direct", _("points given by evaluators")
    RATE = "rate", _("rate between two values")
    SURVEY = "survey", _("satisfaction survey (0-100)")
    VETO = "veto", _("one-vote veto")


class Indicator(models.Model):
    """A node of a version's indicator tree: a group, or a leaf with a rule.

    ``rule`` is ``{"type": "deduct", "per": 2, "cap": 10}`` and the like (docs/design.md);
    ``applies_to`` a list of unit category codes (empty: all); ``bands`` an optional
    override of the version's bands.
    """

    version = models.ForeignKey(
        FrameworkVersion,
        verbose_name=_("framework version"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent indicator"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    max = models.FloatField(_("points"))
    standard = models.TextField(_("evaluation standard"), blank=True)
    method = models.TextField(_("evaluation method"), blank=True)
    station = models.ForeignKey(
        "org.Station",
        verbose_name=_("data station"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    applies_to = models.JSONField(_("unit categories"), default=list, blank=True)
    component = models.CharField(_("component"), max_length=32, blank=True)
    bands = models.JSONField(_("warning bands"), null=True, blank=True)
    rule = models.JSONField(_("rule"), null=True, blank=True)
    self_assessed = models.BooleanField(
        _("self-assessed"),
        default=False,
        help_text=_("Units enter their own self-assessment for this indicator."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["version_id", "position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="indicator_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def rule_type(self) -> str:
        return str((self.rule or {}).get("type", ""))

    @property
    def rule_label(self) -> str:
        """How this leaf scores, as a sentence (``rule_text.rule_sentence``)."""
        from qingfeng.framework.rule_text import rule_sentence

        return rule_sentence(self.rule)
