"""Writes of the cross evaluations (互评): create one, add and remove raters while it is
open, store a rater's table (from its public page, or typed in by a clerk from paper),
and close it into the scores.

Every check is here, so the pages, the clerk's entry and a crafted POST meet the same
rules: a rater rates exactly the rated units that are not its own
(``selectors_cross.own_unit_pks``), each with a finite number from 0 to the full points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingfeng.accounts.selectors import visible_people
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.history import stamp
from qingfeng.lib.numbers import NumberError, parse_number
from qingfeng.lib.periods import Period
from qingfeng.org.models import Person, Region, Unit
from qingfeng.surveys import feed, rules, selectors
from qingfeng.surveys.models import CrossEvaluation, CrossRater, CrossRating, RunStatus
from qingfeng.surveys.selectors_cross import own_unit_pks, post_units, rated_units

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


def _check_units(units: Iterable[Unit], *, region: Region, field: str) -> list[Unit]:
    """``units`` if each is active and inside ``region``; ValidationError at ``field``."""
    units = list(units)
    problems = [
        _("%(unit)s is not an active unit of %(region)s.")
        % {"unit": unit.name, "region": region.name}
        for unit in units
        if not unit.active or not unit.is_within(region)
    ]
    if problems:
        raise ValidationError({field: problems})
    return units


def _leaf_points(
    *, framework: Framework | None, indicator_code: str, period: str, actor: User
) -> float:
    """The full points of the evaluation: the fed leaf's maximum (a direct leaf of the
    framework's version in force for ``period``), 100 without a leaf."""
    if framework is None:
        return 100.0
    if not visible_frameworks(actor).filter(pk=framework.pk).exists():
        raise ValidationError({"leaf": _("Choose an indicator framework you can use.")})
    leaves = feed.feedable_leaves(framework=framework, period=period, instrument=CrossEvaluation)
    leaf = next((leaf for leaf in leaves if leaf.code == indicator_code), None)
    if leaf is None:
        raise ValidationError(
            {
                "leaf": _(
                    "%(code)s is not a direct-points leaf of %(framework)s in force for this "
                    "period."
                )
                % {"code": indicator_code or "—", "framework": framework.name}
            }
        )
    return float(leaf.max)


@transaction.atomic
def cross_create(
    *,
    actor: User,
    code: str,
    name: str,
    region: Region,
    period: str,
    framework: Framework | None = None,
    indicator_code: str = "",
    rated_units: Iterable[Unit],
    rater_units: Iterable[Unit] = (),
    rater_people: Iterable[Person] = (),
) -> CrossEvaluation:
    """Create an open cross evaluation of ``region`` for ``period``: ``rated_units`` get
    points from ``rater_units`` and ``rater_people`` (each rater gets its link token).
    With ``framework`` it feeds the direct leaf ``indicator_code`` when it closes, and
    the full points are that leaf's maximum (else 100). ValidationError (nothing made)
    when the actor does not run the region's surveys, a unit is inactive or outside the
    region, the leaf is not a direct leaf in force, there is no rater, or a rater would
    have nothing to rate."""
    if not selectors.managed_regions(actor).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("You do not run the surveys of this region.")})
    try:
        Period.parse(period)
    except ValueError as error:
        raise ValidationError(
            {"period": _("Choose the period the evaluation measures.")}
        ) from error
    if CrossEvaluation.objects.filter(code=code).exists():
        raise ValidationError({"code": _("This cross evaluation code is already used.")})
    rated = _check_units(rated_units, region=region, field="rated_units")
    if not rated:
        raise ValidationError({"rated_units": _("Choose the units to be rated.")})
    raters = _check_units(rater_units, region=region, field="rater_units")
    people = list(rater_people)
    seen_people = set(
        visible_people(actor).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
    )
    if any(person.pk not in seen_people for person in people):
        raise ValidationError({"rater_people": _("Choose leaders you can see.")})
    if not raters and not people:
        raise ValidationError({"rater_units": _("Choose at least one rater unit or leader.")})
    if framework is not None and any(not unit.is_within(framework.region) for unit in rated):
        raise ValidationError(
            {"leaf": _("The rated units must be assessed by the chosen framework.")}
        )
    full = _leaf_points(
        framework=framework, indicator_code=indicator_code, period=period, actor=actor
    )
    evaluation = CrossEvaluation(
        code=code,
        name=name,
        region=region,
        period=period,
        framework=framework,
        indicator_code=indicator_code if framework is not None else "",
        full_points=full,
        created_by=actor,
    )
    evaluation.full_clean(exclude=["rated"])
    stamp(evaluation, actor)
    evaluation.save()
    evaluation.rated.set(rated)
    for unit in raters:
        _rater_add(evaluation, unit=unit, person=None, rated=rated)
    for person in people:
        _rater_add(evaluation, unit=None, person=person, rated=rated)
    return evaluation


def _rater_add(
    evaluation: CrossEvaluation, *, unit: Unit | None, person: Person | None, rated: list[Unit]
) -> CrossRater:
    rater = CrossRater(evaluation=evaluation, unit=unit, person=person, token=rules.new_token())
    held = post_units([person.pk]).get(person.pk, []) if person is not None else []
    if len(own_unit_pks(rater, rated, held=held)) == len(rated):
        raise ValidationError(
            {
                "rater_units" if unit else "rater_people": _(
                    "%(rater)s has no unit to rate: every rated unit is its own."
                )
                % {"rater": unit.name if unit else person.name}  # type: ignore[union-attr]
            }
        )
    try:
        with transaction.atomic():
            rater.save()
    except IntegrityError as error:
        raise ValidationError(_("%(rater)s rates already.") % {"rater": rater}) from error
    return rater


def _locked_open(evaluation: CrossEvaluation) -> CrossEvaluation:
    """The evaluation's row, locked until the transaction ends; ValidationError when it is
    closed (a close and a table handed in never cross)."""
    locked = CrossEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if locked.status != RunStatus.OPEN:
        raise ValidationError(_("This evaluation is closed."))
    return locked


@transaction.atomic
def cross_rater_add(
    *,
    evaluation: CrossEvaluation,
    actor: User,
    unit: Unit | None = None,
    person: Person | None = None,
) -> CrossRater:
    """Add a rater unit or leader to an open evaluation, with a new link token."""
    evaluation = _locked_open(evaluation)
    if (unit is None) == (person is None):
        raise ValidationError(_("Choose a rater unit or a leader."))
    if unit is not None:
        _check_units([unit], region=evaluation.region, field="unit")
    if person is not None and not visible_people(actor).filter(pk=person.pk).exists():
        raise ValidationError(_("Choose leaders you can see."))
    return _rater_add(evaluation, unit=unit, person=person, rated=rated_units(evaluation))


@transaction.atomic
def cross_rater_remove(*, rater: CrossRater, actor: User) -> None:
    """Remove a rater (and the table it handed in) from an open evaluation; its link
    answers 404 from now on. The history keeps the deleted ratings."""
    _locked_open(rater.evaluation)
    for rating in rater.ratings.all():
        stamp(rating, actor)
        rating.delete()
    stamp(rater, actor)
    rater.delete()


def _points_problems(
    raw: Mapping[int, Any], *, allowed: list[Unit], own: set[int], full: float
) -> tuple[dict[int, float], dict[str, list[str]]]:
    """The parsed points by unit and the problems by field (``u<pk>`` or ``__all__``)."""
    values: dict[int, float] = {}
    problems: dict[str, list[str]] = {}
    allowed_pks = {unit.pk for unit in allowed}
    for pk in raw:
        if pk in own:
            problems.setdefault("__all__", []).append(_("A rater does not rate its own unit."))
        elif pk not in allowed_pks:
            problems.setdefault("__all__", []).append(_("This unit is not rated here."))
    for unit in allowed:
        value = raw.get(unit.pk)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems[f"u{unit.pk}"] = [_("Give %(unit)s its points.") % {"unit": unit.name}]
            continue
        try:
            number = parse_number(value)
        except NumberError as error:
            problems[f"u{unit.pk}"] = [str(error)]
            continue
        assert number is not None
        if not 0 <= number <= full:
            problems[f"u{unit.pk}"] = [
                _("%(unit)s: the points run from 0 to %(full)s.")
                % {"unit": unit.name, "full": f"{full:g}"}
            ]
            continue
        values[unit.pk] = number
    return values, problems


@transaction.atomic
def ratings_submit(
    *, rater: CrossRater, points: Mapping[int, Any], actor: User | None = None
) -> int:
    """Store ``rater``'s table: ``points`` maps each rated unit pk it rates to its
    points (a number or its text). Every unit the rater rates must get a finite number
    from 0 to the full points; an own unit or a unit not rated is refused; the evaluation
    must be open. Handing the table in again corrects it (each change in the history).
    ``actor``: the clerk typing in a paper table (None on the public page). Returns the
    ratings changed. ValidationError (by field ``u<pk>``), nothing stored, otherwise."""
    evaluation = _locked_open(rater.evaluation)
    rater = (
        CrossRater.objects.select_for_update(of=("self",))
        .select_related("unit", "person")
        .get(pk=rater.pk)
    )
    rated = rated_units(evaluation)
    own = own_unit_pks(rater, rated)
    allowed = [unit for unit in rated if unit.pk not in own]
    values, problems = _points_problems(
        points, allowed=allowed, own=own, full=evaluation.full_points
    )
    if problems:
        raise ValidationError(problems)
    existing = {rating.rated_id: rating for rating in rater.ratings.all()}
    changed = 0
    for pk, value in values.items():
        rating = existing.get(pk)
        if rating is not None and rating.points == value:
            continue
        rating = rating or CrossRating(rater=rater, rated_id=pk)
        rating.points = value
        stamp(rating, actor)
        rating.save()
        changed += 1
    rater.submitted_at = timezone.now()
    stamp(rater, actor)
    rater.save(update_fields=["submitted_at"])
    return changed


def _note(evaluation: CrossEvaluation, *, units: int, leaders: int, mean: float) -> str:
    """The record's note, in the platform's language: 2026年第三季度镇街评部门：12个评价
    单位，平均82.5分 (leaders counted apart when there are some)."""
    with translation.override(settings.LANGUAGE_CODE):
        if leaders:
            return _(
                "%(name)s: rated by %(units)d units and %(leaders)d leaders, mean %(mean)s points"
            ) % {"name": evaluation.name, "units": units, "leaders": leaders, "mean": f"{mean:g}"}
        return _("%(name)s: rated by %(units)d units, mean %(mean)s points") % {
            "name": evaluation.name,
            "units": units,
            "mean": f"{mean:g}",
        }


def cross_close(*, evaluation: CrossEvaluation, actor: User | None) -> feed.FeedResult:
    """Close ``evaluation`` in one transaction: each rated unit with points gets its mean
    points (``rules.mean_points``) as one record on the fed leaf (``feed.instrument_feed``),
    then the status is CLOSED; its links answer 404 from then on. A closed evaluation is
    left as it is (a rerun adds nothing). ValidationError, nothing changed, when the
    period's collection is closed or the leaf cannot be fed."""
    with transaction.atomic():
        locked = CrossEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if locked.status != RunStatus.OPEN:
            return feed.FeedResult()
        given: dict[int, list[float]] = {}
        by_units: dict[int, int] = {}  # how many of them are unit raters (not leaders)
        for rated_id, value, unit_id in CrossRating.objects.filter(
            rater__evaluation=locked
        ).values_list("rated_id", "points", "rater__unit_id"):
            given.setdefault(rated_id, []).append(value)
            by_units[rated_id] = by_units.get(rated_id, 0) + (unit_id is not None)
        values = {}
        for pk, points in given.items():
            mean = rules.mean_points(points)
            assert mean is not None
            units = by_units[pk]
            note = _note(locked, units=units, leaders=len(points) - units, mean=mean)
            values[pk] = feed.FedValue(mean, note)
        result = feed.instrument_feed(instrument=locked, values=values, actor=actor)
        locked.status = RunStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        stamp(locked, actor)
        locked.save()
    evaluation.refresh_from_db()
    return result
