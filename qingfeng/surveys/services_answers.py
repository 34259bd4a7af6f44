"""Answering a campaign's questionnaire through a unit's public link (``/s/<token>/``).

The public page reads one open link (``open_link``: one query) and its version's form
(``published_form``: read once per process, a published version being frozen). A
submission goes through ``response_submit``, which checks every answer against its
question and stores ONE ``SurveyResponse``: the answers keyed by question code, its score
by ``rules.response_score`` and the minute it came in — nothing about the respondent (no
IP address, no browser, no account). Nothing is recomputed on an answer: a unit's value
is computed once, when its campaign closes.

The reads for the public page live here with the write they serve (they answer by token
alone, outside the read rule of ``selectors``: see its docstring).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import pgettext, pgettext_lazy

from qingfeng.lib.errors import NotFound
from qingfeng.surveys import rules
from qingfeng.surveys.models import (
    Campaign,
    QuestionKind,
    QuestionnaireVersion,
    RunStatus,
    SurveyLink,
    SurveyResponse,
    VersionStatus,
)
from qingfeng.surveys.selectors import question_rules

# The translation context of the public page's words (others translate the same words
# differently elsewhere).
CONTEXT = "public survey"

# The five Likert points as a respondent reads them, worst first (stored as 1–5).
LIKERT_LABELS = (
    pgettext_lazy(CONTEXT, "Very dissatisfied"),
    pgettext_lazy(CONTEXT, "Dissatisfied"),
    pgettext_lazy(CONTEXT, "Neutral"),
    pgettext_lazy(CONTEXT, "Satisfied"),
    pgettext_lazy(CONTEXT, "Very satisfied"),
)

# Characters a text answer may not keep: the C0 controls but tab and newline, DEL, the C1
# controls and the non-characters (a stored answer is shown on pages and written to .xlsx;
# the NUL is already refused before any view by NulCharacterMiddleware).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# A line break as typed on any device becomes "\n".
_NEWLINES = re.compile(r"\r\n?")

# A raw answer as a form posts it: one value, or the list of a multiple choice.
RawAnswer = str | Sequence[str] | None


@dataclass(frozen=True)
class FormChoice:
    """One choice of a question as the form shows it (``position`` is what is posted)."""

    position: int
    label: str | Promise  # a Likert point's label is translated when shown


@dataclass
class FormQuestion:
    """One question of the public form, with what the respondent posted (``value``) and
    its error, if any, so the page shows the answers kept and the error beside them."""

    code: str
    kind: str
    text: str
    required: bool
    number: int
    choices: list[FormChoice] = field(default_factory=list)
    value: Any = None
    error: str = ""

    @property
    def chosen(self) -> set[str]:
        """The posted positions as strings (to tick the radios and boxes again)."""
        if self.value is None:
            return set()
        if isinstance(self.value, list | tuple):
            return {str(item) for item in self.value}
        return {str(self.value)}


@dataclass(frozen=True)
class PublishedForm:
    """What the public page shows of a published version and what scoring needs of it,
    read once per server process: a published version is frozen (a change is a new
    version, with a new key)."""

    version_id: int
    title: str
    intro: str
    questions: tuple[FormQuestion, ...]
    rules: tuple[rules.QuestionRule, ...]

    def fresh_questions(self) -> list[FormQuestion]:
        """The questions, each a copy of its own for one request's answers and errors."""
        return [replace(question) for question in self.questions]


@dataclass(frozen=True)
class OpenLink:
    """An open link as the public page needs it: ``link`` carries only its keys (no
    campaign, unit or version is fetched with it), the unit's name and the form."""

    link: SurveyLink
    unit_name: str
    form: PublishedForm


# The forms read so far in this process, by (version, published at): a version deleted
# and its number reused (SQLite may reuse a key) is another key. Bounded: a server runs a
# handful of campaigns at once.
_FORMS: dict[tuple[int, object], PublishedForm] = {}
_FORMS_MAX = 64


def published_form(version: QuestionnaireVersion) -> PublishedForm:
    """The form of ``version`` (cached per process once it is published)."""
    key = (version.pk, version.published_at)
    cached = _FORMS.get(key)
    if cached is not None:
        return cached
    form = PublishedForm(
        version_id=version.pk,
        title=version.title,
        intro=version.intro,
        questions=tuple(form_questions(version)),
        rules=tuple(question_rules(version)),
    )
    if version.status == VersionStatus.PUBLISHED and version.published_at is not None:
        if len(_FORMS) >= _FORMS_MAX:
            _FORMS.clear()
        _FORMS[key] = form
    return form


def open_link(*, token: str) -> OpenLink:
    """The link of ``token``, its unit's name and its form, if its campaign is open;
    NotFound otherwise (an unknown and a closed link look the same). One query, and the
    version's questions the first time only."""
    row = (
        SurveyLink.objects.filter(token=token, campaign__status=RunStatus.OPEN)
        .values_list(
            "pk",
            "campaign_id",
            "unit_id",
            "unit__name",
            "campaign__version_id",
            "campaign__version__published_at",
        )
        .first()
    )
    if row is None:
        raise NotFound("no open survey link")
    pk, campaign_id, unit_id, unit_name, version_id, published_at = row
    form = _FORMS.get((version_id, published_at))
    if form is None:
        form = published_form(QuestionnaireVersion.objects.get(pk=version_id))
    link = SurveyLink(pk=pk, token=token, campaign_id=campaign_id, unit_id=unit_id)
    return OpenLink(link=link, unit_name=unit_name, form=form)


def form_questions(version: QuestionnaireVersion) -> list[FormQuestion]:
    """The questions of ``version`` in order, with their choices (Likert: the five
    points, labelled in the reader's language)."""
    questions = version.questions.prefetch_related("choices").order_by("position")
    shown = []
    for number, question in enumerate(questions, start=1):
        if question.kind == QuestionKind.LIKERT:
            choices = [
                FormChoice(point, label)
                for point, label in zip(rules.LIKERT_POINTS, LIKERT_LABELS, strict=True)
            ]
        else:
            choices = [
                FormChoice(choice.position, choice.label) for choice in question.choices.all()
            ]
        shown.append(
            FormQuestion(
                code=question.code,
                kind=question.kind,
                text=question.text,
                required=question.required,
                number=number,
                choices=choices,
            )
        )
    return shown


def clean_text(text: str) -> str:
    """A text answer as stored: line breaks unified, control characters removed, blank
    edges trimmed (its length is checked after)."""
    return _CONTROL.sub("", _NEWLINES.sub("\n", text)).strip()


def _position(raw: str, allowed: set[int]) -> int | None:
    """``raw`` as one of the ``allowed`` positions, None when it is not one."""
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 3:
        return None
    position = int(text)
    return position if position in allowed else None


def _clean_one(question: FormQuestion, raw: RawAnswer) -> tuple[Any, str]:
    """One answer as stored (None: not answered) and its error ("" when fine)."""
    values = [raw] if isinstance(raw, str) else list(raw or [])
    values = [value for value in values if isinstance(value, str) and value.strip() != ""]
    if question.kind == QuestionKind.TEXT:
        text = clean_text(values[0]) if values else ""
        if len(text) > rules.MAX_TEXT_ANSWER:
            return None, pgettext(
                CONTEXT, "Please keep your answer within %(max)d characters (now %(n)d)."
            ) % {
                "max": rules.MAX_TEXT_ANSWER,
                "n": len(text),
            }
        return (text or None), ""
    if not values:
        return None, ""
    allowed = {choice.position for choice in question.choices}
    if question.kind == QuestionKind.MULTIPLE:
        if len(values) > len(allowed):
            return None, pgettext(CONTEXT, "Please choose among the options shown.")
        positions = [_position(value, allowed) for value in values]
        if any(position is None for position in positions):
            return None, pgettext(CONTEXT, "Please choose among the options shown.")
        return sorted({position for position in positions if position is not None}), ""
    if len(values) > 1:
        return None, pgettext(CONTEXT, "Please choose one option.")
    position = _position(values[0], allowed)
    if position is None:
        if question.kind == QuestionKind.LIKERT:
            return None, pgettext(CONTEXT, "Please choose one of the five points.")
        return None, pgettext(CONTEXT, "Please choose among the options shown.")
    return position, ""


def answers_clean(
    questions: Sequence[FormQuestion], raw: Mapping[str, RawAnswer]
) -> dict[str, Any]:
    """The answers to store, keyed by question code (questions left unanswered are left
    out). Fills each question's ``value`` (what was posted, to show it again) and
    ``error``; raises ``ValidationError`` keyed by question code when any is wrong.
    Posted keys that are not a question's code are ignored."""
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        posted = raw.get(question.code)
        question.value = posted
        answer, error = _clean_one(question, posted)
        if not error and answer is None and question.required:
            error = pgettext(CONTEXT, "Please answer this question.")
        if error:
            question.error = error
            errors[question.code] = [error]
        elif answer is not None:
            answers[question.code] = answer
    if errors:
        raise ValidationError(errors)
    return answers


def response_submit(
    *,
    link: SurveyLink,
    answers: Mapping[str, RawAnswer],
    form: PublishedForm | None = None,
    questions: Sequence[FormQuestion] | None = None,
) -> SurveyResponse:
    """Check and store one anonymous response through ``link``.

    ``answers`` maps a question's code to what the form posted (a string, or the list of a
    multiple choice). ``form`` is the link's ``PublishedForm`` and ``questions`` its
    ``fresh_questions()`` when the caller has them (the public page: their ``value`` and
    ``error`` are filled for it). Raises ``ValidationError`` keyed by question code when an
    answer is wrong, and NotFound when the campaign is closed; nothing is stored then.
    One INSERT; nothing is recomputed (the unit's value is computed when it closes).
    """
    if form is None:
        form = published_form(link.campaign.version)
    questions = list(questions) if questions is not None else form.fresh_questions()
    cleaned = answers_clean(questions, answers)
    score = rules.response_score(form.rules, cleaned)
    submitted_at = timezone.now().replace(second=0, microsecond=0)
    with transaction.atomic():
        # Read inside the write: a close (also one transaction) that committed since the
        # page was read is seen here, and the answer is refused instead of being stored
        # after the unit's value was written. On SQLite the transaction holds the write
        # lock from its start (IMMEDIATE), so no close can slip in between.
        if not Campaign.objects.filter(pk=link.campaign_id, status=RunStatus.OPEN).exists():
            raise NotFound("the campaign is closed")
        return SurveyResponse.objects.create(
            link=link, answers=cleaned, score=score, submitted_at=submitted_at
        )
