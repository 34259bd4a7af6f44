"""The cross evaluations' test world, on top of ``survey_world``: in county A a second
town (东阳关镇) and a second department (黎城县财政局), a leader holding a post in the
education bureau (王建国, the world's person A1) and one only in charge of the finance
bureau (分管). The evaluation rates the education bureau, its school (A1-1) and the
finance bureau, on LC's direct leaf A3 (max 9.5) for 2025Q3."""

from __future__ import annotations

from dataclasses import dataclass

from qingfeng.org import services as org_services
from qingfeng.org.models import Person, Unit
from qingfeng.surveys.models import CrossEvaluation, CrossRater
from qingfeng.surveys.services_cross import cross_create
from tests.surveys.conftest import SurveyWorld


@dataclass
class CrossWorld:
    world: SurveyWorld
    town2: Unit  # 东阳关镇 (township)
    finance: Unit  # 黎城县财政局 (government)
    in_charge: Person  # 赵副县长: in charge of the finance bureau, no post there


def cross_world(world: SurveyWorld) -> CrossWorld:
    """The units and leaders above, added to ``world``."""
    org = world.org
    town2 = org_services.unit_save(
        unit=Unit(code="A5", name="东阳关镇", category=org.township, region=org.county_a)
    )
    finance = org_services.unit_save(
        unit=Unit(code="A6", name="黎城县财政局", category=org.category, region=org.county_a)
    )
    leader = org_services.person_save(person=Person(code="PA9", name="赵副县长"))
    org_services.in_charge_add(unit=finance, person=leader, title="副县长")
    return CrossWorld(world=world, town2=town2, finance=finance, in_charge=leader)


def make_cross(
    cw: CrossWorld,
    *,
    code: str = "HP-2025Q3",
    indicator_code: str = "A3",
    with_leaders: bool = True,
    rater_units: list[Unit] | None = None,
) -> CrossEvaluation:
    """An open cross evaluation of county A: the two towns and the school (A1-1) rate the
    education bureau (A1), the school and the finance bureau; with the leaders 王建国
    (post in A1) and 赵副县长 (in charge of the finance bureau)."""
    world, org = cw.world, cw.world.org
    return cross_create(
        actor=world.admin,
        code=code,
        name="2025年第三季度镇街评部门",
        region=org.county_a,
        period="2025Q3",
        framework=world.lc.framework if indicator_code else None,
        indicator_code=indicator_code,
        rated_units=[org.unit_a1, org.unit_a1_sub, cw.finance],
        rater_units=rater_units
        if rater_units is not None
        else [org.unit_a2, cw.town2, org.unit_a1_sub],
        rater_people=[org.person_a1, cw.in_charge] if with_leaders else [],
    )


def rater_of(evaluation: CrossEvaluation, name: str) -> CrossRater:
    """The rater named ``name`` (a unit's or a leader's)."""
    return next(rater for rater in evaluation.raters.all() if str(rater) == name)
