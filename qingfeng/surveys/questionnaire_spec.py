"""A questionnaire version's content as plain data, and the checks it must pass.

The page forms, the YAML and .xlsx imports and the exports all meet here: a version is
read into a ``VersionSpec`` (``version_spec``), a file is read into one, and
``spec_problems`` says what stands in the way of publishing it. The checks only say *what*
is wrong; *where* is worded by a ``Locate`` callable of the caller (a YAML path, a sheet,
row and column, or "question 3 (q3)" on a page), so a user meets each problem where they
wrote it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.org.models import code_validator
from qingfeng.surveys.models import Question, QuestionKind, QuestionnaireVersion
from qingfeng.surveys.rules import LIKERT_POINTS, MAX_CHOICES, MAX_QUESTIONS, likert_score

# What a respondent reads for each Likert point, 5 (best) first as the survey shows them.
LIKERT_LABELS = {
    5: gettext_lazy("very satisfied"),
    4: gettext_lazy("satisfied"),
    3: gettext_lazy("neutral"),
    2: gettext_lazy("dissatisfied"),
    1: gettext_lazy("very dissatisfied"),
}
# The kinds as a spreadsheet writes them (the codes are read too).
KIND_WORDS = {"likert": "五级量表", "single": "单选", "multiple": "多选", "text": "简答"}
CHOICE_KINDS = frozenset({QuestionKind.SINGLE.value, QuestionKind.MULTIPLE.value})
# One choice per line on a page; in a spreadsheet cell also separated by ；or ;.
_CHOICE_SPLIT = re.compile(r"[\n;；]+")
_SCORE_SPLIT = re.compile(r"[=＝]")
# Model bounds, checked before storing (a too-long text would fail in the database).
MAX_QUESTION_TEXT = Question._meta.get_field("text").max_length or 300
MAX_LABEL = 150
MAX_CODE = 32


@dataclass
class ChoiceSpec:
    """One choice: its label and its score (0–100; None: it scores nothing, e.g. 不了解).
    ``score`` may hold what a file wrote when it is no number, for ``spec_problems`` to
    report."""

    label: Any
    score: Any = None


@dataclass
class QuestionSpec:
    """One question as written (values may be wrong: ``spec_problems`` says so)."""

    code: Any
    kind: Any
    text: Any
    required: Any = True
    choices: list[ChoiceSpec] = field(default_factory=list)


@dataclass
class VersionSpec:
    """A questionnaire version's whole content: the questionnaire's code and name, the
    version's title, introduction and unit category codes, and its questions in order."""

    code: Any = None
    name: Any = None
    title: Any = None
    intro: Any = None
    categories: list[str] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)


# Locate(question index from 0 or None, field or None, choice index from 0 or None) -> a
# place in words (the caller's: a YAML path, a cell, "question 3").
Locate = Callable[[int | None, str | None, int | None], str]


@dataclass(frozen=True)
class Problem:
    """One reason a version cannot be stored or published, with its place in words."""

    where: str
    message: str
    question: int | None = None  # index from 0
    field: str | None = None
    choice: int | None = None  # index from 0

    def __str__(self) -> str:
        if not self.where:
            return self.message
        return _("%(where)s: %(message)s") % {"where": self.where, "message": self.message}


def version_spec(version: QuestionnaireVersion) -> VersionSpec:
    """The content of a stored version (what an export writes and a new version copies)."""
    questions = version.questions.prefetch_related("choices").order_by("position")
    return VersionSpec(
        code=version.questionnaire.code,
        name=version.questionnaire.name,
        title=version.title,
        intro=version.intro,
        categories=sorted(version.categories.values_list("code", flat=True)),
        questions=[
            QuestionSpec(
                code=question.code,
                kind=question.kind,
                text=question.text,
                required=question.required,
                choices=[
                    ChoiceSpec(choice.label, choice.score)
                    for choice in question.choices.order_by("position")
                ],
            )
            for question in questions
        ],
    )


# ---------------------------------------------------------------------------------------
# Choices written as text


def score_text(score: float | None) -> str:
    """A score as written in a file or a form: ``100``, ``62.5``; empty for none."""
    if score is None:
        return ""
    return str(int(score)) if float(score).is_integer() else str(score)


def choices_text(choices: Sequence[ChoiceSpec], *, separator: str = "\n") -> str:
    """Choices as ``label=score`` (a choice without a score by its label alone), one per
    line on a page, ``；``-separated in a spreadsheet cell."""
    parts = []
    for choice in choices:
        written = score_text(choice.score) if not isinstance(choice.score, str) else choice.score
        parts.append(f"{choice.label}={written}" if written != "" else str(choice.label))
    return separator.join(parts)


def parse_choices(text: str | None) -> list[ChoiceSpec]:
    """Choices from ``label=score`` parts separated by new lines, ``；`` or ``;``; a part
    without ``=`` is a choice that scores nothing. The score stays text when it is no
    number (``spec_problems`` reports it where it was written)."""
    choices: list[ChoiceSpec] = []
    for part in _CHOICE_SPLIT.split(text or ""):
        part = part.strip()
        if not part:
            continue
        pieces = _SCORE_SPLIT.split(part)
        if len(pieces) == 1:
            choices.append(ChoiceSpec(part, None))
            continue
        label, written = "=".join(pieces[:-1]).strip(), pieces[-1].strip()
        choices.append(ChoiceSpec(label, to_score(written)))
    return choices


def to_score(value: Any) -> Any:
    """A score from a cell or text: a float, None when empty, the text itself when it is
    no number (reported by ``spec_problems``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("分", "")
    try:
        return float(text)
    except ValueError:
        return str(value).strip()


# ---------------------------------------------------------------------------------------
# Checks


def is_scored(question: QuestionSpec) -> bool:
    """Whether answers to the question count in a response's score."""
    if question.kind == QuestionKind.LIKERT:
        return True
    if question.kind in CHOICE_KINDS:
        return any(_valid_score(choice.score) for choice in question.choices)
    return False


def _valid_score(score: Any) -> bool:
    return (
        isinstance(score, int | float)
        and not isinstance(score, bool)
        and math.isfinite(score)
        and 0 <= score <= 100
    )


def _shown(score: Any) -> str:
    if isinstance(score, float) and math.isfinite(score):
        return score_text(score)
    return str(score)


def code_problem(code: Any) -> str | None:
    """Why ``code`` cannot be a questionnaire's or a question's code (None: it can)."""
    if not isinstance(code, str) or not code.strip():
        return _("a code is required")
    if len(code) > MAX_CODE:
        return _("the code is longer than %(max)s characters") % {"max": MAX_CODE}
    try:
        code_validator(code)
    except ValidationError:
        return _("the code may hold only letters, digits, dots, hyphens and underscores")
    return None


def question_problems(
    question: QuestionSpec, *, index: int, locate: Locate, scores_only: bool = False
) -> list[Problem]:
    """What is wrong with one question (its code, kind, text and choices)."""
    problems: list[Problem] = []

    def add(message: str, column: str | None = None, choice: int | None = None) -> None:
        problems.append(Problem(locate(index, column, choice), message, index, column, choice))

    if not scores_only:
        problem = code_problem(question.code)
        if problem:
            add(problem, "code")
        if not isinstance(question.text, str) or not question.text.strip():
            add(_("the question's text is required"), "text")
        elif len(question.text) > MAX_QUESTION_TEXT:
            add(
                _("the text is longer than %(max)s characters") % {"max": MAX_QUESTION_TEXT},
                "text",
            )
        if not isinstance(question.required, bool):
            add(_('expected yes or no, got "%(value)s"') % {"value": question.required}, "required")
    if question.kind not in KIND_WORDS:
        kinds = ", ".join(f"{kind}（{word}）" for kind, word in KIND_WORDS.items())
        add(
            _('unknown kind "%(value)s"; expected one of: %(kinds)s')
            % {"value": question.kind or "", "kinds": kinds},
            "kind",
        )
        return problems
    if question.kind in CHOICE_KINDS:
        if len(question.choices) < 2:
            add(_("a choice question needs at least two choices"), "choices")
        elif len(question.choices) > MAX_CHOICES:
            add(_("at most %(max)s choices") % {"max": MAX_CHOICES}, "choices")
        labels: set[str] = set()
        for at, choice in enumerate(question.choices):
            label = choice.label if isinstance(choice.label, str) else ""
            if not label.strip():
                add(_("a choice needs a label"), "choices", at)
            elif len(label) > MAX_LABEL:
                add(
                    _("the label is longer than %(max)s characters") % {"max": MAX_LABEL},
                    "choices",
                    at,
                )
            elif label in labels:
                add(_('the choice "%(label)s" is listed twice') % {"label": label}, "choices", at)
            labels.add(label)
            if choice.score is not None and not _valid_score(choice.score):
                add(
                    _('the score "%(score)s" is not a number from 0 to 100')
                    % {"score": _shown(choice.score)},
                    "score",
                    at,
                )
    elif question.choices:
        add(_("only a single or multiple choice question has choices"), "choices")
    return problems


def spec_problems(spec: VersionSpec, *, locate: Locate, whole: bool = True) -> list[Problem]:
    """Everything that stands in the way of publishing ``spec`` (or, with ``whole`` False,
    of storing it as a draft: the questions' own problems only).

    Publishing needs at least one question and at most ``MAX_QUESTIONS``, unique question
    codes, each choice question with two choices or more (at most ``MAX_CHOICES``), every
    score finite in 0–100, and at least one scored question (a survey with none gives no
    unit a value)."""
    problems: list[Problem] = []
    if len(spec.questions) > MAX_QUESTIONS:
        message = _("at most %(max)s questions; this has %(count)s") % {
            "max": MAX_QUESTIONS,
            "count": len(spec.questions),
        }
        problems.append(Problem(locate(None, "questions", None), message))
    seen: dict[str, int] = {}
    for index, question in enumerate(spec.questions):
        problems += question_problems(question, index=index, locate=locate)
        code = question.code if isinstance(question.code, str) else None
        if code and code in seen:
            message = _('the code "%(code)s" is already used by question %(other)s') % {
                "code": code,
                "other": seen[code] + 1,
            }
            problems.append(Problem(locate(index, "code", None), message, index, "code"))
        elif code:
            seen[code] = index
    if whole:
        if not spec.questions:
            problems.append(
                Problem(locate(None, "questions", None), _("the questionnaire has no question"))
            )
        elif not problems and not any(is_scored(question) for question in spec.questions):
            # Only on an otherwise sound file: a wrong score already says why.
            message = _("no question is scored: add a five-point question or a choice with a score")
            problems.append(Problem(locate(None, "questions", None), message))
    return problems


def scoring_words(kind: str, choices: Sequence[ChoiceSpec]) -> list[tuple[str, str]]:
    """How a question turns into 0–100, as (label, words) pairs a page shows: Likert
    "很满意 100 分 … 很不满意 0 分"; a choice its score or "不计分"; a text nothing."""
    if kind == QuestionKind.LIKERT:
        return [
            (
                str(LIKERT_LABELS[point]),
                _("%(score)s points") % {"score": score_text(likert_score(point))},
            )
            for point in sorted(LIKERT_POINTS, reverse=True)
        ]
    if kind in CHOICE_KINDS:
        return [
            (
                str(choice.label),
                _("%(score)s points") % {"score": score_text(choice.score)}
                if choice.score is not None
                else _("scores nothing"),
            )
            for choice in choices
        ]
    return []
