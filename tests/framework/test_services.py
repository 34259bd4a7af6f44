"""Framework services: publishing, copying, and editing drafts without breaking them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from qingfeng.accounts.models import User
from qingfeng.framework import services
from qingfeng.framework.checks import sum_warnings, version_problems
from qingfeng.framework.interchange import version_to_spec
from qingfeng.framework.models import FrameworkVersion, Indicator, VersionStatus
from qingfeng.framework.selectors import ordered_indicators
from tests.conftest import Org
from tests.framework.conftest import CODES, base_spec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FROZEN = "published versions cannot change; copy it into a new draft"


def get(version: FrameworkVersion, code: str) -> Indicator:
    return Indicator.objects.get(version=version, code=code)


def tree(version: FrameworkVersion) -> list[tuple[str, str | None, int]]:
    nodes = ordered_indicators(version)
    codes = {n.pk: n.code for n in nodes}
    return [(n.code, codes.get(n.parent_id or 0), n.position) for n in nodes]


def test_it_publishes_and_archives_the_published_version_of_the_same_year(
    org: Org, version: FrameworkVersion, admin_a: User
) -> None:
    services.version_publish(version=version, actor=admin_a)
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert version.published_by == admin_a and version.published_at is not None
    assert version.history.first().history_user == admin_a  # type: ignore[attr-defined]

    other_year = services.version_copy(version=version, actor=admin_a)
    services.version_settings_save(
        version=other_year,
        name="2026 版",
        year=2026,
        scale=100,
        bands=version.bands,
        components=version.components,
        actor=admin_a,
    )
    services.version_publish(version=other_year, actor=admin_a)
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED  # another year: still in force for 2025

    same_year = services.version_copy(version=version, actor=admin_a)
    assert (same_year.number, same_year.status, same_year.based_on) == (
        3,
        VersionStatus.DRAFT,
        version,
    )
    services.version_publish(version=same_year, actor=admin_a)
    version.refresh_from_db()
    other_year.refresh_from_db()
    assert version.status == VersionStatus.ARCHIVED
    assert other_year.status == VersionStatus.PUBLISHED

    services.version_archive(version=other_year, actor=admin_a)
    other_year.refresh_from_db()
    assert other_year.status == VersionStatus.ARCHIVED
    with pytest.raises(ValidationError, match="only a published version can be archived"):
        services.version_archive(version=other_year, actor=admin_a)


def test_it_refuses_to_publish_an_invalid_draft_naming_every_problem(
    org: Org, version: FrameworkVersion
) -> None:
    components = [*version.components, {"code": "evaluation", "name": "综合评价", "weight": 0.1}]
    with pytest.raises(ValidationError) as error:
        services.version_settings_save(
            version=version,
            name="x",
            year=2025,
            scale=90,
            bands=[],
            components=components,
            actor=None,
        )
    assert error.value.message_dict == {
        "scale": ['scale: the scale must be 100 or 1000, not "90"'],
        "components": ["components: weights not summing to 1: they sum to 1.1"],
    }
    version.refresh_from_db()
    assert (version.name, version.scale) == ("黎城县政治生态评估指标体系", 100)
    # Valid settings whose consequences for the indicators are left for later edits.
    services.version_settings_save(
        version=version, name="x", year=2025, scale=100, bands=[], components=[], actor=None
    )
    with pytest.raises(ValidationError) as error:
        services.version_publish(version=version, actor=None)
    assert error.value.messages == [
        'indicators A, field component: unknown component "daily": the framework has no components',
        'indicators B, field component: unknown component "survey": the framework has no '
        "components",
    ]
    a = get(version, "A")
    a.component = ""
    services.indicator_save(indicator=a, actor=None)
    b = get(version, "B")
    b.component = ""
    services.indicator_save(indicator=b, actor=None)
    services.version_publish(version=version, actor=None)
    assert version.status == VersionStatus.PUBLISHED


def test_it_refuses_every_write_to_a_published_version(
    org: Org, version: FrameworkVersion, admin_a: User
) -> None:
    services.version_publish(version=version, actor=admin_a)
    before = version_to_spec(version)
    node = get(version, "A3")
    node.name = "changed"
    new = Indicator(version=version, code="A9", name="新", max=1, rule={"type": "direct"})
    writes = [
        lambda: services.indicator_save(indicator=node, actor=admin_a),
        lambda: services.indicator_save(indicator=new, actor=admin_a),
        lambda: services.indicator_move(indicator=node, parent=None, position=0, actor=admin_a),
        lambda: services.indicator_delete(indicator=node, actor=admin_a),
        lambda: services.version_settings_save(
            version=version,
            name="x",
            year=2025,
            scale=100,
            bands=[],
            components=[],
            actor=admin_a,
        ),
        lambda: services.version_publish(version=version, actor=admin_a),
        lambda: services.version_replace(version=version, spec=base_spec(), actor=admin_a),
    ]
    for write in writes:
        with pytest.raises(ValidationError) as error:
            write()
        assert error.value.messages == [FROZEN]
    assert version_to_spec(version) == before


def test_children_may_exceed_their_parent_while_drafting_but_not_when_publishing(
    org: Org, version: FrameworkVersion, admin_a: User
) -> None:
    """Edits in any order: raising a child before its parent is saved (with a warning);
    publishing refuses the excess until the parent is raised too."""
    node = get(version, "A1.1")
    node.max = 25
    services.indicator_save(indicator=node, actor=admin_a)
    assert get(version, "A1.1").max == 25
    # Per unit category: townships (A1.2 applies to them only) exceed, governments don't.
    (warning,) = [w for w in sum_warnings(version=version) if w.code == "A1" and w.excess]
    assert (warning.total, warning.expected, warning.categories) == (35.5, 30, ("镇街",))
    assert str(warning) == (
        "A1 廉洁从政: for units of 镇街 its children add up to 35.5 points, not its 30."
    )
    with pytest.raises(ValidationError) as error:
        services.version_publish(version=version, actor=admin_a)
    assert (
        "indicators A > A1, field max: the children's points add up to 35.5, more than "
        "this indicator's 30"
    ) in error.value.messages
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    parent = get(version, "A1")
    parent.max = 35.5
    services.indicator_save(indicator=parent, actor=admin_a)
    assert not [w for w in sum_warnings(version=version) if w.code == "A1" and w.excess]
    assert not [p for p in version_problems(version=version) if "A1, field max" in str(p)]


def test_it_refuses_duplicate_codes_and_bad_rules_on_save(
    org: Org, version: FrameworkVersion
) -> None:
    node = get(version, "A3")
    node.code = "A1"
    with pytest.raises(ValidationError) as error:
        services.indicator_save(indicator=node, actor=None)
    assert error.value.message_dict == {
        "code": ['duplicate code "A1": another indicator of this version has it']
    }
    node = get(version, "A3")
    node.rule = {"type": "rate", "zero_at": 1}
    with pytest.raises(ValidationError) as error:
        services.indicator_save(indicator=node, actor=None)
    assert error.value.message_dict == {
        "full_at": ["indicators A > A3, field rule.full_at: this field is required"]
    }
    node.rule = {"type": "bonus", "grades": {"一等": 5}, "per": 1}
    node.bands = [{"level": "red", "below": 0.5}]
    services.indicator_save(indicator=node, actor=None)
    assert get(version, "A3").rule == {"type": "bonus", "grades": {"一等": 5}, "per": 1}


def test_it_inserts_moves_and_deletes_indicators_keeping_positions(
    org: Org, version: FrameworkVersion, admin_a: User
) -> None:
    a = get(version, "A")
    new = Indicator(
        version=version,
        code="A0",
        name="新增",
        max=0.5,
        parent=a,
        position=1,
        rule={"type": "direct"},
    )
    services.indicator_save(indicator=new, actor=admin_a)
    assert [(c, p) for c, parent, p in tree(version) if parent == "A"] == [
        ("A1", 0),
        ("A0", 1),
        ("A2", 2),
        ("A3", 3),
        ("A4", 4),
    ]
    # To level 1 it would need a component: refused.
    with pytest.raises(ValidationError) as error:
        services.indicator_move(indicator=get(version, "A4"), parent=None, position=0, actor=None)
    assert error.value.message_dict == {
        "component": [
            "indicators A4, field component: with components, every level-1 indicator names "
            "one; expected one of: daily, survey"
        ]
    }
    b = get(version, "B")
    services.indicator_move(indicator=get(version, "A4"), parent=b, position=0, actor=admin_a)
    assert [(c, p) for c, parent, p in tree(version) if parent == "B"] == [("A4", 0), ("001", 1)]
    assert [c for c, parent, _p in tree(version) if parent == "A"] == ["A1", "A0", "A2", "A3"]
    with pytest.raises(ValidationError) as error:
        services.indicator_move(indicator=a, parent=get(version, "A1.1"), position=0, actor=admin_a)
    assert error.value.message_dict == {
        "parent": ["an indicator cannot be placed under itself or its descendants"]
    }
    # Moving A2 (20 points) under A1 (30, full) makes A1's children exceed it: allowed while
    # drafting (edits in any order), reported as a warning, refused when publishing.
    services.indicator_move(
        indicator=get(version, "A2"), parent=get(version, "A1"), position=0, actor=admin_a
    )
    assert {w.code for w in sum_warnings(version=version) if w.excess} == {"A1"}
    services.indicator_move(indicator=get(version, "A2"), parent=a, position=2, actor=admin_a)
    assert get(version, "A2").parent == a

    services.indicator_delete(indicator=get(version, "A1"), actor=admin_a)
    assert [c for c, _parent, _p in tree(version)] == ["A", "A0", "A2", "A3", "B", "A4", "001"]
    assert [(c, p) for c, parent, p in tree(version) if parent == "A"] == [
        ("A0", 0),
        ("A2", 1),
        ("A3", 2),
    ]
    deleted = Indicator.history.filter(code="A1.1", history_type="-").get()  # type: ignore[attr-defined]
    assert deleted.history_user == admin_a


def test_it_copies_a_version_with_the_same_content(
    org: Org, version: FrameworkVersion, admin_a: User
) -> None:
    services.version_publish(version=version, actor=admin_a)
    copy = services.version_copy(version=version, actor=admin_a)
    assert (copy.number, copy.status, copy.based_on) == (2, VersionStatus.DRAFT, version)
    assert version_to_spec(copy) == version_to_spec(version) == base_spec()
    assert [c for c, _parent, _p in tree(copy)] == CODES
    assert not set(copy.indicators.values_list("pk", flat=True)) & set(
        version.indicators.values_list("pk", flat=True)
    )
