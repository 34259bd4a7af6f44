"""The ledger's world: county A's station ST-A (clerk, reviewer) and unit A1 (liaison);
county B's station ST-B and unit B1 (liaison); county A's commission administrator."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.org import services as org_services
from qingfeng.org.models import Station, StationKind
from qingfeng.rectification import services
from qingfeng.rectification.models import Problem, ProblemSource
from tests.conftest import Org, client_for, make_user


@dataclass
class Ledger:
    org: Org
    station_b: Station
    users: dict[str, User]

    def client(self, key: str) -> Client:
        return client_for(self.users[key])

    def problem(
        self, *, unit: object = None, station: object = None, due: str = "2026-12-31", **kw: object
    ) -> Problem:
        """A problem entered by ST-A's clerk (unit A1 unless told)."""
        fields: dict[str, object] = {
            "unit": unit or self.org.unit_a1,
            "station": station or self.org.station_a,
            "source": ProblemSource.INSPECTION,
            "problem_type": "四风",
            "description": "违规发放节日福利",
            "due": datetime.date.fromisoformat(due),
            **kw,
        }
        return services.problem_create(actor=self.users["clerk_a"], **fields)


@pytest.fixture
def ledger(org: Org, admin_a: User, settings: Settings, tmp_path: Path) -> Ledger:
    settings.MEDIA_ROOT = tmp_path
    station_b = org_services.station_save(
        station=Station(
            code="ST-B", name="平顺县审计局", kind=StationKind.DEPARTMENT, region=org.county_b
        )
    )
    users = {
        "admin_a": admin_a,
        "clerk_a": make_user("clerk_a", Role.STATION_CLERK, station=org.station_a),
        "reviewer_a": make_user("reviewer_a", Role.STATION_REVIEWER, station=org.station_a),
        "liaison_a": make_user("liaison_a", Role.UNIT_LIAISON, unit=org.unit_a1),
        "liaison_b": make_user("liaison_b", Role.UNIT_LIAISON, unit=org.unit_b1),
        "clerk_b": make_user("clerk_b", Role.STATION_CLERK, station=station_b),
        "reviewer_b": make_user("reviewer_b", Role.STATION_REVIEWER, station=station_b),
        "analyst_a": make_user("analyst_a", Role.ANALYST, region=org.county_a),
    }
    return Ledger(org=org, station_b=station_b, users=users)
