"""Reads of the surveys app: who may run and who may read the instruments, once.

The rule:
- the commission (``Capability.MANAGE_SURVEYS``) runs questionnaires, campaigns,
  appraisals and cross evaluations of the regions it holds: it creates, opens links,
  types in paper slips and closes;
- analysts and leadership (``Capability.VIEW_ANALYSIS``) read the instruments of the
  regions they hold: boards, results, feedback and their files;
- within an instrument, every per-unit row, count and file shows only the units the
  user sees (``units_seen``);
- anything else is a 404 (``qingfeng.lib.errors.NotFound`` or an empty queryset).

The public pages (``/s/…``) are not in this rule: they answer by token alone and show
nothing but the questionnaire, the slip or the rating table of that one link.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability, regions_held_with, visible_units
from qingfeng.lib.periods import Period, period_label, periods_containing
from qingfeng.org.models import Region, Unit
from qingfeng.surveys.models import (
    Appraisal,
    Campaign,
    CrossEvaluation,
    Questionnaire,
    QuestionnaireVersion,
)
from qingfeng.surveys.rules import QuestionRule

_M = TypeVar("_M", bound=Model)


def may_manage(user: Any) -> bool:
    """Whether ``user`` runs surveys and evaluations somewhere (the commission)."""
    return has_capability(user, Capability.MANAGE_SURVEYS)


def may_read(user: Any) -> bool:
    """Whether ``user`` sees any survey or evaluation (to show the menu)."""
    return may_manage(user) or has_capability(user, Capability.VIEW_ANALYSIS)


def managed_regions(user: Any) -> QuerySet[Region]:
    """The regions whose instruments ``user`` runs."""
    if not user.is_authenticated:
        return Region.objects.none()
    return regions_held_with(user, Capability.MANAGE_SURVEYS)


def read_regions(user: Any) -> QuerySet[Region]:
    """The regions whose instruments ``user`` reads (runs, or analyses)."""
    if not user.is_authenticated:
        return Region.objects.none()
    managed = regions_held_with(user, Capability.MANAGE_SURVEYS).values("pk")
    analysed = regions_held_with(user, Capability.VIEW_ANALYSIS).values("pk")
    return Region.objects.filter(Q(pk__in=managed) | Q(pk__in=analysed))


def units_seen(user: Any) -> QuerySet[Unit]:
    """The units whose rows ``user`` sees inside an instrument they read."""
    if not user.is_authenticated:
        return Unit.objects.none()
    managed = visible_units(user, Capability.MANAGE_SURVEYS).values("pk")
    analysed = visible_units(user, Capability.VIEW_ANALYSIS).values("pk")
    return Unit.objects.filter(Q(pk__in=managed) | Q(pk__in=analysed))


def _of_regions(model: type[_M], regions: QuerySet[Region]) -> QuerySet[_M]:
    return model._default_manager.filter(region__in=regions.values("pk"))


def questionnaires_for(user: Any, *, manage: bool = False) -> QuerySet[Questionnaire]:
    """The questionnaires ``user`` reads (``manage``: edits) — of their regions."""
    regions = managed_regions(user) if manage else read_regions(user)
    return _of_regions(Questionnaire, regions).select_related("region")


def campaigns_for(user: Any, *, manage: bool = False) -> QuerySet[Campaign]:
    """The survey campaigns ``user`` reads (``manage``: runs)."""
    regions = managed_regions(user) if manage else read_regions(user)
    return _of_regions(Campaign, regions).select_related(
        "region", "framework", "version__questionnaire"
    )


def appraisals_for(user: Any, *, manage: bool = False) -> QuerySet[Appraisal]:
    """The democratic evaluations ``user`` reads (``manage``: runs)."""
    regions = managed_regions(user) if manage else read_regions(user)
    return _of_regions(Appraisal, regions).select_related("region", "framework")


def cross_evaluations_for(user: Any, *, manage: bool = False) -> QuerySet[CrossEvaluation]:
    """The cross evaluations ``user`` reads (``manage``: runs)."""
    regions = managed_regions(user) if manage else read_regions(user)
    return _of_regions(CrossEvaluation, regions).select_related("region", "framework")


def period_choices(*, today: datetime.date | None = None) -> list[tuple[str, str]]:
    """The periods an instrument can measure, in words: the current quarter, half-year
    and year and those of the year before, newest first (a survey describes a period
    that is running or has just ended)."""
    today = today or timezone.localdate()
    seen: set[Period] = set()
    for day in (today, today.replace(month=1, day=1) - datetime.timedelta(days=1)):
        for period in periods_containing(day):
            if period.kind == "M":
                continue
            seen.add(period)
            previous = period.previous()
            while previous.year >= today.year - 1:
                seen.add(previous)
                previous = previous.previous()
    ordered = sorted(seen, key=lambda p: (p.end, -((p.end - p.start).days)), reverse=True)
    return [(str(period), period_label(period)) for period in ordered]


def question_rules(version: QuestionnaireVersion) -> list[QuestionRule]:
    """The scoring rules of a version's questions, in order (``rules.response_score``)."""
    questions = version.questions.prefetch_related("choices").order_by("position")
    return [
        QuestionRule(
            question.code,
            question.kind,
            {choice.position: choice.score for choice in question.choices.all()},
        )
        for question in questions
    ]
