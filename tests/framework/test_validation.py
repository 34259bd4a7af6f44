"""validate_spec: every problem found, each located where the user finds it."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.translation import override

from qingfeng.framework.interchange import read_framework_file
from qingfeng.framework.interchange_format import located
from qingfeng.framework.validation import validate_spec
from tests.conftest import Org
from tests.framework.conftest import base_spec
from tests.workbooks import sheets_bytes as xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def issues(spec: dict[str, Any], **kwargs: Any) -> list[tuple[str, str]]:
    with override("en"):
        return [(i.where, i.message) for i in validate_spec(spec, source="yaml", **kwargs)]


def node(spec: dict[str, Any], code: str) -> dict[str, Any]:
    """The indicator with ``code`` anywhere in the tree."""
    stack = list(spec["indicators"])
    while stack:
        item = stack.pop()
        if item.get("code") == code:
            return item
        stack.extend(item.get("children", []))
    raise KeyError(code)


def test_it_accepts_a_valid_framework_whatever_its_level_1_total(org: Org) -> None:
    spec = base_spec()
    assert issues(spec) == []
    spec["scale"] = 1000  # level-1 maxima add up to 100: the total is normalised anyway
    assert issues(spec) == []


def test_it_formats_an_issue_as_where_and_message() -> None:
    with override("en"):
        assert str(located("scale", "bad")) == "scale: bad"


def test_it_reports_top_level_keys_and_settings(org: Org) -> None:
    spec = base_spec()
    del spec["name"]
    spec["colour"] = "red"
    spec["scale"] = 90
    spec["year"] = "next"
    spec["code"] = "L C"
    assert issues(spec) == [
        (
            "colour",
            "unknown key; expected one of: code, name, year, scale, assessed_on, unreported, "
            "bands, "
            "components, indicators",
        ),
        ("name", "this field is required"),
        (
            "code",
            'invalid code "L C": Use letters, digits, dots, hyphens and underscores only.',
        ),
        ("year", 'expected a year between 1900 and 2100, got "next"'),
        ("scale", 'the scale must be 100 or 1000, not "90"'),
    ]
    assert issues({"code": "LC", "name": "x", "year": 2025, "scale": 100}) == [
        ("indicators", "the framework has no indicators")
    ]


def test_it_reports_unknown_keys_bad_codes_and_duplicates_anywhere(org: Org) -> None:
    spec = base_spec()
    node(spec, "A1.2")["code"] = "A1 2"
    node(spec, "A1.1")["weight"] = 3
    node(spec, "001")["code"] = "A1"
    del node(spec, "A3")["code"]
    assert issues(spec) == [
        (
            "indicators A > A1 > A1.1, field weight",
            "unknown key; expected one of: code, name, max, standard, method, station, "
            "applies_to, component, bands, rule, children",
        ),
        (
            "indicators A > A1 > A1 2, field code",
            'invalid code "A1 2": Use letters, digits, dots, hyphens and underscores only.',
        ),
        ("indicators A > [3], field code", "this field is required"),
        (
            "indicators B > A1, field code",
            'duplicate code "A1" (first at indicators A > A1, field code)',
        ),
    ]


def test_it_reports_names_and_points(org: Org) -> None:
    spec = base_spec()
    del node(spec, "A2")["name"]
    node(spec, "A3")["max"] = -1
    node(spec, "A1.1")["max"] = "many"
    del node(spec, "001")["max"]
    assert issues(spec) == [
        ("indicators A > A1 > A1.1, field max", 'expected a number of 0 or more, got "many"'),
        ("indicators A > A2, field name", "this field is required"),
        ("indicators A > A3, field max", 'expected a number of 0 or more, got "-1"'),
        ("indicators B > 001, field max", "this field is required"),
    ]


def test_it_reports_children_worth_more_than_their_parent(org: Org) -> None:
    spec = base_spec()
    node(spec, "A1")["max"] = 25
    assert issues(spec) == [
        (
            "indicators A > A1, field max",
            "the children's points add up to 30, more than this indicator's 25",
        )
    ]
    # Within the tolerance: 0.1 + 0.2 is 0.30000000000000004 in floating point.
    node(spec, "A1")["max"] = 0.3
    node(spec, "A1.1")["max"] = 0.1
    node(spec, "A1.2")["max"] = 0.2
    assert issues(spec) == []


def test_finding_11_a_groups_max_is_checked_per_unit_category(org: Org) -> None:
    # 龙口's shape: A1 (30) = A1.1 (every unit) + A1.2 (townships) or A1.3 (departments).
    spec = base_spec()
    node(spec, "A1")["max"] = 30
    node(spec, "A1.1")["max"] = 15
    node(spec, "A1.2").update(max=15, applies_to=["township"])
    node(spec, "A1")["children"].append(
        {
            "code": "A1.3",
            "name": "部门专项",
            "max": 15,
            "applies_to": ["government"],
            "rule": {"type": "deduct", "per": 1, "cap": 15},
        }
    )
    assert issues(spec) == []
    node(spec, "A1.3")["max"] = 16
    assert issues(spec) == [
        (
            "indicators A > A1, field max",
            'for units of category "government" the children\'s points add up to 31, more '
            "than this indicator's 30",
        )
    ]
    # Inherited: under a group for departments only, the township branch never applies.
    node(spec, "A1")["applies_to"] = ["government"]
    node(spec, "A1.3")["max"] = 15
    node(spec, "A1.2")["max"] = 25
    assert issues(spec) == []
    node(spec, "A1.1")["max"] = 31
    assert issues(spec) == [
        (
            "indicators A > A1, field max",
            'for units of category "government" the children\'s points add up to 46, more '
            "than this indicator's 30",
        )
    ]
    # Children applying to every unit already overflow: the category-blind message.
    del node(spec, "A1")["applies_to"]
    assert issues(spec) == [
        (
            "indicators A > A1, field max",
            "the children's points add up to 71, more than this indicator's 30",
        )
    ]


def test_it_reports_rule_problems(org: Org) -> None:
    spec = base_spec()
    del node(spec, "A3")["rule"]
    node(spec, "A1")["rule"] = {"type": "direct"}
    node(spec, "A1.1")["rule"] = {"type": "deduct", "per": "two", "cap": -1}
    node(spec, "A1.2")["rule"] = {"type": "rate", "zero_at": 5, "full_at": 5, "per": 1}
    node(spec, "A2")["rule"] = {"type": "bonus", "grades": {"国家级": -1, "省级": 5}}
    node(spec, "A4")["max"] = 0.5
    node(spec, "001")["rule"] = {"type": "average"}
    assert issues(spec) == [
        (
            "indicators A > A1, field rule",
            "a group indicator (one with children) cannot have a rule; its score is the sum "
            "of its children's",
        ),
        ("indicators A > A1 > A1.1, field rule.per", 'expected a number of 0 or more, got "two"'),
        ("indicators A > A1 > A1.1, field rule.cap", 'expected a number of 0 or more, got "-1"'),
        (
            "indicators A > A1 > A1.2, field rule.per",
            'a rate rule has no parameter "per"; its parameters: zero_at, full_at',
        ),
        ("indicators A > A1 > A1.2, field rule.full_at", "zero_at and full_at must differ"),
        (
            "indicators A > A2, field rule.grades.国家级",
            'grade "国家级": expected points of 0 or more, got "-1"',
        ),
        ("indicators A > A3, field rule", "a leaf indicator (one without children) needs a rule"),
        ("indicators A > A4, field max", "a veto indicator carries no points: its max must be 0"),
        (
            "indicators B > 001, field rule.type",
            'unknown rule type "average"; expected one of: deduct, bonus, direct, rate, '
            "survey, veto",
        ),
    ]
    spec = base_spec()
    node(spec, "A1.1")["rule"] = {"type": "deduct"}  # per is optional: records give points
    node(spec, "A1.2")["rule"] = {"type": "rate", "full_at": 0}
    node(spec, "A2")["rule"] = {"type": "bonus", "grades": ["一等", "二等"]}
    node(spec, "A3")["rule"] = "direct"
    assert issues(spec) == [
        ("indicators A > A1 > A1.2, field rule.zero_at", "this field is required"),
        ("indicators A > A2, field rule.grades", "expected a mapping of grade to points"),
        ("indicators A > A3, field rule", "expected a mapping such as {type: deduct, per: 2}"),
    ]


def test_it_reports_unknown_categories_and_stations(org: Org) -> None:
    spec = base_spec()
    node(spec, "A1.1")["station"] = "ST-X"
    node(spec, "A1.2")["applies_to"] = ["township", "school"]
    assert issues(spec) == [
        ("indicators A > A1 > A1.1, field station", 'unknown data station "ST-X"'),
        ("indicators A > A1 > A1.2, field applies_to", 'unknown unit category "school"'),
    ]
    assert issues(base_spec(), region=org.county_b) == [
        (
            "indicators A > A1 > A1.1, field station",
            'data station "ST-A" lies outside the region "C1-B"',
        )
    ]
    assert issues(base_spec(), region=org.city) == []


def test_it_reports_bad_bands_at_the_top_and_on_a_node(org: Org) -> None:
    spec = base_spec()
    spec["bands"] = [
        {"level": "blue", "below": 0.9},
        {"level": "green", "below": 1.5},
        {"level": "blue", "below": 0.9},
        {"below": 0.5, "colour": "#f00"},
    ]
    node(spec, "A2")["bands"] = [{"level": "red", "below": 0}]
    node(spec, "A3")["bands"] = "red"
    assert issues(spec) == [
        ("bands[2].level", '"green" means "no warning" and cannot be a band level'),
        ("bands[2].below", 'expected a fraction greater than 0 and at most 1, got "1.5"'),
        ("bands[3].level", 'duplicate level "blue"'),
        ("bands[3].below", "another band has the same below 0.9"),
        ("bands[4].colour", "unknown key; expected one of: level, below"),
        ("bands[4].level", "this field is required"),
        (
            "indicators A > A2, field bands[1].below",
            'expected a fraction greater than 0 and at most 1, got "0"',
        ),
        ("indicators A > A3, field bands", "expected a list of {level, below}"),
    ]


def test_it_reports_component_problems(org: Org) -> None:
    spec = base_spec()
    spec["components"] = [
        {"code": "daily", "name": "日常监督", "weight": 0.8},
        {"code": "survey", "name": "民意调查", "weight": 0.3},
    ]
    assert issues(spec) == [("components", "weights not summing to 1: they sum to 1.1")]
    spec["components"] = [
        {"code": "daily", "name": "日常监督", "weight": 1},
        {"code": "daily", "weight": 0},
    ]
    node(spec, "A")["component"] = "weekly"
    node(spec, "A1")["component"] = "daily"
    del node(spec, "B")["component"]
    assert issues(spec) == [
        ("components[2].name", "this field is required"),
        ("components[2].code", 'duplicate component code "daily"'),
        ("components[2].weight", 'expected a weight greater than 0, got "0"'),
        ("indicators A, field component", 'unknown component "weekly"; expected one of: daily'),
        ("indicators A > A1, field component", "only level-1 indicators may name a component"),
        (
            "indicators B, field component",
            "with components, every level-1 indicator names one; expected one of: daily",
        ),
    ]
    spec = base_spec()
    del spec["components"]
    del node(spec, "B")["component"]
    assert issues(spec) == [
        (
            "indicators A, field component",
            'unknown component "daily": the framework has no components',
        )
    ]


def test_it_locates_xlsx_problems_by_sheet_row_and_column(org: Org) -> None:
    head = ["code", "parent", "name", "max", "rule_type", "per", "grades", "bands", "colour"]
    data = xlsx(
        {
            "framework": [
                ["key", "value"],
                ["code", "LC"],
                ["name", "体系"],
                ["year", 2025],
                ["scale", 90],
                ["owner", "x"],
            ],
            "bands": [["level", "below"], ["blue", 0.9], ["red", 1.5]],
            "indicators": [
                head,
                ["A1", "A", "子项", 10, "deduct", "two", None, None],  # before its parent
                ["A", None, "政治生态", 5, None, None, None, None],
                ["A2", "A", "评优", 1, "bonus", None, "一等 10", None],
                ["A3", "Z", "孤儿", 1, "direct", None, None, None],
                ["B", "B1", "环", 1, None, None, None, None],
                ["B1", "B", "环", 1, "direct", None, None, "blue 0.9"],
                ["A4", "A", "否决", 0, None, 1, None, "none"],
                ["C", None, "其他", -1, "direct", None, None, None],
            ],
            "extra": [["anything"]],
        }
    )
    with override("en"):
        spec, found = read_framework_file(data=data, filename="lc.xlsx")
        where = [(i.where, i.message) for i in found]
    assert spec is not None
    assert where == [
        (
            "sheet extra",
            'unknown sheet "extra"; expected one of: framework, bands, components, indicators',
        ),
        (
            "sheet framework, row 6, column key",
            'unknown key "owner"; expected one of: code, name, year, scale',
        ),
        (
            "sheet indicators, row 1, column colour",
            'unknown column "colour"; expected one of: code, parent, name, max, standard, method, '
            "station, applies_to, component, bands, rule_type, per, cap, grades, zero_at, full_at",
        ),
        (
            "sheet indicators, row 4, column grades",
            'write grades as grade:points, e.g. 一等:10, 二等:8 (not "一等 10")',
        ),
        (
            "sheet indicators, row 7, column bands",
            'write bands as level<fraction, e.g. blue<0.9, yellow<0.8 (not "blue 0.9")',
        ),
        ("sheet indicators, row 5, column parent", 'unknown parent "Z"'),
        ("sheet indicators, row 6, column parent", "the chain of parents loops back on itself"),
        ("sheet indicators, row 7, column parent", "the chain of parents loops back on itself"),
        ("sheet framework, row 5, column value", 'the scale must be 100 or 1000, not "90"'),
        (
            "sheet bands, row 3, column below",
            'expected a fraction greater than 0 and at most 1, got "1.5"',
        ),
        (
            "sheet indicators, row 3, column max",
            "the children's points add up to 11, more than this indicator's 5",
        ),
        ("sheet indicators, row 2, column per", 'expected a number of 0 or more, got "two"'),
        ("sheet indicators, row 8, column rule_type", "this field is required"),
        ("sheet indicators, row 9, column max", 'expected a number of 0 or more, got "-1"'),
    ]
    assert [c["code"] for c in spec["indicators"][0]["children"]] == ["A1", "A2", "A4"]
    assert spec["indicators"][0]["children"][2]["bands"] == []


def test_it_refuses_trees_deeper_than_ten_levels(org: Org) -> None:
    spec = base_spec()
    deep: dict[str, Any] = {"code": "L12", "name": "x", "max": 0, "rule": {"type": "veto"}}
    for level in range(11, 0, -1):
        deep = {"code": f"L{level}", "name": "x", "max": 0, "children": [deep]}
    spec["indicators"][1]["children"].append(deep)
    path = " > ".join(["B", *(f"L{level}" for level in range(1, 10))])
    assert issues(spec) == [
        (
            f"indicators {path}, field children",
            "the tree is too deep: at most 10 levels of indicators",
        )
    ]
    rows: list[list[Any]] = [["code", "parent", "name", "max", "rule_type"]]
    rows += [[f"L{n}", f"L{n - 1}" if n > 1 else None, "x", 0, None] for n in range(1, 13)]
    rows[-1][-1] = "veto"
    data = xlsx(
        {
            "framework": [["code", "LC"], ["name", "x"], ["year", 2025], ["scale", 100]],
            "indicators": rows,
        }
    )
    _spec, found = read_framework_file(data=data, filename="deep.xlsx")
    assert [(i.where, i.message) for i in found] == [
        (
            "sheet indicators, row 11",
            "the tree is too deep: at most 10 levels of indicators",
        )
    ]
