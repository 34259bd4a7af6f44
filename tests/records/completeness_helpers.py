"""The completeness board's fixture (tests/records/test_completeness_board.py and the
browser test): framework LK with records and nil returns counted by hand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from qingfeng.org import services as org_services
from qingfeng.org.models import Unit
from qingfeng.records.models import (
    NilReturn,
    NilReturnStatus,
    NilReturnUnit,
    Record,
    RecordStatus,
)
from tests.records.conftest import Setup


@dataclass
class Fixture:
    setup: Setup
    unit_b2: Unit  # a township of county B: the only unit ST-B answers for


def _record(setup: Setup, unit: Unit, code: str, day: str, status: str) -> Record:
    return Record.objects.create(
        framework=setup.framework,
        indicator_code=code,
        unit=unit,
        date=datetime.date.fromisoformat(day),
        status=status,
        station=setup.org.station_a,
        quantity=1,
    )


def _nil(setup: Setup, code: str, units: list[Unit], status: str) -> NilReturn:
    header = NilReturn.objects.create(
        framework=setup.framework,
        indicator_code=code,
        period="2025Q3",
        station=setup.org.station_a,
        status=status,
    )
    for unit in units:
        NilReturnUnit.objects.create(
            nil_return=header,
            unit=unit,
            framework=setup.framework,
            period="2025Q3",
            indicator_code=code,
        )
    return header


@pytest.fixture
def fixture(periods: Setup) -> Fixture:
    """Framework LK (tests/records/conftest.py), 2025Q3 open. ST-A (county A: units A1,
    A1-1 government, A2 township) answers for A1 and A2 on every unit and B2 (townships
    only) on A2: 7 cells; A3 (direct), A4, A5 and A6 are not tracked. ST-B (county B)
    answers for B1 (townships only) on county B's township B2: 1 cell; B1 the government
    unit is owed nothing.

    By hand, 2025Q3, ST-A: A1: A1 reported (approved record), A1-1 pending (submitted
    record), A2 missing (its nil return was returned); A2: A1 and A1-1 nil (approved nil
    return), A2 missing; B2: A2 pending (submitted nil return). ST-B: B2 missing.
    Not counted: a record dated in 2025Q2, a record of unit B1 (outside ST-A's region),
    a record on A3 (not tracked)."""
    org = periods.org
    unit_b2 = org_services.unit_save(
        unit=Unit(code="B2", name="青羊镇", category=org.township, region=org.county_b)
    )
    _record(periods, org.unit_a1, "A1", "2025-08-01", RecordStatus.APPROVED)
    _record(periods, org.unit_a1, "A1", "2025-08-02", RecordStatus.APPROVED)  # same cell
    _record(periods, org.unit_a1_sub, "A1", "2025-08-03", RecordStatus.SUBMITTED)
    _record(periods, org.unit_a2, "A1", "2025-06-30", RecordStatus.APPROVED)  # 2025Q2
    _record(periods, org.unit_b1, "A1", "2025-08-01", RecordStatus.APPROVED)  # county B
    _record(periods, org.unit_a2, "A3", "2025-08-01", RecordStatus.APPROVED)  # not tracked
    _nil(periods, "A2", [org.unit_a1, org.unit_a1_sub], NilReturnStatus.APPROVED)
    _nil(periods, "B2", [org.unit_a2], NilReturnStatus.SUBMITTED)
    _nil(periods, "A1", [org.unit_a2], NilReturnStatus.RETURNED)
    return Fixture(periods, unit_b2)
