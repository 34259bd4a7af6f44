"""The demo county's cross evaluation (互评, issue 16): "2026年第三季度镇街评部门".

The county's towns (category ``township``) rate its government departments (category
``government``), and so do two county leaders: the principals of 县委办公室 and
县政府办公室 (the latter's own office is left out of their table: the own-unit rule).
All raters but two towns have handed in their tables; the evaluation is OPEN and feeds
LK's I2.1 (县委县政府重点工作督查评价, direct, 25 points) for 2026Q3, so the commission
can close it in the demo. The demo already holds one I2.1 record per unit for 2026Q3
(``demo.records``): a close adds the cross evaluation's record beside it, and the leaf
then scores the mean of the two (DESIGN: several direct records in a period count by
their mean).

Written in bulk (a few hundred rows, each with its "created" history row)."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from qingfeng.accounts.models import User
from qingfeng.demo import CHANGE_REASON
from qingfeng.framework.models import Framework
from qingfeng.org.models import Post, PostRole, Region, Unit
from qingfeng.surveys.models import CrossEvaluation, CrossRater, CrossRating
from qingfeng.surveys.rules import new_token
from qingfeng.surveys.selectors_cross import own_unit_pks

CODE = "HP-2026-3"
NAME = "2026年第三季度镇街评部门"
PERIOD = "2026Q3"
FRAMEWORK = "LK"
LEAF = "I2.1"
FULL_POINTS = 25.0
# The offices whose principals rate as county leaders (区领导评价).
LEADER_UNITS = ("县委办公室", "县政府办公室")
MISSING_TOWNS = 2


def seed_cross(county: Region, *, seed: int = 2026) -> int:
    """The demo cross evaluation of ``county`` (see the module's docstring), when the
    county has towns, departments and the framework LK; returns the ratings made."""
    towns = list(Unit.objects.filter(region=county, category__code="township", active=True))
    departments = list(
        Unit.objects.filter(region=county, category__code="government", active=True).order_by(
            "path"
        )
    )
    framework = Framework.objects.filter(code=FRAMEWORK, region=county).first()
    if not towns or not departments or framework is None:
        return 0
    leaders = [
        post.person
        for post in Post.objects.filter(
            unit__region=county,
            unit__name__in=LEADER_UNITS,
            role=PostRole.PRINCIPAL,
            end__isnull=True,
        )
        .select_related("person")
        .order_by("unit__code")
    ]
    evaluation = CrossEvaluation.objects.create(
        code=CODE,
        name=NAME,
        region=county,
        period=PERIOD,
        framework=framework,
        indicator_code=LEAF,
        full_points=FULL_POINTS,
        created_by=User.objects.filter(username="commission").first(),
    )
    evaluation.rated.set(departments)
    raters = [CrossRater(evaluation=evaluation, unit=town, token=new_token()) for town in towns]
    raters += [CrossRater(evaluation=evaluation, person=p, token=new_token()) for p in leaders]
    rng = random.Random(f"{seed}-cross-{county.code}")
    missing = set(rng.sample(range(len(towns)), min(MISSING_TOWNS, len(towns))))
    handed_in = timezone.make_aware(datetime.datetime(2026, 10, 9, 16, 0))
    for index, rater in enumerate(raters):
        if index not in missing:
            rater.submitted_at = handed_in + datetime.timedelta(minutes=37 * index)
    raters = CrossRater.objects.bulk_create(raters)  # a rater keeps no history of its own
    # Each department has a standing the raters roughly agree on, plus each one's view.
    standing = {unit.pk: rng.uniform(17.5, 23.5) for unit in departments}
    ratings = []
    for rater in raters:
        if rater.submitted_at is None:
            continue
        own = own_unit_pks(rater, departments)
        for unit in departments:
            if unit.pk in own:
                continue
            points = min(FULL_POINTS, max(0.0, standing[unit.pk] + rng.gauss(0.0, 1.5)))
            ratings.append(CrossRating(rater=rater, rated=unit, points=round(points * 2) / 2))
    bulk_create_with_history(ratings, CrossRating, default_change_reason=CHANGE_REASON)
    return len(ratings)


def reset_cross() -> None:
    """Delete every cross evaluation (its raters and ratings with it, each deletion in the
    history) before the units, people, frameworks and users they refer to."""
    CrossEvaluation.objects.all().delete()
