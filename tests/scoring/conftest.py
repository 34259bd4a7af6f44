"""A small published framework over the shared two-county organisation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from qingfeng.framework.models import Framework, FrameworkVersion, Indicator, VersionStatus
from qingfeng.records.models import Record, RecordStatus
from tests.conftest import Org


@dataclass
class Scored:
    framework: Framework
    version: FrameworkVersion


def add(version: FrameworkVersion, code: str, parent: Indicator | None, max_: float, **kw: object) -> Indicator:
    return Indicator.objects.create(
        version=version, code=code, name=f"指标{code}", parent=parent, max=max_,
        position=Indicator.objects.filter(version=version).count(), **kw,
    )


@pytest.fixture
def scored(org: Org) -> Scored:
    """City-wide framework (100-point scale), bands blue<0.9, yellow<0.8, red<0.6.

    A (60)  ├ A1 deduct per 5, cap 30 (30)
            └ A2 bonus grades 一等 10 / 二等 6 (30)
    B (40)  ├ B1 survey (40)
            └ B2 veto
    """
    framework = Framework.objects.create(code="T", name="测试体系", region=org.city)
    version = FrameworkVersion.objects.create(
        framework=framework, number=1, name="测试体系", year=2025, scale=100,
        status=VersionStatus.PUBLISHED,
        bands=[{"level": "blue", "below": 0.9}, {"level": "yellow", "below": 0.8},
               {"level": "red", "below": 0.6}],
    )
    a = add(version, "A", None, 60)
    add(version, "A1", a, 30, rule={"type": "deduct", "per": 5, "cap": 30})
    add(version, "A2", a, 30, rule={"type": "bonus", "grades": {"一等": 10, "二等": 6}})
    b = add(version, "B", None, 40)
    add(version, "B1", b, 40, rule={"type": "survey"})
    add(version, "B2", b, 0, rule={"type": "veto"})
    return Scored(framework, version)


def record(scored: Scored, unit: object, code: str, day: str, **fields: object) -> Record:
    fields.setdefault("status", RecordStatus.APPROVED)
    return Record.objects.create(
        framework=scored.framework, indicator_code=code, unit=unit,
        date=datetime.date.fromisoformat(day), **fields,
    )
