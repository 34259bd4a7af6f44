"""Demo records (``qingfeng.demo.records``): deterministic, valid, and a believable spread."""

from __future__ import annotations

import datetime
from collections import Counter

import numpy as np
import pytest
from django.apps import apps

from qingfeng.demo import org as org_demo
from qingfeng.demo import records as demo
from qingfeng.demo.records_texts import PROBLEM_TYPES
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import engine_framework
from qingfeng.org.models import Region, UnitCategory
from qingfeng.records.models import Record, RecordSource, RecordStatus
from qingfeng.scoring import engine
from tests.demo_county import DemoCounty

RecordHistory = apps.get_model("records", "HistoricalRecord")
FRAMEWORKS = {spec["code"]: demo.leaves_from_spec(spec) for spec in demo.demo_framework_specs()}


def county_units(seed: int = 2026) -> list[demo.DemoUnit]:
    """The demo county's active units, built in memory as ``seed_demo`` builds them."""
    spec = next(c for c in org_demo.plan_regions(seed, "county")[0].counties if c.demo)
    categories = {
        code: UnitCategory(code=code, name=name) for code, name in org_demo.data.CATEGORIES
    }
    build = org_demo.build_county(spec, Region(code=spec.code, name=spec.name), categories, seed)
    return [
        demo.DemoUnit(unit.code, unit.category.code)
        for unit in build.units + build.sub_units
        if unit.active
    ]


UNITS = county_units()


@pytest.fixture(scope="module")
def planned() -> dict[str, list[demo.DemoRecord]]:
    return demo.plan_records(seed=2026, units=UNITS, frameworks=FRAMEWORKS)


def test_the_same_seed_gives_the_same_records(planned: dict[str, list[demo.DemoRecord]]) -> None:
    assert demo.plan_records(seed=2026, units=UNITS, frameworks=FRAMEWORKS) == planned
    # Each framework draws from its own stream: planning LK alone is enough to compare.
    other = demo.plan_records(seed=2027, units=UNITS, frameworks={"LK": FRAMEWORKS["LK"]})
    assert other["LK"] != planned["LK"]


def test_records_fall_in_the_eight_quarters(planned: dict[str, list[demo.DemoRecord]]) -> None:
    assert [str(q) for q in demo.QUARTERS] == [
        *("2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3")
    ]
    first, last = datetime.date(2024, 10, 1), datetime.date(2026, 9, 30)
    for code, rows in planned.items():
        assert all(first <= row.date <= last for row in rows), code
        per_quarter = Counter(q for row in rows for q in demo.QUARTERS if q.contains(row.date))
        assert len(per_quarter) == 8 and min(per_quarter.values()) > 100, code


def test_every_record_is_valid_for_its_leaf(planned: dict[str, list[demo.DemoRecord]]) -> None:
    categories = {unit.code: unit.category for unit in UNITS}
    for code, rows in planned.items():
        leaves = {leaf.code: leaf for leaf in FRAMEWORKS[code]}
        for row in rows:
            leaf = leaves[row.indicator]  # only leaf codes of the version
            assert not leaf.applies_to or categories[row.unit] in leaf.applies_to
            assert row.station == leaf.station and row.note
            kind = leaf.type
            if kind in ("deduct", "veto"):
                assert (row.quantity or 0) >= 1 or (row.points or 0) > 0
                assert row.problem_type in PROBLEM_TYPES
            elif kind == "bonus":
                grades = leaf.rule.get("grades")
                assert row.grade in grades if grades else row.quantity == 1
            elif kind == "direct":
                assert row.points is not None and 0 <= row.points <= leaf.max
            elif kind == "rate":
                assert row.value is not None
                assert leaf.rule["zero_at"] <= row.value <= leaf.rule["full_at"]
            else:
                assert kind == "survey" and row.value is not None and 0 <= row.value <= 100
            if kind != "deduct":
                assert row.problem_type in ("", "违纪违法案件")


def test_the_records_tell_a_story(planned: dict[str, list[demo.DemoRecord]]) -> None:
    types = Counter(row.problem_type for rows in planned.values() for row in rows)
    assert set(PROBLEM_TYPES) <= set(types)
    veto_leaves = {leaf.code for leaf in FRAMEWORKS["LK"] if leaf.type == "veto"}
    vetoes = [row for row in planned["LK"] if row.indicator in veto_leaves]
    assert len(vetoes) == 1  # exactly one unit vetoed, in one quarter
    health = demo.plan_health(seed=2026, units=UNITS)
    assert vetoes[0].unit == health.veto_unit
    assert demo.QUARTERS[health.veto_quarter].contains(vetoes[0].date)
    assert sorted(Counter(health.stories.values()).items()) == [
        ("chronic", 1),
        ("decline", 2),
        ("recovery", 2),
        ("veto", 1),
    ]


# ---------------------------------------------------------------------------------------
# In the database, through seed_demo


def quarter_result(framework: Framework, quarter: int) -> engine.Result:
    """Score one demo quarter with the engine on the stored version and records."""
    version = demo.demo_version(framework)
    assert version is not None
    fw = engine_framework(version)
    units = demo.region_units(framework.region)
    index = {unit.pk: i for i, unit in enumerate(units)}
    leaf_index = {ind.code: i for i, ind in enumerate(fw.indicators)}
    period = demo.QUARTERS[quarter]
    rows = Record.objects.filter(framework=framework, date__range=(period.start, period.end))
    records = engine.Records.from_rows(
        [
            {
                "unit": index[r.unit_id],
                "indicator": leaf_index[r.indicator_code],
                "points": r.points,
                "quantity": r.quantity,
                "value": r.value,
                "grade": r.grade or None,
                "id": r.pk,
            }
            for r in rows
        ]
    )
    return engine.score(fw, [unit.category.code for unit in units], records)


def test_seed_demo_stores_the_records_and_the_spread_is_believable(
    demo_county: DemoCounty,
) -> None:
    assert demo_county.seed == 2026  # the default seed, planned above
    county = Region.objects.get(code=org_demo.DEMO_COUNTY_CODE)
    units = demo.region_units(county)
    assert [demo.DemoUnit(u.code, u.category.code) for u in units] == UNITS
    planned = demo.plan_records(seed=2026, units=UNITS, frameworks=FRAMEWORKS)
    total = sum(len(rows) for rows in planned.values())
    seeded = Record.objects.filter(source=RecordSource.DEMO)
    assert seeded.count() == total and str(total) in demo_county.output
    assert set(seeded.values_list("status", flat=True).distinct()) == {RecordStatus.APPROVED}
    assert Record.objects.filter(station__isnull=True).count() == 0
    assert RecordHistory.objects.filter(history_type="+", source=RecordSource.DEMO).count() == total
    stored = Record.objects.filter(framework__code="LK").order_by("pk")[:50]
    assert [(r.unit.code, r.indicator_code, r.date, r.points, r.quantity) for r in stored] == [
        (r.unit, r.indicator, r.date, r.points, r.quantity) for r in planned["LK"][:50]
    ]

    lk = Framework.objects.get(code="LK")
    vetoed = 0
    for quarter in range(len(demo.QUARTERS)):
        result = quarter_result(lk, quarter)
        bands = Counter(str(band) for band in result.unit_band)
        n = len(units)
        assert bands["green"] > 0.6 * n, (demo.QUARTERS[quarter], bands)
        assert bands["blue"] + bands["yellow"] + bands["red"] >= 0.1 * n
        vetoed += int(np.count_nonzero(result.vetoed))
    assert vetoed == 1
    last = Counter(str(band) for band in quarter_result(lk, 7).unit_band)
    assert last["green"] > len(units) / 2 and last["yellow"] + last["red"] >= 1
    # (--reset deleting the records with the organisation: tests/org/test_seed_demo.py)


def test_seed_demo_leaves_work_in_progress_in_the_open_quarter(demo_county: DemoCounty) -> None:
    """The clerk has drafts, records awaiting review and records returned with a reason;
    the reviewer's station has pushed records to check; none of it is approved (scores
    unchanged) and each went through the services (history with who)."""
    # (The records fed by fulfilment into the closed quarter are approved, not pending.)
    pending = Record.objects.exclude(source=RecordSource.DEMO).exclude(
        external_id__startswith="duty:"
    )
    open_quarter = demo.QUARTERS[-1].next()
    assert all(open_quarter.contains(record.date) for record in pending)
    by = Counter(
        (r.status, r.station.code, r.created_by.username if r.created_by else None) for r in pending
    )
    assert by == {
        (RecordStatus.DRAFT, "ST-ORG", "clerk"): 3,
        (RecordStatus.RETURNED, "ST-ORG", "clerk"): 2,
        (RecordStatus.SUBMITTED, "ST-ORG", "clerk"): 4,
        (RecordStatus.SUBMITTED, "ST-CASE", None): 6,
    }
    assert all(r.return_reason for r in pending if r.status == RecordStatus.RETURNED)
    returned = pending.filter(status=RecordStatus.RETURNED).first()
    assert returned is not None
    assert [h.history_user.username for h in returned.history.order_by("history_id")] == [
        "clerk",
        "clerk",
        "commission",
    ]
