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

from qingfeng.lib.search_index import SearchIndexed, SearchIndexedQuerySet


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


class Record(SearchIndexed):
    """One fact about one unit on one indicator, dated."""

    objects = SearchIndexedQuerySet.as_manager()

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
    self_assessment = models.BooleanField(_("self-assessment"), default=False)
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("The sending system's own id; a batch sent twice is stored once."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("record")
        verbose_name_plural = _("records")
        indexes = [
            models.Index(fields=["framework", "status", "date"]),
            models.Index(fields=["unit", "date"]),
            models.Index(fields=["station", "status"]),
            # Covers the completeness board's read of a period's cells (unit, indicator)
            # without reading the records' rows (bench/README.md, issue 13).
            models.Index(
                fields=["framework", "status", "date", "indicator_code", "unit"],
                name="record_cells_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "external_id"],
                condition=~models.Q(external_id=""),
                name="record_external_id_unique_per_station",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator_code} · {self.date}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """Evidence files are grouped by framework and unit; the name keeps its extension."""
    return f"evidence/{instance.record.framework_id}/{instance.record.unit_id}/{filename}"


class Evidence(models.Model):
    """A supporting file (佐证材料) of a record: PDF, image, Word or Excel. Served only to
    users whose scope includes the record's unit."""

    record = models.ForeignKey(
        Record, verbose_name=_("record"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
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
        ordering = ["record_id", "uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.name


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class CollectionPeriod(models.Model):
    """A period a framework's data is collected in (2026Q3, 2026H1, 2026, 2026M07).

    Records can be entered, imported or pushed only for dates inside an open period;
    reopening a closed one needs a reason, which the history keeps.
    """

    framework = models.ForeignKey(
        "framework.Framework",
        verbose_name=_("indicator framework"),
        on_delete=models.CASCADE,
        related_name="collection_periods",
    )
    period = models.CharField(_("period"), max_length=8)
    status = models.CharField(
        _("status"), max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    entry_deadline = models.DateField(
        _("entry deadline"),
        help_text=_("The last day for stations to enter records or file nil returns."),
    )
    review_deadline = models.DateField(
        _("review deadline"),
        help_text=_("The last day for reviewers to approve or return what was submitted."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework_id", "-period"]
        verbose_name = _("collection period")
        verbose_name_plural = _("collection periods")
        constraints = [
            models.UniqueConstraint(fields=["framework", "period"], name="collection_period_unique")
        ]

    def __str__(self) -> str:
        return f"{self.framework.code} {self.period}"


class ProblemType(models.Model):
    """The managed list of problem types (问题类型) a record may name."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("problem type")
        verbose_name_plural = _("problem types")

    def __str__(self) -> str:
        return self.name


class ProblemTallyMonth(models.Model):
    """A month whose problem tallies (``ProblemTally``) are complete for a framework, and
    the version in force whose deduct and veto leaves made them (None: no version was in
    force). The problem analysis reads the tallies only for a range whose every month is
    here with the version in force today; otherwise it counts the records directly."""

    framework = models.ForeignKey("framework.Framework", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the month's first day
    version = models.ForeignKey(
        "framework.FrameworkVersion", on_delete=models.CASCADE, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "month"], name="problem_tally_month_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework_id} {self.month:%Y-%m}"


class ProblemTally(models.Model):
    """The approved problem records of one framework, month, unit, station and problem
    type: how many and the points they deduct (``records.tallies`` says what a problem
    record is). Written only by ``records.tallies.problem_tallies_refresh``, in the
    transaction that changes the records; read by the problem analysis."""

    framework = models.ForeignKey("framework.Framework", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the month's first day
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(
        "org.Station", on_delete=models.CASCADE, null=True, related_name="+"
    )
    problem_type = models.CharField(max_length=100, blank=True)
    records = models.PositiveIntegerField()
    deducted = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["framework", "month", "unit"])]

    def __str__(self) -> str:
        return f"{self.framework_id} {self.month:%Y-%m} {self.unit_id} {self.problem_type}"


class NilReturnStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
    WITHDRAWN = "withdrawn", _("withdrawn")


# A nil return in these states speaks for its units: no record may be entered for them on
# its indicator and period (and it may not be filed where records exist).
NIL_RETURN_ACTIVE = (NilReturnStatus.SUBMITTED, NilReturnStatus.APPROVED)


class NilReturn(models.Model):
    """A nil return (零报告): a data station declares that it has nothing to report on one
    indicator for one collection period, for the units listed in its ``units`` lines.

    Filed as submitted and reviewed like a record (approved or returned by a reviewer of
    the station who did not file it); only an approved one counts as reported. While its
    collection period is open the station may withdraw it (e.g. a late case arrives) and
    file again. Its lines never change after filing, so the history of this row (who filed,
    reviewed, withdrew, and when) is the history of the whole return.
    """

    framework = models.ForeignKey(
        "framework.Framework",
        verbose_name=_("indicator framework"),
        on_delete=models.PROTECT,
        related_name="nil_returns",
    )
    indicator_code = models.CharField(_("indicator"), max_length=32)
    period = models.CharField(_("period"), max_length=8)
    station = models.ForeignKey(
        "org.Station",
        verbose_name=_("data station"),
        on_delete=models.PROTECT,
        related_name="nil_returns",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NilReturnStatus.choices,
        default=NilReturnStatus.SUBMITTED,
    )
    source = models.CharField(
        _("source"), max_length=16, choices=RecordSource.choices, default=RecordSource.TYPED
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("nil return")
        verbose_name_plural = _("nil returns")
        indexes = [
            models.Index(fields=["framework", "period", "status"]),
            models.Index(fields=["station", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.indicator_code} · {self.period}"


class NilReturnUnit(models.Model):
    """One unit a nil return speaks for. Written once with its nil return and never
    changed (the nil return's own history covers it); ``framework``, ``period`` and
    ``indicator_code`` repeat the nil return's so that completeness is one indexed pass."""

    nil_return = models.ForeignKey(
        NilReturn, verbose_name=_("nil return"), on_delete=models.CASCADE, related_name="lines"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    framework = models.ForeignKey("framework.Framework", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=8)
    indicator_code = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("unit of a nil return")
        verbose_name_plural = _("units of nil returns")
        indexes = [models.Index(fields=["framework", "period", "indicator_code", "unit"])]
        constraints = [
            models.UniqueConstraint(fields=["nil_return", "unit"], name="nil_return_unit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.nil_return_id} {self.unit_id}"
