"""The small world of the lifecycle and page tests (tests/reports/test_life_*.py,
test_pages_*.py): the two-county ``org`` with the city framework T recomputed for 2025Q1
(no records: every unit of county A is in a warning band, the register synced), an
analyst, a commission administrator and the liaisons of units A1 (county A) and B1
(county B). Not a conftest: the other report tests keep theirs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.lib.periods import Period
from qingfeng.org.models import InChargeKind
from qingfeng.org.services import in_charge_add
from qingfeng.records.rescore import period_recompute
from qingfeng.reports.kinds import Subject
from tests.conftest import Org, Scored, make_user

PERIOD = "2025Q1"


@dataclass
class Life:
    org: Org
    scored: Scored
    analyst: User
    commission: User
    liaison_a1: User
    liaison_b1: User
    leader_a1: User  # the account of A1's principal (王建国)

    def subject(self, **more: Any) -> Subject:
        """The filing list's subject: framework T, 2025Q1, county A."""
        return Subject(
            framework=self.scored.framework,
            period=Period.parse(PERIOD),
            region=self.org.county_a,
            **more,
        )


@pytest.fixture
def life(org: Org, scored: Scored) -> Life:
    period_recompute(framework=scored.framework, period=Period.parse(PERIOD))
    in_charge_add(
        unit=org.unit_a2, person=org.person_a1, title="副县长", kind=InChargeKind.IN_CHARGE
    )
    return Life(
        org=org,
        scored=scored,
        analyst=make_user("analyst_a", Role.ANALYST, region=org.county_a),
        commission=make_user("commission_a", Role.COMMISSION_ADMIN, region=org.county_a),
        liaison_a1=make_user("liaison_a1", Role.UNIT_LIAISON, unit=org.unit_a1),
        liaison_b1=make_user("liaison_b1", Role.UNIT_LIAISON, unit=org.unit_b1),
        leader_a1=make_user("leader_a1", Role.LEADER, person=org.person_a1),
    )
