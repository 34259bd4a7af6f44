"""The demo frameworks (``qingfeng/demo/frameworks/*.yaml``): shape, counts, and import."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from qingfeng.demo import org_data as demo_data
from qingfeng.demo import records as demo
from qingfeng.framework.interchange import framework_import, read_framework_file
from qingfeng.framework.models import Framework, VersionStatus
from qingfeng.framework.selectors import version_in_force
from qingfeng.org.models import Region
from tests.demo_county import DemoCounty

TOP_KEYS = {"code", "name", "year", "scale", "bands", "components", "indicators"}
NODE_KEYS = {
    *("code", "name", "max", "standard", "method", "station", "applies_to"),
    *("component", "bands", "rule", "children", "self_assessed"),
}
RULE_KEYS = {
    "deduct": {"per", "cap"},
    "bonus": {"per", "grades"},
    "direct": set(),
    "rate": {"zero_at", "full_at"},
    "survey": set(),
    "veto": set(),
}
STATIONS = {f"ST-{suffix}" for suffix, _name in demo_data.STATION_DEPARTMENTS} | {
    f"ST-{suffix}" for suffix, _name in demo_data.STATION_OFFICES
}
CATEGORIES = {code for code, _name in demo_data.CATEGORIES}
SPECS = {spec["code"]: spec for spec in demo.demo_framework_specs()}


def nodes(spec: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(depth, node) for every indicator, in tree order (level 1 = depth 1)."""

    def walk(node: dict[str, Any], depth: int) -> Iterator[tuple[int, dict[str, Any]]]:
        yield depth, node
        for child in node.get("children") or []:
            yield from walk(child, depth + 1)

    for top in spec["indicators"]:
        yield from walk(top, 1)


def leaves(spec: dict[str, Any]) -> list[demo.DemoLeaf]:
    return demo.leaves_from_spec(spec)


@pytest.mark.parametrize("code", ["LK", "PG", "LS"])
def test_each_file_is_a_well_formed_framework(code: str) -> None:
    spec = SPECS[code]
    # 龙口 is assessed on the year, its quarters being monitoring (``assessed_on``).
    assert set(spec) == TOP_KEYS | ({"assessed_on"} if code == "LK" else set())
    assert spec.get("assessed_on", "") == ("Y" if code == "LK" else "")
    assert spec["year"] == 2024  # in force from the first demo quarter, 2024Q4
    codes = Counter(node["code"] for _depth, node in nodes(spec))
    assert max(codes.values()) == 1, "indicator codes are unique"
    for _depth, node in nodes(spec):
        assert set(node) <= NODE_KEYS, node["code"]
        assert node["name"] and node["standard"] and node["method"], node["code"]
        assert node["station"] in STATIONS, node["code"]
        assert set(node["applies_to"]) <= CATEGORIES, node["code"]
        children = node.get("children") or []
        if children:
            assert "rule" not in node, node["code"]
            assert sum(child["max"] for child in children) == pytest.approx(node["max"])
        else:
            rule = node["rule"]
            assert set(rule) - {"type"} <= RULE_KEYS[rule["type"]], node["code"]
            if rule["type"] == "rate":
                assert rule["zero_at"] < rule["full_at"]
            if rule["type"] == "bonus":
                assert rule.get("per") or rule.get("grades")
                assert node.get("bands") == [], "an award not won is no warning"
            assert (node["max"] == 0) == (rule["type"] == "veto"), node["code"]


def test_longkou_has_ten_level_one_indicators_of_a_hundred_points() -> None:
    spec = SPECS["LK"]
    assert spec["name"] == "龙口式政治生态监测评价体系"
    assert spec["scale"] == 1000
    assert spec["bands"] == [
        {"level": "blue", "below": 0.9},
        {"level": "yellow", "below": 0.8},
        {"level": "red", "below": 0.6},
    ]
    top = [(node["name"], node["max"]) for node in spec["indicators"]]
    names = (
        "政治建设 思想建设 组织建设 选人用人 作风建设 服务群众 腐败案件 主体责任 团结干事 综合评价"
    )
    assert top == [(name, 100) for name in names.split()]
    assert {depth for depth, node in nodes(spec) if not node.get("children")} == {3}

    all_leaves = leaves(spec)
    common = [leaf for leaf in all_leaves if not leaf.applies_to]
    specific = [leaf for leaf in all_leaves if leaf.applies_to]
    assert len(common) >= 40 and len(specific) >= 10
    assert {leaf.type for leaf in all_leaves} == set(RULE_KEYS)
    specific_names = " ".join(leaf.name for leaf in specific)
    for name in ("换届选举", "村居经济责任审计", "不见面审批改革", "一站式服务"):
        assert name in specific_names
    assert {c for leaf in specific for c in leaf.applies_to} >= {"township", "government"}

    (veto,) = [leaf for leaf in all_leaves if leaf.type == "veto"]
    assert veto.max == 0 and "一票否决" in veto.name
    (graded,) = [leaf for leaf in all_leaves if leaf.rule.get("grades")]
    grades = graded.rule["grades"]
    assert len(grades) == 8
    assert grades["国家级一档"] == 10 and grades["县级二档"] == 3
    assert list(grades.values()) == sorted(grades.values(), reverse=True)


def test_pinggu_weighs_daily_checks_survey_and_evaluation_70_10_20() -> None:
    spec = SPECS["PG"]
    assert (spec["name"], spec["scale"]) == ("平谷式党建工作考核", 100)
    weights = {c["code"]: c["weight"] for c in spec["components"]}
    assert weights == {"daily": 0.7, "survey": 0.1, "evaluation": 0.2}
    assert all(node["component"] in weights for node in spec["indicators"])
    rule_types: dict[str, set[str]] = {}
    for top in spec["indicators"]:
        types = {child["rule"]["type"] for child in top["children"]}
        rule_types.setdefault(top["component"], set()).update(types)
    assert rule_types["survey"] == {"survey"}
    assert rule_types["evaluation"] == {"direct"}
    daily = [top for top in spec["indicators"] if top["component"] == "daily"]
    assert (len(daily), sum(len(top["children"]) for top in daily)) == (8, 15)  # 8方面15项


def test_leshan_counts_six_fourteen_twenty_three_and_twenty_eight() -> None:
    spec = SPECS["LS"]
    assert spec["name"] == "乐山式政治生态动态监测预警体系"
    assert spec["scale"] == 100
    per_level = Counter(depth for depth, _node in nodes(spec))
    assert per_level == {1: 6, 2: 14, 3: 23, 4: 28}
    assert {depth for depth, node in nodes(spec) if not node.get("children")} == {4}
    assert {b["level"]: b["below"] for b in spec["bands"]} == {
        "blue": 0.9,
        "yellow": 0.75,
        "red": 0.6,
    }
    types = Counter(leaf.type for leaf in leaves(spec))
    assert types["bonus"] >= 3 and types["deduct"] >= 10  # positive and negative lists


def test_seed_demo_imports_and_publishes_them_without_issues(demo_county: DemoCounty) -> None:
    county = Region.objects.get(code=demo_data.DEMO_COUNTY_CODE)
    for name in demo.DEMO_FRAMEWORK_FILES:
        spec, issues = read_framework_file(data=(demo.DEMO_DIR / name).read_bytes(), filename=name)
        assert spec is not None and issues == [], name
        framework = Framework.objects.get(code=spec["code"])
        assert framework.region == county
        versions = framework.versions.order_by("number")
        assert [(v.number, v.year, v.status) for v in versions] == [
            (1, 2024, VersionStatus.PUBLISHED)
        ]
        for version in versions:
            assert version.scale == spec["scale"]
            stored = demo.leaves_of_version(version)
            assert stored == leaves(spec)  # codes, points, rules, categories, stations
        for quarter in demo.QUARTERS:
            assert version_in_force(framework=framework, period=quarter) == versions[0]

        # Importing the file again makes a new draft, still without issues.
        again = framework_import(
            data=(demo.DEMO_DIR / name).read_bytes(), filename=name, actor=None, region=county
        )
        assert again.ok, again.issues
        assert again.version is not None and again.version.status == VersionStatus.DRAFT
