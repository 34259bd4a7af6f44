"""The democratic evaluations' test helpers: teams for units A1 (黎城县教育局: its
principal 王建国 and two deputies) and A2 (黎侯镇: a principal and a deputy), and an
appraisal of them made through the service."""

from __future__ import annotations

import datetime

from qingfeng.org.models import Person, PostRole, Unit
from qingfeng.org.services import person_save, post_start
from qingfeng.surveys.models import Appraisal, AppraisalSlip
from qingfeng.surveys.services_appraisals import appraisal_create, slip_cast
from tests.surveys.conftest import SurveyWorld


def add_teams(world: SurveyWorld) -> None:
    """A1's deputies 张丽 and 赵强 (after its principal 王建国), A2's principal 陈刚 and
    deputy 刘芳."""
    org = world.org
    for code, name, unit, role, title, start in [
        ("PA1-2", "张丽", org.unit_a1, PostRole.MEMBER, "副局长", datetime.date(2020, 1, 1)),
        ("PA1-3", "赵强", org.unit_a1, PostRole.MEMBER, "纪检组长", datetime.date(2022, 1, 1)),
        ("PA2-2", "刘芳", org.unit_a2, PostRole.MEMBER, "镇长", datetime.date(2021, 1, 1)),
        ("PA2-1", "陈刚", org.unit_a2, PostRole.PRINCIPAL, "镇党委书记", None),
    ]:
        person = person_save(person=Person(code=code, name=name))
        post_start(person=person, unit=unit, role=role, title=title, start=start)


def make_appraisal(
    world: SurveyWorld,
    *,
    units: list[Unit] | None = None,
    slips: int = 4,
    indicator_code: str = "A3",
    code: str = "MZ-2025",
) -> Appraisal:
    """An open appraisal of county A for 2025Q3 feeding LC's ``indicator_code``."""
    org = world.org
    return appraisal_create(
        actor=world.admin,
        code=code,
        name="2025年述责述廉民主测评",
        region=org.county_a,
        period="2025Q3",
        meeting_date=datetime.date(2025, 9, 20),
        framework=world.lc.framework if indicator_code else None,
        indicator_code=indicator_code,
        units=units if units is not None else [org.unit_a1, org.unit_a2],
        slips_per_unit=slips,
    )


def cast(slip: AppraisalSlip, *grades: str, channel: str = "paper") -> None:
    """Cast ``slip`` with ``grades`` for its team's leaders in their order."""
    subjects = list(slip.appraisal.subjects.filter(unit_id=slip.unit_id).order_by("position", "pk"))
    assert len(subjects) == len(grades)
    slip_cast(
        slip=slip, grades={s.pk: g for s, g in zip(subjects, grades, strict=True)}, channel=channel
    )


def slips_of(appraisal: Appraisal, unit: Unit) -> list[AppraisalSlip]:
    return list(appraisal.slips.filter(unit=unit).order_by("pk"))
