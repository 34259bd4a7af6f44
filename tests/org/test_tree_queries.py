"""Scope and tree queries live in one place (``qingfeng.org.models``): the querysets,
``Q`` builders and path helpers behave, and no other module filters on a raw path prefix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingfeng.org import services
from qingfeng.org.models import (
    Region,
    RegionLevel,
    Station,
    Unit,
    path_ids,
    path_step,
    path_tops,
    path_within,
    subtree_q,
    within_q,
)
from qingfeng.records.models import Record
from tests.conftest import Org, Scored, record

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "qingfeng"

# The one module allowed to read paths (it holds the querysets and helpers).
TREE_MODULE = "qingfeng/org/models.py"


RAW_TREE_PATTERNS = {
    "a lookup on a path": re.compile(
        r"path__(?:i?startswith|i?endswith|i?contains|i?regex|range|gte?|lte?)\b"
    ),
    "a prefix check on a path": re.compile(
        r"\w*path\w*(?:\[[^\]\n]*\])?\s*\.\s*startswith\(|startswith\(\s*[\w.\[\]\"']*path\b"
    ),
    "parsing a path": re.compile(
        r"(?<![\w.])(?!os\.)(?:\w+\.)*\w*path\s*\.\s*"
        r"(?:split|rsplit|strip|rstrip|lstrip|partition|rpartition|count)\("
    ),
    "SQL pattern matching": re.compile(r"\b(?:LIKE|ILIKE|GLOB)\b"),
    "an SQL or ORM function on a path": re.compile(
        r"(?i)\b(?:substr|substring|instr|strindex|starts_with|left|replace)\s*\(\s*[^)\n]*path"
    ),
}


def raw_tree_uses(text: str) -> list[tuple[int, str]]:
    """(line number, what) for every raw path-prefix use in a module's source."""
    found = []
    for what, pattern in RAW_TREE_PATTERNS.items():
        for match in pattern.finditer(text):
            found.append((text.count("\n", 0, match.start()) + 1, what))
    return sorted(found)


def checked_modules() -> list[Path]:
    modules = []
    for module in sorted(PACKAGE.rglob("*.py")):
        name = module.relative_to(ROOT).as_posix()
        if "/migrations/" in name or name == TREE_MODULE:
            continue
        modules.append(module)
    return modules


def test_no_module_filters_on_a_raw_path_prefix() -> None:
    offences = []
    for module in checked_modules():
        text = module.read_text(encoding="utf-8")
        lines = text.splitlines()
        for line, what in raw_tree_uses(text):
            name = module.relative_to(ROOT).as_posix()
            offences.append(f"{name}:{line}: {what}: {lines[line - 1].strip()}")
    assert not offences, (
        "Use the tree querysets and helpers of qingfeng/org/models.py (within, subtree, "
        "within_q, subtree_q, contains, is_within, path_within …) instead of:\n"
        + "\n".join(offences)
    )


def test_the_check_covers_the_package() -> None:
    names = {module.relative_to(ROOT).as_posix() for module in checked_modules()}
    assert "qingfeng/accounts/selectors.py" in names
    assert "qingfeng/dashboard/overview_tables.py" in names
    assert TREE_MODULE not in names


@pytest.mark.parametrize(
    "source",
    [
        "units.filter(region__path__startswith=region.path)",
        "Q(path__startswith=unit.path)",
        'Snapshot.objects.filter(**{"unit__region__path__istartswith": p})',
        "if unit.region.path.startswith(framework.region.path):",
        "if path.startswith(top):",
        "known[code].startswith(\n    self.region.path\n)",
        'ids = [int(p) for p in region.path.strip("/").split("/")]',
        'ids = [int(p) for p in u.path.split("/") if p]',
        "cursor.execute('SELECT id FROM org_unit WHERE path LIKE %s', [p + '%'])",
        'Substr("path", Length(Value(old)) + 1)',
    ],
)
def test_the_check_finds_raw_path_use(source: str) -> None:
    assert raw_tree_uses(source)


@pytest.mark.parametrize(
    "source",
    [
        "units.within(region)",
        'Region.objects.filter(path__in=paths).order_by("path")',
        'values_list("pk", "path")',
        "name = os.path.basename(upload.name)",
        "extension = os.path.splitext(name)[1]",
        'if code.startswith("zh"):',
        "history = HistoricalRecords(excluded_fields=['path'])",
        "# units that look like the path of a region",
    ],
)
def test_the_check_leaves_other_code_alone(source: str) -> None:
    assert raw_tree_uses(source) == []


# ------------------------------------------------------------------------------ behaviour


def codes(qs: object) -> list[str]:
    return sorted(qs.values_list("code", flat=True))  # type: ignore[attr-defined]


def test_subtree_is_the_region_and_everything_below(org: Org) -> None:
    assert codes(Region.objects.subtree(org.city)) == ["C1", "C1-A", "C1-B"]
    assert codes(Region.objects.subtree(org.county_a)) == ["C1-A"]
    assert codes(Region.objects.outside(org.county_a)) == ["C1", "C1-B"]
    assert codes(Region.objects.subtrees([org.county_a, org.county_b])) == ["C1-A", "C1-B"]
    assert codes(Region.objects.subtrees([])) == []


def test_lineage_and_ancestors_go_up_to_the_root(org: Org) -> None:
    assert codes(Region.objects.lineage(org.county_a)) == ["C1", "C1-A"]
    assert codes(Region.objects.ancestors(org.county_a)) == ["C1"]
    assert codes(Region.objects.ancestors(org.city)) == []


def test_within_is_the_units_of_the_region_subtree(org: Org) -> None:
    assert codes(Unit.objects.within(org.city)) == ["A1", "A1-1", "A2", "B1"]
    assert codes(Unit.objects.within(org.county_a)) == ["A1", "A1-1", "A2"]
    assert codes(Unit.objects.within(org.county_b)) == ["B1"]
    assert codes(Station.objects.within(org.county_a)) == ["ST-A"]
    assert codes(Station.objects.within(org.county_b)) == []


def test_a_unit_subtree_is_the_unit_and_its_sub_units(org: Org) -> None:
    assert codes(Unit.objects.subtree(org.unit_a1)) == ["A1", "A1-1"]
    assert codes(Unit.objects.subtree(org.unit_a1_sub)) == ["A1-1"]
    assert codes(Unit.objects.within(org.county_a).outside(org.unit_a1)) == ["A2"]


def test_q_builders_reach_the_tree_through_a_relation(org: Org, scored: Scored) -> None:
    record(scored, org.unit_a1_sub, "A1", "2025-02-01", quantity=1)
    record(scored, org.unit_a2, "A1", "2025-02-01", quantity=1)
    record(scored, org.unit_b1, "A1", "2025-02-01", quantity=1)
    by_region = Record.objects.filter(within_q(org.county_a, prefix="unit__"))
    assert sorted(by_region.values_list("unit__code", flat=True)) == ["A1-1", "A2"]
    by_unit = Record.objects.filter(subtree_q(org.unit_a1, prefix="unit__"))
    assert list(by_unit.values_list("unit__code", flat=True)) == ["A1-1"]


def test_in_memory_checks_match_the_queries(org: Org) -> None:
    assert org.city.contains(org.county_a)
    assert org.county_a.contains(org.county_a)
    assert not org.county_a.contains(org.city)
    assert not org.county_a.contains(org.county_b)
    assert org.unit_a1.contains(org.unit_a1_sub)
    assert not org.unit_a1_sub.contains(org.unit_a1)
    assert org.unit_a1_sub.is_within(org.county_a)
    assert org.unit_a1_sub.is_within(org.city)
    assert not org.unit_b1.is_within(org.county_a)


def test_each_query_is_one_sql_filter(org: Org) -> None:
    with CaptureQueriesContext(connection) as queries:
        list(Unit.objects.within(org.county_a))
        list(Unit.objects.subtree(org.unit_a1))
        list(Region.objects.subtree(org.city))
    assert len(queries) == 3


def _region(code: str, pk: int, parent: Region | None = None) -> Region:
    return services.region_save(
        region=Region(pk=pk, code=code, name=code, level=RegionLevel.COUNTY, parent=parent)
    )


def test_a_sibling_whose_key_starts_with_the_same_digits_is_not_inside(org: Org) -> None:
    # Keys 7001 and 70012: "/…/7001/" must not match "/…/70012/".
    near = _region("NEAR", 7001, parent=org.city)
    far = _region("FAR", 70012, parent=org.city)
    assert far.path.startswith(near.path.rstrip("/"))  # the trap is real
    far_unit = services.unit_save(
        unit=Unit(code="F1", name="F1", category=org.category, region=far)
    )
    assert codes(Region.objects.subtree(near)) == ["NEAR"]
    assert codes(Unit.objects.within(near)) == []
    assert codes(Unit.objects.within(far)) == ["F1"]
    assert not near.contains(far)
    assert not far_unit.is_within(near)
    # The same for root regions and for unit trees.
    root_near = _region("ROOTNEAR", 8001)
    root_far = _region("ROOTFAR", 80013)
    assert codes(Region.objects.subtree(root_near)) == ["ROOTNEAR"]
    assert not root_near.contains(root_far)
    parent = services.unit_save(
        unit=Unit(pk=9001, code="P", name="P", category=org.category, region=org.county_a)
    )
    other = services.unit_save(
        unit=Unit(pk=90014, code="Q", name="Q", category=org.category, region=org.county_a)
    )
    assert codes(Unit.objects.subtree(parent)) == ["P"]
    assert not parent.contains(other)


def test_path_helpers() -> None:
    assert path_within("/1/5/23/", "/1/5/")
    assert path_within("/1/5/", "/1/5/")
    assert not path_within("/1/50/", "/1/5/")
    assert not path_within("/1/", "/1/5/")
    assert path_ids("/1/5/23/") == [1, 5, 23]
    assert path_step("/1/5/23/", "/1/") == "/1/5/"
    assert path_step("/1/5/", "/1/") == "/1/5/"
    assert path_step("/1/", "/1/") == "/1/"
    assert path_step("/10/5/", "/1/") is None
    assert path_tops(["/1/5/", "/2/", "/1/", "/10/", "/2/7/"]) == ["/1/", "/10/", "/2/"]


def test_a_node_without_a_path_has_no_subtree(org: Org) -> None:
    # An unsaved (or bulk-created and not yet numbered) node's empty path would match
    # every row: the helpers refuse it instead of widening a scope.
    loose = Region(code="LOOSE", name="loose")
    with pytest.raises(ValueError, match="not a tree path"):
        Unit.objects.within(loose)
    with pytest.raises(ValueError, match="not a tree path"):
        Region.objects.subtree(loose)
    with pytest.raises(ValueError, match="not a tree path"):
        path_within("/1/", "")
