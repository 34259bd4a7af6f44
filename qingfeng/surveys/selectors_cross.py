"""Reads of the cross evaluations (互评): the own-unit rule, once, and what the pages show.

The own-unit rule (``own_unit_pks``): a rater never rates its own unit.

- a unit rater never rates a unit in its own line of the tree: the same unit, one of its
  ancestors or one of its descendants (a town does not rate its own offices, a bureau's
  office does not rate the bureau);
- a leader rater never rates a unit where they hold a current post (``Post`` with no
  ``end``) nor one of its sub-units. Being in charge of a unit (分管, ``InCharge``) does
  not exclude it: the 区领导 rating is exactly about the units a leader knows.

The pages call ``rateable_units`` (what a rater's table offers) and the service calls
the same rule before storing, so a crafted POST cannot rate an own unit either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from qingfeng.lib.errors import OutOfScope, get_or_not_found
from qingfeng.org.models import Post, Unit
from qingfeng.surveys import feed, selectors
from qingfeng.surveys.models import CrossEvaluation, CrossRater, CrossRating
from qingfeng.surveys.rules import mean_points


def post_units(person_ids: Iterable[int]) -> dict[int, list[Unit]]:
    """The units where each of ``person_ids`` holds a current post."""
    held: dict[int, list[Unit]] = defaultdict(list)
    posts = Post.objects.filter(person_id__in=list(person_ids), end__isnull=True).select_related(
        "unit"
    )
    for post in posts:
        held[post.person_id].append(post.unit)
    return held


def is_own(*, rater_unit: Unit | None, held: Sequence[Unit], unit: Unit) -> bool:
    """Whether ``unit`` is a rater's own: for a unit rater (``rater_unit``), the same unit,
    an ancestor or a descendant; for a leader, a unit where they hold a current post
    (``held``) or one of its sub-units (see the module's docstring)."""
    if rater_unit is not None:
        return rater_unit.contains(unit) or unit.contains(rater_unit)
    return any(post_unit.contains(unit) for post_unit in held)


def own_unit_pks(
    rater: CrossRater, units: Iterable[Unit], *, held: Sequence[Unit] = ()
) -> set[int]:
    """The pks of ``units`` that ``rater`` may not rate (its own). ``held``: the leader's
    current post units when the caller has them already (else they are read)."""
    if rater.person_id is not None and not held:
        held = post_units([rater.person_id]).get(rater.person_id, [])
    rater_unit = rater.unit if rater.unit_id else None
    return {unit.pk for unit in units if is_own(rater_unit=rater_unit, held=held, unit=unit)}


def rated_units(evaluation: CrossEvaluation) -> list[Unit]:
    """The units ``evaluation`` rates, in tree order."""
    return list(evaluation.rated.select_related("category").order_by("path"))


def rateable_units(rater: CrossRater) -> list[Unit]:
    """The rated units ``rater`` rates (its own left out), in tree order: its table."""
    units = rated_units(rater.evaluation)
    own = own_unit_pks(rater, units)
    return [unit for unit in units if unit.pk not in own]


def rater_points(rater: CrossRater) -> dict[int, float]:
    """The points ``rater`` has given so far, by rated unit pk."""
    return dict(rater.ratings.values_list("rated_id", "points"))


def rater_by_token(token: str) -> CrossRater:
    """The rater of an OPEN evaluation behind a public link; NotFound for an unknown
    token or a closed evaluation (its page answers 404 and stores nothing)."""
    return get_or_not_found(
        CrossRater.objects.select_related("evaluation", "unit", "person").filter(
            evaluation__status="open"
        ),
        token=token,
    )


def evaluation_for(user: Any, pk: int, *, manage: bool = False) -> CrossEvaluation:
    """A cross evaluation ``user`` reads (``manage``: runs); NotFound otherwise."""
    return get_or_not_found(selectors.cross_evaluations_for(user, manage=manage), pk=pk)


def rater_for(user: Any, evaluation: CrossEvaluation, pk: int) -> CrossRater:
    """A rater of ``evaluation`` that ``user`` sees (a unit rater in ``units_seen``, any
    leader rater); NotFound otherwise."""
    rater = get_or_not_found(
        CrossRater.objects.select_related("evaluation", "unit", "person").filter(
            evaluation=evaluation
        ),
        pk=pk,
    )
    if rater.unit_id and not selectors.units_seen(user).filter(pk=rater.unit_id).exists():
        raise OutOfScope(f"rater {rater.pk} outside the user's units")
    return rater


# ---------------------------------------------------------------------------------------
# The board: raters and their state, the results, the matrix


@dataclass(frozen=True)
class Cell:
    """One cell of the matrix: the points, or ``own`` (本单位不评), or neither (not yet)."""

    points: float | None = None
    own: bool = False


@dataclass
class RaterRow:
    """One rater as the commission sees it, with its row of the matrix."""

    rater: CrossRater
    name: str
    is_leader: bool
    cells: list[Cell] = field(default_factory=list)
    link: str = ""  # the public link, filled by the commission's page

    @property
    def submitted(self) -> bool:
        return self.rater.submitted_at is not None


@dataclass(frozen=True)
class RatedResult:
    """A rated unit's result: how many raters gave it points, their mean, min and max."""

    unit: Unit
    count: int
    mean: float | None
    low: float | None
    high: float | None


@dataclass
class Board:
    """What the detail page, the results file and the close show of one evaluation,
    within the user's units: rated units (columns), raters (rows, missing ones first) and
    each rated unit's result."""

    evaluation: CrossEvaluation
    units: list[Unit]
    raters: list[RaterRow]
    results: list[RatedResult]

    @property
    def missing(self) -> list[RaterRow]:
        return [row for row in self.raters if not row.submitted]

    @property
    def submitted(self) -> list[RaterRow]:
        return [row for row in self.raters if row.submitted]


def _raters_seen(evaluation: CrossEvaluation, seen: QuerySet[Unit] | None) -> list[CrossRater]:
    raters = evaluation.raters.select_related("unit", "person").order_by("pk")
    if seen is not None:
        raters = raters.filter(Q(unit__isnull=True) | Q(unit__in=seen.values("pk")))
    return list(raters)


def board(evaluation: CrossEvaluation, *, user: Any | None = None) -> Board:
    """The evaluation's board as ``user`` sees it (``units_seen``: rated units and unit
    raters outside are left out; leaders are shown by name); ``user`` None: everything
    (the close). Unit raters come in tree order after the leaders; missing raters first."""
    seen = selectors.units_seen(user) if user is not None else None
    units = rated_units(evaluation)
    if seen is not None:
        visible = set(seen.filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
        units = [unit for unit in units if unit.pk in visible]
    raters = _raters_seen(evaluation, seen)
    held = post_units(r.person_id for r in raters if r.person_id)
    points: dict[tuple[int, int], float] = {
        (rater_id, rated_id): value
        for rater_id, rated_id, value in CrossRating.objects.filter(
            rater__evaluation=evaluation
        ).values_list("rater_id", "rated_id", "points")
    }
    rows = []
    for rater in raters:
        rater_unit = rater.unit if rater.unit_id else None
        mine = held.get(rater.person_id or 0, [])
        cells = [
            Cell(own=True)
            if is_own(rater_unit=rater_unit, held=mine, unit=unit)
            else Cell(points=points.get((rater.pk, unit.pk)))
            for unit in units
        ]
        rows.append(RaterRow(rater, str(rater), rater_unit is None, cells))
    # Missing raters first, then leaders before units, then the tree order.
    rows.sort(
        key=lambda row: (
            row.submitted,
            not row.is_leader,
            row.rater.unit.path if row.rater.unit_id else "",  # type: ignore[union-attr]
            row.rater.pk,
        )
    )
    # The results count every rater's points (also those of raters outside the user's
    # units): a unit's mean is the commission's one figure, whoever looks at it.
    results = []
    for unit in units:
        given = [value for (_rater, rated), value in points.items() if rated == unit.pk]
        results.append(
            RatedResult(
                unit=unit,
                count=len(given),
                mean=mean_points(given),
                low=min(given) if given else None,
                high=max(given) if given else None,
            )
        )
    return Board(evaluation=evaluation, units=units, raters=rows, results=results)


def candidate_rater_units(evaluation: CrossEvaluation, user: Any) -> QuerySet[Unit]:
    """Units ``user`` may add as raters: active, in the evaluation's region and the
    user's units, not raters yet."""
    existing = evaluation.raters.filter(unit__isnull=False).values("unit_id")
    return (
        Unit.objects.filter(pk__in=selectors.units_seen(user).values("pk"), active=True)
        .within(evaluation.region)
        .exclude(pk__in=existing)
        .select_related("category")
        .order_by("category__code", "path")
    )


def fed_leaf_label(evaluation: CrossEvaluation) -> str:
    """The leaf the evaluation feeds, in words ("" when it feeds none)."""
    leaf = feed.fed_leaf(evaluation)
    if leaf is None or evaluation.framework is None:
        return ""
    return f"{evaluation.framework.name} · {leaf.code} {leaf.name}"
