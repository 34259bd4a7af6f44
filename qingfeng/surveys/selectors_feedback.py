"""A unit's feedback of a survey campaign (问卷调查结果反馈): its responses question by
question, against the same for the surveyed units of its category in the campaign and
for the unit in the previous campaign of the same questionnaire.

Numbers come from ``surveys.rules`` (``answer_score``, ``unit_score``); each side is read
in one pass over its responses (a campaign holds a few thousand). The comparison sides
pool their responses: the category's mean is the mean of all its respondents' scores,
as the unit's own is. Only units the reader sees (``selectors.units_seen``) take part.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qingfeng.lib.errors import NotFound
from qingfeng.lib.periods import Period
from qingfeng.org.models import Unit
from qingfeng.surveys import rules, selectors
from qingfeng.surveys.models import (
    Campaign,
    Question,
    QuestionKind,
    QuestionnaireVersion,
    SurveyLink,
    SurveyResponse,
)
from qingfeng.surveys.services_answers import LIKERT_LABELS

# The text answers a feedback page lists (the newest first); the count says how many more.
MAX_TEXTS_SHOWN = 200


@dataclass(frozen=True)
class Share:
    """How many respondents chose an option, and their share (0–100) of those who
    answered the question (None when nobody did)."""

    count: int
    percent: float | None


@dataclass
class Side:
    """One side of the comparison (the unit, its category, the unit last time) for one
    question: how many answered, the mean 0–100 of the scored answers and the count per
    option (a Likert point or a choice position)."""

    answered: int = 0
    mean: float | None = None
    counts: Counter[int] = field(default_factory=Counter)

    def share(self, option: int) -> Share:
        count = self.counts.get(option, 0)
        return Share(count, 100 * count / self.answered if self.answered else None)


@dataclass(frozen=True)
class OptionRow:
    """One option of a question across the three sides (``previous`` None: no previous
    campaign, or the question or option was not in it)."""

    label: str
    unit: Share
    category: Share
    previous: Share | None


@dataclass
class QuestionFeedback:
    """One question of the feedback: the three sides, an option row each, and for a text
    question the unit's answers (newest first, at most ``MAX_TEXTS_SHOWN``)."""

    number: int
    code: str
    kind: str
    text: str
    unit: Side
    category: Side
    previous: Side | None
    options: list[OptionRow] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    text_count: int = 0

    @property
    def is_text(self) -> bool:
        return self.kind == QuestionKind.TEXT


@dataclass(frozen=True)
class Summary:
    """Responses and mean score of one side (None: no such side)."""

    responses: int
    mean: float | None


@dataclass
class UnitFeedback:
    """Everything a unit's feedback page and file show."""

    campaign: Campaign
    unit: Unit
    category_name: str
    category_units: int  # surveyed units of the category the reader sees (the unit too)
    quota: int  # the answers the unit needs by its headcount
    previous_campaign: Campaign | None
    unit_summary: Summary
    category_summary: Summary
    previous_summary: Summary | None
    questions: list[QuestionFeedback]


# ---------------------------------------------------------------------------------------
# One pass over a side's responses


@dataclass
class _Tally:
    """The running sums of one side of one question."""

    answered: int = 0
    scored: list[float] = field(default_factory=list)
    counts: Counter[int] = field(default_factory=Counter)
    texts: list[str] = field(default_factory=list)

    def side(self) -> Side:
        return Side(self.answered, rules.unit_score(self.scored), self.counts)


def _positions(answer: Any) -> list[int]:
    """The options an answer chose; none for an answer the reader cannot read (stored
    answers come through ``response_submit``, but a reader never trusts stored JSON)."""
    values = answer if isinstance(answer, list) else [answer]
    positions = []
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool):
            positions.append(value)
    return positions


def _tally(
    version_rules: Sequence[rules.QuestionRule],
    rows: Iterable[tuple[Mapping[str, Any], float | None]],
) -> tuple[dict[str, _Tally], list[float | None]]:
    """Tallies by question code, and the responses' scores, in one pass over ``rows``
    of (answers, score)."""
    tallies = {rule.code: _Tally() for rule in version_rules}
    scores: list[float | None] = []
    for answers, score in rows:
        scores.append(score)
        if not isinstance(answers, Mapping):
            continue
        for rule in version_rules:
            answer = answers.get(rule.code)
            if answer is None or answer == "" or answer == []:
                continue
            tally = tallies[rule.code]
            if rule.kind == QuestionKind.TEXT:
                if isinstance(answer, str):
                    tally.answered += 1
                    tally.texts.append(answer)
                continue
            positions = _positions(answer)
            if not positions:
                continue
            tally.answered += 1
            tally.counts.update(set(positions))
            try:
                value = rules.answer_score(rule, answer)
            except (TypeError, ValueError):
                value = None
            if value is not None:
                tally.scored.append(value)
    return tallies, scores


# ---------------------------------------------------------------------------------------
# The reads


def previous_campaign(*, campaign: Campaign, unit: Unit, user: Any) -> Campaign | None:
    """The campaign of the same questionnaire (any version) that surveyed ``unit`` for the
    latest period ending before ``campaign``'s, among those ``user`` reads; None when
    there is none."""
    end = Period.parse(campaign.period).end
    candidates = (
        selectors.campaigns_for(user)
        .filter(version__questionnaire_id=campaign.version.questionnaire_id, links__unit=unit)
        .exclude(pk=campaign.pk)
        .select_related("version")
    )
    earlier = []
    for candidate in candidates:
        try:
            candidate_end = Period.parse(candidate.period).end
        except ValueError:
            continue
        if candidate_end < end:
            earlier.append((candidate_end, candidate.created_at, candidate))
    if not earlier:
        return None
    return max(earlier, key=lambda item: (item[0], item[1]))[2]


def _questions(version: QuestionnaireVersion) -> list[Question]:
    return list(version.questions.prefetch_related("choices").order_by("position"))


def _options(question: Question) -> list[tuple[int, str]]:
    """(position, label) of each option: the five Likert points, or the choices."""
    if question.kind == QuestionKind.LIKERT:
        points = zip(rules.LIKERT_POINTS, LIKERT_LABELS, strict=True)
        return [(point, str(label)) for point, label in points]
    return [(choice.position, choice.label) for choice in question.choices.all()]


def _previous_matches(
    questions: Sequence[Question], previous: Sequence[Question]
) -> dict[str, dict[int, int]]:
    """For each question also asked last time (same code and kind): this version's
    option position → the previous version's (choices matched by their label, Likert
    points by themselves)."""
    before = {question.code: question for question in previous}
    matches: dict[str, dict[int, int]] = {}
    for question in questions:
        old = before.get(question.code)
        if old is None or old.kind != question.kind:
            continue
        if question.kind in (QuestionKind.LIKERT, QuestionKind.TEXT):
            matches[question.code] = {point: point for point in rules.LIKERT_POINTS}
            continue
        old_by_label = {label: position for position, label in _options(old)}
        matches[question.code] = {
            position: old_by_label[label]
            for position, label in _options(question)
            if label in old_by_label
        }
    return matches


def unit_feedback(*, campaign: Campaign, unit: Unit, user: Any) -> UnitFeedback:
    """The feedback of ``unit`` in ``campaign`` as ``user`` reads it. The caller has taken
    the campaign from ``selectors.campaigns_for(user)`` and the unit from
    ``selectors.units_seen(user)``; NotFound when the campaign did not survey the unit."""
    link = SurveyLink.objects.filter(campaign=campaign, unit=unit).select_related("unit").first()
    if link is None:
        raise NotFound("the campaign did not survey this unit")
    version = campaign.version
    questions = _questions(version)
    version_rules = selectors.question_rules(version)

    peers = SurveyResponse.objects.filter(
        link__campaign=campaign,
        link__unit__category_id=unit.category_id,
        link__unit__in=selectors.units_seen(user),
    )
    own_rows: list[tuple[Any, float | None]] = []
    peer_rows: list[tuple[Any, float | None]] = []
    for link_pk, answers, score in peers.order_by("-pk").values_list("link_id", "answers", "score"):
        peer_rows.append((answers, score))
        if link_pk == link.pk:
            own_rows.append((answers, score))
    own, own_scores = _tally(version_rules, own_rows)
    peer, peer_scores = _tally(version_rules, peer_rows)
    category_units = SurveyLink.objects.filter(
        campaign=campaign,
        unit__category_id=unit.category_id,
        unit__in=selectors.units_seen(user),
    ).count()

    before = previous_campaign(campaign=campaign, unit=unit, user=user)
    matches: dict[str, dict[int, int]] = {}
    old: dict[str, _Tally] = {}
    previous_summary = None
    if before is not None:
        matches = _previous_matches(questions, _questions(before.version))
        old_rules = selectors.question_rules(before.version)
        old_rows = SurveyResponse.objects.filter(link__campaign=before, link__unit=unit)
        old, old_scores = _tally(old_rules, old_rows.values_list("answers", "score"))
        previous_summary = Summary(len(old_scores), rules.unit_score(old_scores))

    shown = []
    for number, question in enumerate(questions, start=1):
        mine, theirs = own[question.code].side(), peer[question.code].side()
        match = matches.get(question.code)
        last = old[question.code].side() if match is not None else None
        item = QuestionFeedback(
            number=number,
            code=question.code,
            kind=question.kind,
            text=question.text,
            unit=mine,
            category=theirs,
            previous=last,
        )
        if question.kind == QuestionKind.TEXT:
            texts = own[question.code].texts
            item.texts, item.text_count = texts[:MAX_TEXTS_SHOWN], len(texts)
        else:
            for position, label in _options(question):
                was = match.get(position) if match is not None else None
                item.options.append(
                    OptionRow(
                        label=label,
                        unit=mine.share(position),
                        category=theirs.share(position),
                        previous=last.share(was) if last is not None and was else None,
                    )
                )
        shown.append(item)

    headcount = unit.headcount or 0
    return UnitFeedback(
        campaign=campaign,
        unit=unit,
        category_name=unit.category.name if unit.category_id else "",
        category_units=category_units,
        quota=rules.QuotaRule.from_json(campaign.quota_tiers).required(headcount)
        if campaign.quota_tiers
        else 0,
        previous_campaign=before,
        unit_summary=Summary(len(own_scores), rules.unit_score(own_scores)),
        category_summary=Summary(len(peer_scores), rules.unit_score(peer_scores)),
        previous_summary=previous_summary,
        questions=shown,
    )
