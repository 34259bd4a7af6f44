"""The sample contexts of the unit reports name exactly the keys their builders give
(recursively, through lists of dicts), and each kind's default template renders with
its sample (an uploaded template is checked that way) and with real data."""

from __future__ import annotations

from typing import Any

import pytest

from qingfeng.accounts.models import User
from qingfeng.documents.samples import REPORT_SAMPLES
from qingfeng.documents.samples_unit import UNIT_SAMPLES
from qingfeng.documents.selectors import template_bytes
from qingfeng.lib.documents import docx_text, render_docx
from qingfeng.org.models import Unit
from qingfeng.org.selectors import people_in_charge
from qingfeng.reports.kinds import kind_spec
from tests.demo_county import DemoCounty
from tests.reports.unit_helpers import subject

pytestmark = pytest.mark.django_db

KINDS = ["diagnosis", "feedback_unit", "feedback_leader"]


def shape(value: Any) -> Any:
    """The keys of a context, recursively: a dict's keys with their values' shapes; a
    list of dicts as the union of its items' shapes; anything else None."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        shapes = [shape(item) for item in value if isinstance(item, dict)]
        merged: dict[str, Any] = {}
        for one in shapes:
            merged.update(one)
        return merged or None
    return None


def test_the_kinds_are_sampled() -> None:
    assert set(UNIT_SAMPLES) == set(KINDS)


def combined(one: Any, other: Any) -> Any:
    """Two shapes as one: where one has a list's items and the other none, the items."""
    if isinstance(one, dict) and isinstance(other, dict):
        return {key: combined(one.get(key), other.get(key)) for key in one.keys() | other.keys()}
    return one if one is not None else other


@pytest.mark.parametrize("kind", KINDS)
def test_the_sample_keys_are_the_builders(kind: str, demo_county: DemoCounty) -> None:
    # 2026H1 (compared with 2025H2) and 2026Q3 (problems in the ledger) of a school; the
    # letters of an education bureau with its leader in charge: every list of the
    # contexts has items to compare.
    analyst = User.objects.get(username="analyst")
    if kind == "diagnosis":
        school = Unit.objects.get(name="县第一中学")
        contexts = [
            kind_spec(kind).build(subject=subject(school, period), user=analyst).context
            for period in ("2026H1", "2026Q3")
        ]
    else:
        unit = Unit.objects.get(name="县教育局")
        leader = people_in_charge(unit).get()
        built = kind_spec(kind).build(subject=subject(unit, "2026H1", person=leader), user=analyst)
        contexts = [built.context]
    found = shape(contexts[0])
    for context in contexts[1:]:
        found = combined(found, shape(context))
    lists = [key for key, value in UNIT_SAMPLES[kind].items() if isinstance(value, list)]
    assert all(found[key] is not None for key in lists if key not in ("facts",))
    assert found == shape(UNIT_SAMPLES[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_the_default_template_renders_its_sample(kind: str, db: None) -> None:
    text = docx_text(render_docx(template_bytes(kind), REPORT_SAMPLES[kind]))
    assert "县教育局" in text
    assert "违规吃喝和违规收送礼品礼金" in text
    assert "{{" not in text and "{%" not in text
