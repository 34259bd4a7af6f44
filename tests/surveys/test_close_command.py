"""``manage.py close_campaign CODE`` closes any instrument by its code: here a democratic
evaluation (the campaigns' own cases are in test_campaign_pages.py)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from qingfeng.records.models import Record
from qingfeng.surveys.models import Appraisal, CrossEvaluation, RunStatus
from qingfeng.surveys.services_cross import ratings_submit
from tests.surveys.appraisal_helpers import add_teams, cast, make_appraisal, slips_of
from tests.surveys.conftest import SurveyWorld
from tests.surveys.cross_helpers import cross_world, make_cross, rater_of


def test_it_closes_a_democratic_evaluation_by_its_code(survey_world: SurveyWorld) -> None:
    add_teams(survey_world)
    org = survey_world.org
    appraisal = make_appraisal(survey_world, units=[org.unit_a2])
    # A2's team: 陈刚 and 刘芳; two slips: 3 of 4 grades approve → 9.5 × 0.75.
    first, second = slips_of(appraisal, org.unit_a2)[:2]
    cast(first, "excellent", "competent")
    cast(second, "basic", "competent")
    out = io.StringIO()
    call_command("close_campaign", "MZ-2025", "--user", "admin_a", stdout=out)
    assert Appraisal.objects.get(pk=appraisal.pk).status == RunStatus.CLOSED
    record = Record.objects.get(indicator_code="A3", unit=org.unit_a2)
    assert record.points == pytest.approx(9.5 * 0.75)
    assert "2025年述责述廉民主测评" in out.getvalue()
    call_command("close_campaign", "MZ-2025", stdout=io.StringIO())
    assert Record.objects.filter(indicator_code="A3").count() == 1


def test_it_closes_a_cross_evaluation_by_its_code(survey_world: SurveyWorld) -> None:
    cw = cross_world(survey_world)
    evaluation = make_cross(cw, with_leaders=False)
    org = survey_world.org
    # 黎侯镇 gives the finance bureau 8, 东阳关镇 gives it 7: its record is 7.5 points.
    for name, points in (("黎侯镇", 8.0), ("东阳关镇", 7.0)):
        table = {org.unit_a1.pk: 6.0, org.unit_a1_sub.pk: 5.0, cw.finance.pk: points}
        ratings_submit(rater=rater_of(evaluation, name), points=table, actor=None)
    out = io.StringIO()
    call_command("close_campaign", "HP-2025Q3", "--user", "admin_a", stdout=out)
    assert CrossEvaluation.objects.get(pk=evaluation.pk).status == RunStatus.CLOSED
    record = Record.objects.get(indicator_code="A3", unit=cw.finance)
    assert record.points == pytest.approx(7.5)
    again = io.StringIO()
    call_command("close_campaign", "HP-2025Q3", stdout=again)
    # One record per rated unit, and the rerun added none.
    assert Record.objects.filter(indicator_code="A3").count() == 3
    assert "2025年第三季度镇街评部门" in again.getvalue()
