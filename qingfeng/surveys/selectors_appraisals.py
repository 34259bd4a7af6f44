"""Reads of the democratic evaluations (民主测评): an appraisal in the user's scope, its
teams with their leaders and slips, the results per leader and per team, and the one
slip a public page answers. Every count comes from ``rules.approval_share``; the rows
inside an appraisal are those of ``selectors.units_seen``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from qingfeng.lib.errors import get_or_not_found
from qingfeng.org.models import Post, Unit
from qingfeng.surveys import rules, selectors
from qingfeng.surveys.models import (
    Appraisal,
    AppraisalGrade,
    AppraisalSlip,
    AppraisalSubject,
    Grade,
    RunStatus,
)

# The grades in the order a slip and a result table show them, best first.
GRADE_ORDER: tuple[str, ...] = tuple(Grade.values)


def current_team(unit: Unit) -> list[Post]:
    """The current posts (no end) of ``unit``'s leadership team in post order: the
    principal first, then the deputies by start date; one post per person (their first),
    with the person."""
    posts = (
        Post.objects.filter(unit=unit, end__isnull=True)
        .select_related("person")
        .order_by("-role", "start", "pk")
    )
    seen: set[int] = set()
    team = []
    for post in posts:
        if post.person_id not in seen:
            seen.add(post.person_id)
            team.append(post)
    return team


def appraisal_of(user: Any, pk: int, *, manage: bool = False) -> Appraisal:
    """The appraisal ``pk`` if ``user`` reads it (``manage``: runs it); NotFound else."""
    return get_or_not_found(selectors.appraisals_for(user, manage=manage), pk=pk)


def team_unit_of(user: Any, appraisal: Appraisal, unit_pk: int) -> Unit:
    """A team (unit) of ``appraisal`` that ``user`` sees; NotFound else."""
    units = team_units(appraisal, user)
    return get_or_not_found(units, pk=unit_pk)


def team_units(appraisal: Appraisal, user: Any) -> QuerySet[Unit]:
    """The units whose teams ``appraisal`` evaluates and ``user`` sees, in tree order."""
    in_appraisal = Q(pk__in=appraisal.slips.values("unit_id")) | Q(
        pk__in=appraisal.subjects.values("unit_id")
    )
    return (
        Unit.objects.filter(in_appraisal)
        .filter(pk__in=selectors.units_seen(user).values("pk"))
        .order_by("path")
    )


@dataclass
class Team:
    """One team of an appraisal as its pages show it: the unit, its leaders in order,
    its slips cast and printed."""

    unit: Unit
    subjects: list[AppraisalSubject] = field(default_factory=list)
    slips_total: int = 0
    slips_cast: int = 0

    @property
    def editable(self) -> bool:
        """Leaders may be added or removed until the first slip of the team is cast."""
        return self.slips_cast == 0


def teams(appraisal: Appraisal, user: Any) -> list[Team]:
    """The teams of ``appraisal`` that ``user`` sees, with leaders and slip counts."""
    return _teams_of(appraisal, team_units(appraisal, user))


def share_percent(share: float | None) -> str:
    """A share as the result table prints it: "93.3%", "—" without any grade."""
    return "—" if share is None else f"{share * 100:.1f}%"


@dataclass
class LeaderResult:
    """One leader's grades: a count per grade (best first) and the share of 优秀 + 称职."""

    subject: AppraisalSubject
    counts: list[int]
    total: int
    share: float | None

    @property
    def percent(self) -> str:
        return share_percent(self.share)


@dataclass
class TeamResult:
    """One team's result: its leaders' results in order, its valid slips and the share
    of 优秀 + 称职 over all its leaders' grades (what feeds the unit's score)."""

    unit: Unit
    leaders: list[LeaderResult]
    valid_slips: int
    slips_total: int
    approving: int
    total: int
    share: float | None

    @property
    def percent(self) -> str:
        return share_percent(self.share)


def results(appraisal: Appraisal, user: Any) -> list[TeamResult]:
    """The result table of the teams ``user`` sees, teams and leaders in the meeting's
    order (as on the slips)."""
    return team_results(appraisal, units=team_units(appraisal, user))


def team_results(appraisal: Appraisal, *, units: Iterable[Unit]) -> list[TeamResult]:
    """The results of ``units``' teams (the caller has scoped them); the close uses it
    for every team."""
    found = []
    teams = list(_teams_of(appraisal, units))
    # Every team's cast grades in one query, by leader.
    grades_of: dict[int, list[str]] = defaultdict(list)
    grades = AppraisalGrade.objects.filter(
        subject__in=[s.pk for team in teams for s in team.subjects], slip__cast_at__isnull=False
    ).values_list("subject_id", "grade")
    for subject_id, grade in grades:
        grades_of[subject_id].append(grade)
    for team in teams:
        leaders = []
        for subject in team.subjects:
            counted = Counter(grades_of[subject.pk])
            leaders.append(
                LeaderResult(
                    subject=subject,
                    counts=[counted[grade] for grade in GRADE_ORDER],
                    total=len(grades_of[subject.pk]),
                    share=rules.approval_share(grades_of[subject.pk]),
                )
            )
        every = [grade for subject in team.subjects for grade in grades_of[subject.pk]]
        found.append(
            TeamResult(
                unit=team.unit,
                leaders=leaders,
                valid_slips=team.slips_cast,
                slips_total=team.slips_total,
                approving=sum(1 for grade in every if grade in rules.APPROVING_GRADES),
                total=len(every),
                share=rules.approval_share(every),
            )
        )
    return found


def _teams_of(appraisal: Appraisal, units: Iterable[Unit]) -> list[Team]:
    by_unit = {unit.pk: Team(unit) for unit in units}
    subjects = appraisal.subjects.filter(unit__in=list(by_unit)).select_related("person")
    for subject in subjects.order_by("position", "pk"):
        by_unit[subject.unit_id].subjects.append(subject)
    counts = (
        appraisal.slips.filter(unit__in=list(by_unit))
        .values("unit_id")
        .annotate(total=Count("pk"), cast=Count("pk", filter=Q(cast_at__isnull=False)))
    )
    for row in counts:
        team = by_unit[row["unit_id"]]
        team.slips_total, team.slips_cast = row["total"], row["cast"]
    return list(by_unit.values())


def all_team_units(appraisal: Appraisal) -> QuerySet[Unit]:
    """Every unit whose team ``appraisal`` evaluates (for its close), in tree order."""
    return Unit.objects.filter(
        Q(pk__in=appraisal.slips.values("unit_id")) | Q(pk__in=appraisal.subjects.values("unit_id"))
    ).order_by("path")


def slips_to_print(appraisal: Appraisal, *, units: Iterable[Unit]) -> list[AppraisalSlip]:
    """The slips of ``units``' teams not cast yet, in team order then printing order."""
    return list(
        appraisal.slips.filter(unit__in=list(units), cast_at__isnull=True)
        .select_related("unit")
        .order_by("unit__path", "pk")
    )


def clerk_slip(appraisal: Appraisal, user: Any, typed: str) -> AppraisalSlip | None:
    """The slip of ``appraisal`` whose code the clerk typed (any case, dashes or not),
    in a team ``user`` sees; None for anything else (the page says only "no such slip",
    never which codes exist)."""
    code = rules.slip_code_typed(typed)
    if not code:
        return None
    return (
        appraisal.slips.filter(code=code, unit__in=selectors.units_seen(user).values("pk"))
        .select_related("unit")
        .first()
    )


def open_slip(code: str) -> AppraisalSlip | None:
    """The slip a public page answers: its code known, its appraisal open and the slip
    not cast yet; None otherwise (the page answers 404)."""
    typed = rules.slip_code_typed(code)
    if not typed:
        return None
    return (
        AppraisalSlip.objects.filter(
            code=typed, cast_at__isnull=True, appraisal__status=RunStatus.OPEN
        )
        .select_related("appraisal", "unit")
        .first()
    )


def slip_subjects(slip: AppraisalSlip) -> list[AppraisalSubject]:
    """The leaders a slip grades: its team's, in the meeting's order."""
    return list(
        slip.appraisal.subjects.filter(unit_id=slip.unit_id)
        .select_related("person")
        .order_by("position", "pk")
    )


def candidates(appraisal: Appraisal, unit: Unit) -> list[Post]:
    """The current leaders of ``unit`` not yet on ``appraisal``'s list (to add back)."""
    taken = set(appraisal.subjects.filter(unit=unit).values_list("person_id", flat=True))
    return [post for post in current_team(unit) if post.person_id not in taken]
