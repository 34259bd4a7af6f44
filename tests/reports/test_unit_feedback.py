"""The feedback letters (双反馈) of the demo county: the unit's result as the portrait
JSON says it, the leaves that lost the most points with their records, the unit's own
warnings; the letter to the leader only for a leader in charge of the unit now, and
neither for a unit out of the user's scope (issue 15)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.models import User
from qingfeng.dashboard.portrait import number
from qingfeng.lib.documents import docx_text
from qingfeng.lib.errors import NotFound
from qingfeng.org.models import InCharge, Person, Unit
from qingfeng.org.selectors import people_in_charge
from qingfeng.reports import unit_findings
from qingfeng.reports.diagnosis import build as build_diagnosis
from qingfeng.reports.feedback import build_unit
from tests.demo_county import DemoCounty
from tests.reports.unit_helpers import (
    chinese_band,
    make,
    paragraphs,
    portrait_json,
    subject,
    tables,
)

pytestmark = pytest.mark.django_db

BUREAU = "县教育局"


def test_the_letter_to_the_unit(demo_county: DemoCounty) -> None:
    bureau = Unit.objects.get(name=BUREAU)
    built, content = make("feedback_unit", bureau, "2026H1")
    assert built.title == "关于黎城县教育局2026年上半年政治生态评估情况的反馈"
    assert built.units == [bureau]
    data = portrait_json(bureau, "2026H1")
    text = docx_text(content)
    assert f"得{number(data['total'])}分" in text
    assert f"总排名第{data['rank']}位" in text
    assert f"处于{chinese_band(data['band'])}区间" in text
    assert f"{BUREAU}：" in paragraphs(content)
    assert "二、减分的主要原因" in paragraphs(content)
    # The leaves that lost the most points, at most five, as the diagnosis reads them.
    analyst = User.objects.get(username="analyst")
    diagnosis = build_diagnosis(subject=subject(bureau, "2026H1"), user=analyst)
    lost = tables(content)["失分指标"][1:]
    assert 0 < len(lost) <= unit_findings.FEEDBACK_LEAVES
    expected = diagnosis.context["lost"][: unit_findings.FEEDBACK_LEAVES]
    assert lost == [
        [leaf["name"], leaf["group"], leaf["max"], leaf["score"], leaf["lost"]] for leaf in expected
    ]
    assert [float(row[4]) for row in lost] == sorted((float(row[4]) for row in lost), reverse=True)
    # Each with its records.
    assert len(tables(content)["日期"]) == 1 + len(expected[0]["records"])
    # The warnings are the diagnosis's, i.e. the unit's own.
    assert tables(content).get("指标", [[]])[1:] == [
        [w["indicator"], w["score"], w["max"], w["band"]] for w in diagnosis.context["warnings"]
    ]


def test_the_letter_to_the_leader_in_charge(demo_county: DemoCounty) -> None:
    bureau = Unit.objects.get(name=BUREAU)
    leader = people_in_charge(bureau).get()
    built, content = make("feedback_leader", bureau, "2026H1", person=leader)
    assert leader.name in built.title
    text = docx_text(content)
    assert f"{leader.name}同志：" in paragraphs(content)
    assert f"现将你分管的{BUREAU}2026年上半年政治生态评估结果" in text
    assert "你作为该单位的分管领导" in text
    assert f"总排名第{portrait_json(bureau, '2026H1')['rank']}位" in text


def test_the_leader_letter_is_refused_for_someone_not_in_charge(demo_county: DemoCounty) -> None:
    bureau = Unit.objects.get(name=BUREAU)
    stranger = Person.objects.exclude(pk__in=people_in_charge(bureau)).first()
    assert stranger is not None
    with pytest.raises(ValidationError):
        make("feedback_leader", bureau, "2026H1", person=stranger)
    # Once no longer in charge, refused too.
    leader = people_in_charge(bureau).get()
    InCharge.objects.filter(unit=bureau, person=leader).delete()
    with pytest.raises(ValidationError):
        make("feedback_leader", bureau, "2026H1", person=leader)


def test_no_letter_for_a_unit_out_of_scope(demo_county: DemoCounty) -> None:
    liaison = User.objects.get(username="liaison")
    own = scope.visible_units(liaison).values_list("pk", flat=True)
    other = Unit.objects.exclude(pk__in=list(own)).get(name=BUREAU)
    with pytest.raises(NotFound):
        build_unit(subject=subject(other, "2026H1"), user=liaison)
    leader = people_in_charge(other).get()
    with pytest.raises(NotFound):
        make("feedback_leader", other, "2026H1", user="liaison", person=leader)


def test_a_hostile_leader_name_appears_as_written(demo_county: DemoCounty) -> None:
    bureau = Unit.objects.get(name=BUREAU)
    leader = people_in_charge(bureau).get()
    hostile = "{{ leader }}<w:t>&"
    Person.objects.filter(pk=leader.pk).update(name=hostile)
    leader.refresh_from_db()
    _built, content = make("feedback_leader", bureau, "2026H1", person=leader)
    assert f"{hostile}同志：" in paragraphs(content)
