"""``manage.py close_campaign CODE`` closes any instrument by its code: here a democratic
evaluation (the campaigns' own cases are in test_campaign_pages.py)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from qingfeng.records.models import Record
from qingfeng.surveys.models import Appraisal, RunStatus
from tests.surveys.appraisal_helpers import add_teams, cast, make_appraisal, slips_of
from tests.surveys.conftest import SurveyWorld


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
