"""Work waiting for each role, for the home-page tests (regular and browser).

Built on the analysis results (``tests/dashboard/conftest.py``: framework T scored over the
four quarters of 2025, county A's units A1, A1-1 and A2, county B's B1), plus:

- the current quarter open for collection; leaf A1 (deduct) entered by station ST-A of
  county A, leaf B1 (survey) self-assessed;
- clerk ``clerk_a`` (ST-A): 2 drafts, 1 returned and 3 submitted records of county A's units;
- clerk ``clerk_b`` (ST-B, county B): 1 submitted record of B1 (outside county A);
- a self-assessment of B1 by A1 in the open period (A1-1 has none yet);
- one user per role: reviewer of ST-A, liaison of A1, leader (A1's principal), analyst,
  leadership and commission administrator of county A, discipline group member of G-A
  (which covers A2), system administrator.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.framework.models import Indicator
from qingfeng.lib.periods import Period
from qingfeng.org import services as org_services
from qingfeng.org.models import Station, StationKind
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.periods import period_open
from tests.conftest import make_user, record
from tests.dashboard.conftest import Results


def current_quarter() -> Period:
    """The quarter containing today (the open collection period)."""
    today = timezone.localdate()
    return Period(today.year, "Q", (today.month - 1) // 3 + 1)


@dataclass
class Work:
    results: Results
    period: Period
    station_b: Station
    users: dict[str, User]
    returned: Record


@pytest.fixture
def work(results: Results) -> Work:
    org, scored = results.org, results.scored
    period = current_quarter()
    day = period.start
    Indicator.objects.filter(version=scored.version, code="A1").update(station=org.station_a)
    Indicator.objects.filter(version=scored.version, code="B1").update(self_assessed=True)
    station_b = org_services.station_save(
        station=Station(
            code="ST-B", name="平顺县财政局监测站", kind=StationKind.DEPARTMENT, region=org.county_b
        )
    )
    users = {
        "commission": make_user("commission_a", Role.COMMISSION_ADMIN, region=org.county_a),
        "admin": make_user("sysadmin", Role.SYSTEM_ADMIN),
        "clerk": make_user("clerk_a", Role.STATION_CLERK, station=org.station_a),
        "clerk_b": make_user("clerk_b", Role.STATION_CLERK, station=station_b),
        "reviewer": make_user("reviewer_a", Role.STATION_REVIEWER, station=org.station_a),
        "liaison": results.liaison,
        "leader": make_user("leader_a1", Role.LEADER, person=org.person_a1),
        "analyst": results.analyst,
        "analyst_b": results.analyst_b,
        "leadership": make_user("leadership_a", Role.LEADERSHIP, region=org.county_a),
        "group": make_user("group_a", Role.DISCIPLINE_GROUP_MEMBER, discipline_group=org.group_a),
    }
    period_open(framework=scored.framework, period=str(period), actor=users["commission"])
    clerk = users["clerk"]
    now = timezone.now()

    def entered(unit: object, status: str, **fields: object) -> Record:
        return record(
            scored,
            unit,
            "A1",
            day.isoformat(),
            quantity=1,
            status=status,
            station=org.station_a,
            created_by=clerk,
            submitted_at=None if status == RecordStatus.DRAFT else now,
            **fields,
        )

    entered(org.unit_a1, RecordStatus.DRAFT)
    entered(org.unit_a2, RecordStatus.DRAFT)
    returned = entered(
        org.unit_a2,
        RecordStatus.RETURNED,
        return_reason="佐证材料不清晰",
        reviewed_at=now,
        note="退回的记录",
    )
    for unit in (org.unit_a1, org.unit_a1_sub, org.unit_a2):
        entered(unit, RecordStatus.SUBMITTED)
    record(
        scored,
        org.unit_b1,
        "A1",
        day.isoformat(),
        quantity=2,
        status=RecordStatus.SUBMITTED,
        station=station_b,
        created_by=users["clerk_b"],
        submitted_at=now - datetime.timedelta(days=1),
    )
    record(
        scored,
        org.unit_a1,
        "B1",
        day.isoformat(),
        value=90,
        status=RecordStatus.DRAFT,
        self_assessment=True,
        created_by=results.liaison,
    )
    return Work(results, period, station_b, users, returned)
