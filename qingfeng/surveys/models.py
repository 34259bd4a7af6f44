"""Surveys and evaluations: what people say about the units, turned into records.

Three instruments, each run by a region's commission for one period and, when it closes,
written into one framework leaf as one record per unit (``surveys.feed``):

* a **campaign** (问卷调查) puts a published questionnaire version to the public: each
  surveyed unit gets an unguessable link and QR code, answered anonymously on a phone;
  a unit's value is the mean 0–100 score of its responses (a ``survey`` leaf);
* an **appraisal** (民主测评) grades each leader of a team 优秀/称职/基本称职/不称职 on
  slips with per-slip codes (paper, typed in by a clerk, or scanned and cast on a phone);
  a team's value is the share of 优秀 + 称职 (a ``rate`` or ``direct`` leaf);
* a **cross evaluation** (互评) lets rater units (e.g. towns) or named leaders (区领导)
  give points to rated units (e.g. departments), never to their own; a unit's value is
  the mean of its points (a ``direct`` leaf).

Nothing personal is stored about a respondent or a voter: no name, no IP address, no
account; a response or a slip keeps only its answers and the minute it came in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qingfeng.org.models import code_validator


class RunStatus(models.TextChoices):
    """An instrument is open (its links answer) until it is closed (records written)."""

    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class VersionStatus(models.TextChoices):
    """A questionnaire version is edited as a draft and frozen once published."""

    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class QuestionKind(models.TextChoices):
    """How a question is answered (and so how it turns into 0–100, ``surveys.rules``)."""

    LIKERT = "likert", _("five-point scale")
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    TEXT = "text", _("short text")


class Grade(models.TextChoices):
    """The four grades of a democratic evaluation, best first."""

    EXCELLENT = "excellent", _("excellent")
    COMPETENT = "competent", _("competent")
    BASIC = "basic", _("basically competent")
    INCOMPETENT = "incompetent", _("incompetent")


class SlipChannel(models.TextChoices):
    """How a slip was cast: typed in from paper by a clerk, or on a phone."""

    PAPER = "paper", _("paper slip")
    PHONE = "phone", _("phone")


# ---------------------------------------------------------------------------------------
# Questionnaires


class Questionnaire(models.Model):
    """A questionnaire of a region's commission (e.g. 群众满意度调查问卷（镇街）); its
    questions live in numbered versions, like a framework's indicators."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="questionnaires",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.name


class QuestionnaireVersion(models.Model):
    """One version of a questionnaire: a draft is edited (or imported); once published
    it is frozen, and campaigns put it to the public. ``categories`` are the unit
    categories it is written for (none: every category)."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    title = models.CharField(_("title shown to respondents"), max_length=150)
    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    categories = models.ManyToManyField(
        "org.UnitCategory", verbose_name=_("unit categories"), blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[categories])

    class Meta:
        ordering = ["questionnaire", "-number"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.name}（{self.number}）"


class Question(models.Model):
    """One question of a version, in ``position`` order. A Likert question scores its five
    points 0, 25, 50, 75, 100; a choice question scores by its choices' ``score``; a text
    question is never scored. ``required``: a response without it is refused."""

    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire version"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="question_code_unique")
        ]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    """One choice of a single- or multiple-choice question; ``score`` (0–100) is what
    choosing it is worth, None for a choice that scores nothing (e.g. 不了解)."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveIntegerField(_("position"))
    label = models.CharField(_("choice"), max_length=150)
    score = models.FloatField(_("score (0–100)"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.label


# ---------------------------------------------------------------------------------------
# What an instrument shares: a region, a period, the leaf it feeds, open or closed


class Instrument(models.Model):
    """What a campaign, an appraisal and a cross evaluation share: a code and name, the
    region whose commission runs it, the period it measures, and the framework leaf its
    values are written into when it closes (optional: an instrument may only inform)."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=150)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=8)
    framework = models.ForeignKey(
        "framework.Framework",
        verbose_name=_("indicator framework"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    indicator_code = models.CharField(_("indicator"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
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

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == RunStatus.OPEN


# ---------------------------------------------------------------------------------------
# Campaigns


class Campaign(Instrument):
    """A survey campaign: a published questionnaire version put to the public of the
    surveyed units (one ``SurveyLink`` each) for a period. ``quota_tiers`` is the quota
    rule by headcount (``surveys.rules.QuotaTier`` as a list of ``[below, percent]`` and a
    floor), copied from the settings when the campaign is created."""

    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire version"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    quota_tiers = models.JSONField(_("quota by headcount"), default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "code"]
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")


class SurveyLink(models.Model):
    """One surveyed unit of a campaign and its public link: ``token`` is the unguessable
    part of ``/s/<token>/`` (``surveys.rules.new_token``), printed as a QR code."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("survey campaign"), on_delete=models.CASCADE, related_name="links"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(_("link"), max_length=32, unique=True, editable=False)

    class Meta:
        ordering = ["campaign", "unit__path"]
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="survey_link_one_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.campaign.name}：{self.unit.name}"


class SurveyResponse(models.Model):
    """One anonymous response through a unit's link: ``answers`` maps a question's code to
    the answer (Likert: 1–5; single choice: the choice's position; multiple choice: a list
    of positions; text: the words), ``score`` is its 0–100 mean over the scored questions
    (None when it scored none). Only the minute it came in is kept, no IP, no person."""

    link = models.ForeignKey(
        SurveyLink,
        verbose_name=_("survey link"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    answers = models.JSONField(_("answers"))
    score = models.FloatField(_("score (0–100)"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["link", "pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return str(self.link)


# ---------------------------------------------------------------------------------------
# Democratic evaluation (民主测评)


class Appraisal(Instrument):
    """A democratic evaluation at a 述责述廉 meeting: the leaders of one or more teams
    (``AppraisalSubject``) graded on slips. A team's value (the share of 优秀 + 称职 over
    its leaders' grades) feeds a ``rate`` or ``direct`` leaf when it closes."""

    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "code"]
        verbose_name = _("democratic evaluation")
        verbose_name_plural = _("democratic evaluations")


class AppraisalSubject(models.Model):
    """One leader graded in an appraisal, as a member of the team of ``unit``."""

    appraisal = models.ForeignKey(
        Appraisal,
        verbose_name=_("democratic evaluation"),
        on_delete=models.CASCADE,
        related_name="subjects",
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("team of unit"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "org.Person", verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("post title"), max_length=100, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["appraisal", "unit__path", "position"]
        verbose_name = _("leader evaluated")
        verbose_name_plural = _("leaders evaluated")
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "unit", "person"], name="appraisal_subject_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.person.name}"


class AppraisalSlip(models.Model):
    """One slip for the meeting of a team (``unit``), with its own printed ``code``
    (``surveys.rules.new_slip_code``): cast once, either typed in from paper or on a
    phone through ``/s/p/<code>/``; ``cast_at`` is None until then."""

    appraisal = models.ForeignKey(
        Appraisal,
        verbose_name=_("democratic evaluation"),
        on_delete=models.CASCADE,
        related_name="slips",
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("team of unit"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("slip code"), max_length=16, unique=True, editable=False)
    channel = models.CharField(_("cast by"), max_length=8, choices=SlipChannel.choices, blank=True)
    cast_at = models.DateTimeField(_("cast at"), null=True, blank=True)

    class Meta:
        ordering = ["appraisal", "unit__path", "pk"]
        verbose_name = _("evaluation slip")
        verbose_name_plural = _("evaluation slips")

    def __str__(self) -> str:
        return self.code


class AppraisalGrade(models.Model):
    """The grade one slip gives one leader."""

    slip = models.ForeignKey(
        AppraisalSlip, verbose_name=_("slip"), on_delete=models.CASCADE, related_name="grades"
    )
    subject = models.ForeignKey(
        AppraisalSubject,
        verbose_name=_("leader evaluated"),
        on_delete=models.CASCADE,
        related_name="grades",
    )
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.UniqueConstraint(fields=["slip", "subject"], name="appraisal_grade_unique")
        ]

    def __str__(self) -> str:
        return self.get_grade_display()


# ---------------------------------------------------------------------------------------
# Cross evaluation (互评, 区领导评价)


class CrossEvaluation(Instrument):
    """Raters (units of one category, or named leaders) give points to the ``rated``
    units, never to their own (``surveys.rules.own_unit_paths``). Points run from 0 to
    ``full_points`` (the fed leaf's maximum when there is one); a unit's value is the mean
    of its points (a ``direct`` leaf)."""

    rated = models.ManyToManyField(
        "org.Unit", verbose_name=_("units rated"), related_name="+", blank=True
    )
    full_points = models.FloatField(_("full points"), default=100)
    history = HistoricalRecords(m2m_fields=[rated])

    class Meta:
        ordering = ["-period", "code"]
        verbose_name = _("cross evaluation")
        verbose_name_plural = _("cross evaluations")


class CrossRater(models.Model):
    """One rater of a cross evaluation: a unit (its team rates together) or a named
    leader, with the unguessable ``token`` of its rating page ``/s/r/<token>/``;
    ``submitted_at`` is None until its table is handed in."""

    evaluation = models.ForeignKey(
        CrossEvaluation,
        verbose_name=_("cross evaluation"),
        on_delete=models.CASCADE,
        related_name="raters",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("rating unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("rating leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    token = models.CharField(_("link"), max_length=32, unique=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["evaluation", "pk"]
        verbose_name = _("rater")
        verbose_name_plural = _("raters")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, person__isnull=True)
                | models.Q(unit__isnull=True, person__isnull=False),
                name="cross_rater_unit_or_person",
            ),
            models.UniqueConstraint(fields=["evaluation", "unit"], name="cross_rater_unit_once"),
            models.UniqueConstraint(
                fields=["evaluation", "person"], name="cross_rater_person_once"
            ),
        ]

    def __str__(self) -> str:
        return self.unit.name if self.unit_id else self.person.name  # type: ignore[union-attr]


class CrossRating(models.Model):
    """The points one rater gives one rated unit."""

    rater = models.ForeignKey(
        CrossRater, verbose_name=_("rater"), on_delete=models.CASCADE, related_name="ratings"
    )
    rated = models.ForeignKey(
        "org.Unit", verbose_name=_("unit rated"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.FloatField(_("points"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["rater", "rated"], name="cross_rating_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rater} → {self.rated.name}: {self.points:g}"
