"""A county framework with two warning bands and warnings on county A's units, the users
who act on them (an analyst, county A's and county B's liaisons, a leader in charge)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.framework.models import Framework, FrameworkVersion, VersionStatus
from qingfeng.monitoring.models import Warning, WarningKind
from qingfeng.org.models import InChargeKind, Person
from qingfeng.org.services import in_charge_add, person_save
from tests.conftest import Org, make_user


@dataclass
class World:
    org: Org
    framework: Framework
    version: FrameworkVersion
    red: Warning  # unit A1's total in the red band
    yellow: Warning  # unit A2's node B in the yellow band
    veto: Warning  # unit A1 vetoed
    analyst: User
    liaison: User  # of unit A1
    liaison_b: User  # of unit B1 (county B)
    leader: User  # the account of the leader in charge of unit A1


def make_warning(world_org: Org, framework: Framework, **fields: object) -> Warning:
    """A stored warning as the register would sync it (2026Q3 unless told)."""
    defaults: dict[str, object] = {
        "framework": framework,
        "period": "2026Q3",
        "unit": world_org.unit_a1,
        "band": "red",
        "severity": 2,
        "score": 55.5,
        "max": 100,
    }
    return Warning.objects.create(**(defaults | fields))


@pytest.fixture
def world(org: Org) -> World:
    framework = Framework.objects.create(
        code="LC", name="黎城县政治生态评估指标体系", region=org.county_a
    )
    version = FrameworkVersion.objects.create(
        framework=framework,
        number=1,
        name="2026 版",
        year=2026,
        status=VersionStatus.PUBLISHED,
        bands=[{"level": "yellow", "below": 0.8}, {"level": "red", "below": 0.6}],
    )
    # A deputy county head in charge of unit A1 (not its principal, who acts for it).
    deputy = person_save(person=Person(code="PD1", name="赵志刚", rank="副处级"))
    in_charge_add(unit=org.unit_a1, person=deputy, title="副县长", kind=InChargeKind.IN_CHARGE)
    leader = make_user("leader_a", Role.LEADER, person=deputy)
    return World(
        org=org,
        framework=framework,
        version=version,
        red=make_warning(org, framework),
        yellow=make_warning(
            org,
            framework,
            unit=org.unit_a2,
            node_code="B",
            node_name="党风廉政建设",
            band="yellow",
            severity=1,
            score=11,
            max=15,
        ),
        veto=make_warning(
            org, framework, kind=WarningKind.VETO, band="", severity=9, score=None, max=None
        ),
        analyst=make_user("analyst_a", Role.ANALYST, region=org.county_a),
        liaison=make_user("liaison_a1", Role.UNIT_LIAISON, unit=org.unit_a1),
        liaison_b=make_user("liaison_b1", Role.UNIT_LIAISON, unit=org.unit_b1),
        leader=leader,
    )
