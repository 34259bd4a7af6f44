"""The surveys' rules of numbers, in one place and pure (no database): how an answer
turns into 0–100, a response's and a unit's score, the quota of answers a unit needs by
its headcount, the share of 优秀 + 称职 of an appraisal, and the unguessable tokens and
slip codes. Pages, closes, feedback and the demo call these; they never recount.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The five points of a Likert question, 1 (worst) to 5 (best), as 0, 25, 50, 75, 100.
LIKERT_POINTS = (1, 2, 3, 4, 5)

# The grades that count as approval in a democratic evaluation (优秀 + 称职).
APPROVING_GRADES = frozenset({"excellent", "competent"})

# Slip codes are typed from paper: no 0/O, 1/I/L look-alikes. 10 symbols of 32 = 50 bits.
SLIP_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SLIP_LENGTH = 10

# Bounds a form or an import checks before storing (and the readers before reading).
MAX_QUESTIONS = 100
MAX_CHOICES = 30
MAX_TEXT_ANSWER = 500


def likert_score(point: int) -> float:
    """A Likert answer 1–5 on 0–100: 1 → 0, 2 → 25, 3 → 50, 4 → 75, 5 → 100."""
    if point not in LIKERT_POINTS:
        raise ValueError(point)
    return 25.0 * (point - 1)


@dataclass(frozen=True)
class QuestionRule:
    """What scoring needs of a question: its kind and, for a choice question, each
    choice's score by position (None: the choice scores nothing)."""

    code: str
    kind: str  # a QuestionKind value
    choice_scores: Mapping[int, float | None] = field(default_factory=dict)


def answer_score(rule: QuestionRule, answer: Any) -> float | None:
    """One answer's 0–100 score, None when it scores nothing (a text, an unscored choice,
    no answer). Likert: ``likert_score``; single choice: the choice's score; multiple
    choice: the mean of the chosen choices that carry a score."""
    if answer is None or answer == "" or answer == []:
        return None
    if rule.kind == "likert":
        return likert_score(int(answer))
    if rule.kind == "single":
        return rule.choice_scores.get(int(answer))
    if rule.kind == "multiple":
        scores = [rule.choice_scores.get(int(position)) for position in answer]
        scored = [score for score in scores if score is not None]
        return sum(scored) / len(scored) if scored else None
    return None


def response_score(rules: Sequence[QuestionRule], answers: Mapping[str, Any]) -> float | None:
    """A response's score: the mean of its scored answers (each question counts once),
    None when none is scored."""
    scores = [answer_score(rule, answers.get(rule.code)) for rule in rules]
    scored = [score for score in scores if score is not None]
    return round(sum(scored) / len(scored), 4) if scored else None


def unit_score(response_scores: Iterable[float | None]) -> float | None:
    """A unit's survey value: the mean of its responses' scores (each respondent counts
    once; responses that scored nothing are left out); None without any."""
    scored = [score for score in response_scores if score is not None]
    return round(sum(scored) / len(scored), 4) if scored else None


@dataclass(frozen=True)
class QuotaTier:
    """Units of at most ``up_to`` people (None: any number) need ``percent`` of their
    headcount as answers."""

    up_to: int | None
    percent: float


@dataclass(frozen=True)
class QuotaRule:
    """The quota by headcount: the first tier whose ``up_to`` holds the headcount gives
    the percentage; a unit needs at least ``floor`` answers whatever its size."""

    tiers: tuple[QuotaTier, ...]
    floor: int

    def required(self, headcount: int) -> int:
        """The answers a unit of ``headcount`` people needs (rounded up)."""
        for tier in self.tiers:
            if tier.up_to is None or headcount <= tier.up_to:
                return max(self.floor, math.ceil(headcount * tier.percent / 100 - 1e-9))
        return self.floor

    def as_json(self) -> dict[str, Any]:
        """What a campaign stores (``Campaign.quota_tiers``)."""
        return {
            "tiers": [[tier.up_to, tier.percent] for tier in self.tiers],
            "floor": self.floor,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QuotaRule:
        """The rule a campaign stored (or the settings hold)."""
        tiers = tuple(QuotaTier(up_to, float(percent)) for up_to, percent in data["tiers"])
        return cls(tiers=tiers, floor=int(data["floor"]))


def approval_share(grades: Iterable[str]) -> float | None:
    """The share (0–1) of 优秀 + 称职 among ``grades``; None without any grade."""
    grades = list(grades)
    if not grades:
        return None
    return sum(1 for grade in grades if grade in APPROVING_GRADES) / len(grades)


def mean_points(points: Iterable[float]) -> float | None:
    """A rated unit's value in a cross evaluation: the mean of its points."""
    points = list(points)
    return round(sum(points) / len(points), 4) if points else None


def new_token() -> str:
    """An unguessable link token (128 random bits, 22 URL-safe characters)."""
    return secrets.token_urlsafe(16)


def new_slip_code() -> str:
    """A slip's code: ``SLIP_LENGTH`` symbols of ``SLIP_ALPHABET`` (50 random bits)."""
    return "".join(secrets.choice(SLIP_ALPHABET) for _ in range(SLIP_LENGTH))


def slip_code_shown(code: str) -> str:
    """A slip code as printed, in groups that are easy to type: ``ABCD-EFGH-JK``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def slip_code_typed(text: str) -> str:
    """A slip code as typed by a clerk (any case, with or without dashes and spaces),
    back in the stored form."""
    return "".join(ch for ch in text.upper() if ch.isalnum())
