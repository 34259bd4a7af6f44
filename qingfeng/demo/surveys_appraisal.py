"""The demo county's democratic evaluation (民主测评, issue 16): the 2026 述责述廉 meeting of
two teams, 县教育局 and a town, 40 slips each, most cast (typed in from paper or on a
phone), a few left blank, still OPEN so the ``commission`` account can enter the last
slips and close it. It feeds LK's I1.1 (领导班子民主测评, direct, 20 points) for 2026H2:
the demo's own I1.1 records are half-yearly in Q2 and Q4 up to 2026Q2, so 2026H2 (dated
2026-12-31, in the open quarter 2026Q4) meets none of them. Bulk inserts: a few
hundredths of a second; the evaluation itself is started through ``appraisal_create``.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.framework.models import Framework
from qingfeng.org.models import Region, Unit
from qingfeng.surveys.models import Appraisal, AppraisalGrade, AppraisalSlip, SlipChannel
from qingfeng.surveys.selectors_appraisals import current_team
from qingfeng.surveys.services_appraisals import appraisal_create

CODE = "MZ-2026-SZSL"
NAME = "2026年度述责述廉民主测评"
PERIOD = "2026H2"
FRAMEWORK, LEAF = "LK", "I1.1"
MEETING = datetime.date(2026, 12, 3)
# The teams: the education bureau and the first town with at least four leaders.
TEAMS = ("县教育局",)
SLIPS, UNCAST, PHONE_SHARE = 40, 4, 0.3
# Most leaders are well regarded; one of each team less so (a realistic spread).
GRADE_WEIGHTS = {"good": (55, 38, 6, 1), "fair": (25, 50, 20, 5)}


def _teams(county: Region) -> list[Unit]:
    units = list(Unit.objects.filter(region=county, name__in=TEAMS, active=True))
    towns = Unit.objects.filter(region=county, active=True, category__code="township")
    town = next((u for u in towns.order_by("code") if len(current_team(u)) >= 4), None)
    return units + ([town] if town is not None else [])


def seed_appraisal(county: Region) -> int:
    """The democratic evaluation above in ``county`` (nothing when it lacks the teams
    or framework LK, or has it already); the number of slips cast."""
    if Appraisal.objects.filter(code=CODE).exists():
        return 0
    teams = [unit for unit in _teams(county) if current_team(unit)]
    framework = Framework.objects.filter(code=FRAMEWORK, region=county).first()
    if not teams or framework is None:
        return 0
    rng = random.Random(2026)
    commission = User.objects.filter(username="commission").first()
    # Started through the service, as the commission's form does (leaders from the
    # teams' current posts, coded slips); only the casting is written in bulk.
    appraisal = appraisal_create(
        actor=commission,
        code=CODE,
        name=NAME,
        region=county,
        period=PERIOD,
        meeting_date=MEETING,
        framework=framework,
        indicator_code=LEAF,
        units=teams,
        slips_per_unit=SLIPS,
    )
    subjects = list(appraisal.subjects.all())
    slips = list(appraisal.slips.order_by("pk"))
    meeting_end = timezone.make_aware(datetime.datetime.combine(MEETING, datetime.time(16, 0)))
    profile = {s.pk: "fair" if s.position == 3 else "good" for s in subjects}
    grades: list[AppraisalGrade] = []
    cast: list[AppraisalSlip] = []
    for unit in teams:
        of_team = [s for s in subjects if s.unit_id == unit.pk]
        for slip in [s for s in slips if s.unit_id == unit.pk][: SLIPS - UNCAST]:
            slip.channel = SlipChannel.PHONE if rng.random() < PHONE_SHARE else SlipChannel.PAPER
            slip.cast_at = meeting_end + datetime.timedelta(minutes=rng.randint(0, 90))
            cast.append(slip)
            for subject in of_team:
                weights = GRADE_WEIGHTS[profile[subject.pk]]
                grade = rng.choices(("excellent", "competent", "basic", "incompetent"), weights)
                grades.append(AppraisalGrade(slip=slip, subject=subject, grade=grade[0]))
    AppraisalSlip.objects.bulk_update(cast, ["channel", "cast_at"])
    AppraisalGrade.objects.bulk_create(grades)
    return len(cast)


def demo_appraisals_reset() -> None:
    """Delete every democratic evaluation (slips, grades and leaders with it) before the
    units, people and regions they refer to."""
    Appraisal.objects.all().delete()
