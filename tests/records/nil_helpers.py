"""Shared set-up of the nil return tests: the records framework LK with 2025Q3 open (its
entry deadline long passed, so it is due) and 2025Q2 closed, a clerk and a reviewer of
ST-A and a clerk of ST-B.

ST-A answers for A1 (deduct) and A2 (bonus) on units A1, A1-1 (government) and A2
(township), and for B2 (deduct, townships only) on A2.
"""

from __future__ import annotations

import pytest

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.records.models import NilReturn
from qingfeng.records.nil_returns import nil_return_file
from tests.conftest import make_user
from tests.records.conftest import Setup


@pytest.fixture
def reviewer(setup: Setup) -> User:
    """Reviewer of station ST-A: county A's units."""
    return make_user("rev_a", Role.STATION_REVIEWER, station=setup.org.station_a)


@pytest.fixture
def clerk_b(setup: Setup) -> User:
    """Clerk of station ST-B (county B)."""
    return make_user("clerk_b", Role.STATION_CLERK, station=setup.station_b)


def file_nil(setup: Setup, clerk: User, code: str = "A1", **kwargs: object) -> NilReturn:
    """A nil return of ST-A on ``code`` for 2025Q3 (every unit unless ``units`` given)."""
    kwargs.setdefault("period", "2025Q3")
    return nil_return_file(
        framework=setup.framework,
        station=setup.org.station_a,
        indicator_code=code,
        actor=clerk,
        **kwargs,  # type: ignore[arg-type]
    )
