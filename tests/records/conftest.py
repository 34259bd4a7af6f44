"""A framework for the records tests: one published version with one leaf of each rule."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from qingfeng.accounts.models import User
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator, VersionStatus
from qingfeng.org import services as org_services
from qingfeng.org.models import Station, StationKind
from tests.conftest import Org


@dataclass
class Setup:
    org: Org
    framework: Framework
    version: FrameworkVersion
    station_b: Station


def _node(version: FrameworkVersion, code: str, **fields: object) -> Indicator:
    fields.setdefault("name", code)
    fields.setdefault("max", 10)
    fields.setdefault("position", Indicator.objects.filter(version=version).count())
    return Indicator.objects.create(version=version, code=code, **fields)


@pytest.fixture
def setup(org: Org) -> Setup:
    """Framework LK over the city, version 2025 (published):

    A (group, station ST-A leaves): A1 deduct per 2 cap 20, A2 bonus with grades,
    A3 direct max 10, A4 rate, A5 survey, A6 veto. B (group, for townships only):
    B1 deduct of station ST-B, B2 deduct of ST-A without per.
    """
    station_b = org_services.station_save(
        station=Station(
            code="ST-B", name="平顺县财政局", kind=StationKind.DEPARTMENT, region=org.county_b
        )
    )
    framework = Framework.objects.create(code="LK", name="政治生态评估", region=org.city)
    version = FrameworkVersion.objects.create(
        framework=framework,
        number=1,
        name="2025 版",
        year=2025,
        status=VersionStatus.PUBLISHED,
        bands=[{"level": "red", "below": 0.6}],
    )
    st_a = org.station_a
    group_a = _node(version, "A", max=60)
    _node(
        version,
        "A1",
        parent=group_a,
        max=20,
        station=st_a,
        rule={"type": "deduct", "per": 2, "cap": 20},
    )
    _node(
        version,
        "A2",
        parent=group_a,
        station=st_a,
        rule={"type": "bonus", "grades": {"一档": 5, "二档": 3}},
    )
    _node(version, "A3", parent=group_a, station=st_a, rule={"type": "direct"})
    _node(
        version,
        "A4",
        parent=group_a,
        station=st_a,
        rule={"type": "rate", "zero_at": 0.5, "full_at": 1.0},
    )
    _node(version, "A5", parent=group_a, station=st_a, rule={"type": "survey"})
    _node(version, "A6", parent=group_a, max=0, station=st_a, rule={"type": "veto"})
    group_b = _node(version, "B", max=20, applies_to=["township"])
    _node(version, "B1", parent=group_b, station=station_b, rule={"type": "deduct", "per": 1})
    _node(version, "B2", parent=group_b, station=st_a, rule={"type": "deduct"})
    return Setup(org, framework, version, station_b)


@pytest.fixture
def actor(admin_a: User) -> User:
    """County A's commission administrator: sees A1, A1-1 and A2, not B1."""
    return admin_a
