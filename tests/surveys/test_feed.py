"""Closing an instrument writes its values through the records' feed writer
(``qingfeng.surveys.feed``): one record per unit, a rerun adds nothing, a closed
collection period refuses with nothing written."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qingfeng.records.models import CollectionPeriod, Record, RecordStatus
from qingfeng.records.periods import period_close, period_open
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.selectors import node_codes
from qingfeng.surveys.feed import FedValue, appraisal_value, feedable_leaves, instrument_feed
from qingfeng.surveys.models import Appraisal, Campaign
from tests.surveys.conftest import SurveyWorld, make_campaign


def test_it_writes_one_record_per_unit_and_a_rerun_adds_nothing(survey_world: SurveyWorld) -> None:
    org = survey_world.org
    campaign = make_campaign(survey_world, units=[org.unit_a1, org.unit_a2])
    values = {
        org.unit_a1.pk: FedValue(82.5, "问卷调查，有效问卷12份"),
        org.unit_a2.pk: FedValue(60.0, "问卷调查，有效问卷16份"),
    }
    first = instrument_feed(instrument=campaign, values=values, actor=survey_world.admin)
    again = instrument_feed(instrument=campaign, values=values, actor=survey_world.admin)
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    records = Record.objects.filter(indicator_code="001").order_by("unit__code")
    assert [(r.unit.code, r.value, r.date, r.status) for r in records] == [
        ("A1", 82.5, datetime.date(2025, 9, 30), RecordStatus.APPROVED),
        ("A2", 60.0, datetime.date(2025, 9, 30), RecordStatus.APPROVED),
    ]
    assert all(r.external_id.startswith("survey:SV-2025Q3:") for r in records)
    # The scores of the quarter were recomputed with them: 001 is 40 × 60 % for A2.
    snapshot = Snapshot.objects.get(unit=org.unit_a2, period="2025Q3")
    assert record_ids_of(snapshot) >= {r.pk for r in records if r.unit == org.unit_a2}
    assert snapshot.node_results(node_codes(survey_world.lc))["001"][0] == pytest.approx(24.0)


def record_ids_of(snapshot: Snapshot) -> set[int]:
    return set(snapshot.record_ids)


def test_it_refuses_a_closed_collection_period_and_writes_nothing(
    survey_world: SurveyWorld,
) -> None:
    org = survey_world.org
    framework = survey_world.lc.framework
    period_open(framework=framework, period="2025Q3", actor=None)
    period_close(
        collection=CollectionPeriod.objects.get(framework=framework, period="2025Q3"), actor=None
    )
    campaign = make_campaign(survey_world, units=[org.unit_a2])
    with translation.override("zh-hans"), pytest.raises(ValidationError, match="采集已关闭"):
        instrument_feed(
            instrument=campaign,
            values={org.unit_a2.pk: FedValue(70.0, "问卷调查")},
            actor=survey_world.admin,
        )
    assert not Record.objects.exists()


def test_it_offers_the_leaves_an_instrument_may_feed(survey_world: SurveyWorld) -> None:
    framework = survey_world.lc.framework
    codes = {
        kind: [
            leaf.code
            for leaf in feedable_leaves(framework=framework, period="2025Q3", instrument=kind)
        ]
        for kind in (Campaign, Appraisal)
    }
    assert codes == {Campaign: ["001"], Appraisal: ["A1.2", "A3"]}


def test_it_turns_an_approval_share_into_the_leaf_value(survey_world: SurveyWorld) -> None:
    leaves = {
        leaf.code: leaf
        for leaf in feedable_leaves(
            framework=survey_world.lc.framework, period="2025Q3", instrument=Appraisal
        )
    }
    # A direct leaf of 9.5 points: 9.5 × 18/20; a rate leaf whose scale is not in percent
    # (full_at ≤ 1) takes the fraction, as the records feeds write it.
    assert appraisal_value(leaves["A3"], approving=18, total=20) == pytest.approx(8.55)
    assert appraisal_value(leaves["A1.2"], approving=18, total=20) == pytest.approx(0.9)
