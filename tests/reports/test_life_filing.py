"""The filing list (组织部备案名单): its keys are the sample's, it lists exactly the units
with an active warning of the period in the register (the region's, in the user's
scope), the leaders of those units, and reads as a Chinese document."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db.models import Q

from qingfeng.documents.selectors import sample_context
from qingfeng.documents.services import template_problems
from qingfeng.lib.documents import docx_text
from qingfeng.monitoring.models import Warning, WarningKind, WarningState
from qingfeng.org.models import Unit
from qingfeng.reports import filing
from qingfeng.reports.kinds import KINDS
from qingfeng.reports.services import common_context, render_report
from tests.reports.life_fixtures import PERIOD, Life, life

pytestmark = pytest.mark.django_db
__all__ = ["life"]


def keys(value: Any) -> Any:
    """The key structure of a context: dicts by their keys, lists by their first item."""
    if isinstance(value, dict):
        return {key: keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [keys(value[0])] if value else []
    return None


def test_the_sample_has_exactly_the_keys_the_builder_makes(life: Life) -> None:
    built = KINDS["filing"].build(subject=life.subject(), user=life.analyst)
    context = {
        **built.context,
        **common_context(subject=life.subject(), built=built, analyst_text="x"),
    }
    assert built.context["units"] and built.context["leaders"]
    assert keys(context) == keys(sample_context("filing"))


def test_the_default_template_renders_with_its_sample() -> None:
    from qingfeng.documents.selectors import default_template

    assert (
        template_problems(name="filing.docx", data=default_template("filing"), kind="filing") == []
    )


def test_the_listed_units_are_exactly_those_with_warnings(life: Life) -> None:
    org = life.org
    active = Warning.objects.filter(
        framework=life.scored.framework,
        period=PERIOD,
        state=WarningState.ACTIVE,
        unit__region=org.county_a,
    )
    # A warning on the unit as a whole (its total, a call-in) or a veto lists it.
    whole = active.filter(Q(node_code="") | Q(kind=WarningKind.VETO))
    warned = set(whole.values_list("unit__name", flat=True))
    assert warned and org.unit_b1.name not in warned
    # A warning on one indicator alone does not: A2's total warnings are cleared.
    assert active.filter(unit=org.unit_a2).exclude(node_code="").exists()
    built = filing.build(subject=life.subject(), user=life.analyst)
    assert {row["name"] for row in built.context["units"]} == warned
    assert built.context["unit_count"] == len(warned)
    assert built.units == []  # sent to the organisation department, not to the units
    # A warning cleared no longer lists its unit, nor do its indicators' warnings.
    whole.filter(unit=org.unit_a2).update(state=WarningState.CLEARED)
    again = filing.build(subject=life.subject(), user=life.analyst)
    assert {row["name"] for row in again.context["units"]} == warned - {org.unit_a2.name}


def test_a_unit_outside_the_users_scope_is_not_listed(life: Life) -> None:
    from qingfeng.accounts.roles import Role
    from tests.conftest import make_user

    # An analyst of unit A2 alone (a unit scope) sees A2's warnings only.
    narrow = make_user("narrow", Role.ANALYST, unit=life.org.unit_a2)
    built = filing.build(subject=life.subject(), user=narrow)
    assert {row["name"] for row in built.context["units"]} == {life.org.unit_a2.name}


def test_leaders_are_the_principal_and_the_leaders_in_charge_each_once(life: Life) -> None:
    built = filing.build(subject=life.subject(), user=life.analyst)
    leaders = built.context["leaders"]
    # 王建国 is A1's principal and in charge of A2: one row naming both units.
    (wang,) = [row for row in leaders if row["name"] == "王建国"]
    assert "党组书记、局长" in wang["post"] and "副县长" in wang["post"]
    assert wang["unit"] == "黎城县教育局、黎侯镇"
    assert "黎城县教育局主要负责人，该单位总分" in wang["why"] and "黎侯镇分管领导" in wang["why"]
    assert built.context["leader_count"] == len(leaders) == 1


def test_the_document_is_chinese_and_holds_the_register(life: Life) -> None:
    built, content = render_report(
        kind="filing", subject=life.subject(), user=life.analyst, analyst_text="请参考使用。"
    )
    text = docx_text(content)
    assert "中共黎城县委组织部" in text and "2025年第一季度" in text
    assert "红色预警" in text or "黄色预警" in text or "蓝色预警" in text
    assert "尚未处置" in text and "请参考使用。" in text
    assert not re.search(r"[A-Za-z]{3,}", text.replace(built.title, "")), text


def test_a_hostile_unit_name_stays_text(life: Life) -> None:
    Unit.objects.filter(pk=life.org.unit_a1.pk).update(name="<w:t>{{ issuer }}</w:t>&")
    _built, content = render_report(kind="filing", subject=life.subject(), user=life.analyst)
    assert "<w:t>{{ issuer }}</w:t>&" in docx_text(content)
