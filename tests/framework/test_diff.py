"""version_diff: what a new draft changed against the version it was copied from."""

from __future__ import annotations

import pytest

from qingfeng.accounts.models import User
from qingfeng.framework import services
from qingfeng.framework.diff import FieldChange, Move, NodeRef, version_diff
from qingfeng.framework.models import FrameworkVersion, Indicator
from tests.conftest import Org

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_it_shows_added_removed_changed_and_moved_indicators(
    org: Org, version: FrameworkVersion, admin_a: User
) -> None:
    services.version_publish(version=version, actor=admin_a)
    draft = services.version_copy(version=version, actor=admin_a)
    assert version_diff(version, draft).is_empty

    def node(code: str) -> Indicator:
        return Indicator.objects.get(version=draft, code=code)

    services.version_settings_save(
        version=draft,
        name=draft.name,
        year=2026,
        scale=1000,
        bands=draft.bands,
        components=draft.components,
        actor=admin_a,
    )
    changed = node("A1.1")
    changed.max = 15
    changed.rule = {"type": "deduct", "per": 3}
    changed.station = None
    services.indicator_save(indicator=changed, actor=admin_a)
    services.indicator_delete(indicator=node("A3"), actor=admin_a)
    services.indicator_save(
        indicator=Indicator(
            version=draft,
            code="A5",
            name="作风建设",
            max=5,
            parent=node("A"),
            position=99,
            rule={"type": "direct"},
        ),
        actor=admin_a,
    )
    services.indicator_move(indicator=node("A2"), parent=node("A"), position=0, actor=admin_a)
    services.indicator_move(indicator=node("A4"), parent=node("B"), position=1, actor=admin_a)

    diff = version_diff(version, draft)
    assert not diff.is_empty
    assert diff.settings_changes == [
        FieldChange("year", 2025, 2026),
        FieldChange("scale", 100, 1000),
    ]
    assert diff.added == [NodeRef("A5", "作风建设", "A")]
    assert diff.removed == [NodeRef("A3", "班子评价", "A")]
    assert diff.changed == {
        "A1.1": [
            FieldChange("max", 19.5, 15),
            FieldChange("station", "ST-A", None),
            FieldChange(
                "rule", {"type": "deduct", "per": 2, "cap": 20}, {"type": "deduct", "per": 3}
            ),
        ],
        "A4": [FieldChange("parent", "A", "B")],
    }
    # A2 went before A1 (one move, not two); A4 went under B.
    assert diff.moved == [
        Move("A2", "评优评先", "A", "A", 1, 0),
        Move("A4", "一票否决", "A", "B", 3, 1),
    ]
    field, old, new = diff.changed["A4"][0]
    assert (field, old, new) == ("parent", "A", "B")
    assert version_diff(draft, version).added == [NodeRef("A3", "班子评价", "A")]
