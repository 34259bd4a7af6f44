"""token_units: what an API token may see is its data station's scope, the same rule as for
a user holding a role over the station."""

from __future__ import annotations

from qingfeng.accounts import selectors
from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.api.tokens import token_issue
from qingfeng.org import services
from qingfeng.org.models import Station, StationKind
from tests.conftest import Org, make_user


def codes(qs: object) -> list[str]:
    return sorted(qs.values_list("code", flat=True))  # type: ignore[attr-defined]


def test_a_county_station_token_sees_the_county_units_only(org: Org, admin_a: User) -> None:
    token, _plain = token_issue(station=org.station_a, name="信访系统", actor=admin_a)
    assert codes(selectors.token_units(token)) == ["A1", "A1-1", "A2"]


def test_a_token_sees_what_the_station_clerks_see(org: Org, admin_a: User) -> None:
    token, _plain = token_issue(station=org.station_a, name="信访系统", actor=admin_a)
    clerk = make_user("clerk", Role.STATION_CLERK, station=org.station_a)
    assert codes(selectors.token_units(token)) == codes(selectors.visible_units(clerk))


def test_a_city_station_token_sees_every_county(org: Org) -> None:
    city_admin = make_user("city_admin", Role.COMMISSION_ADMIN, region=org.city)
    station = services.station_save(
        station=Station(
            code="ST-C", name="长治市审计局", kind=StationKind.DEPARTMENT, region=org.city
        )
    )
    token, _plain = token_issue(station=station, name="审计系统", actor=city_admin)
    assert codes(selectors.token_units(token)) == ["A1", "A1-1", "A2", "B1"]


def test_a_token_follows_its_region_when_it_moves(org: Org, admin_a: User) -> None:
    token, _plain = token_issue(station=org.station_a, name="信访系统", actor=admin_a)
    org.county_b.parent = org.county_a
    services.region_save(region=org.county_b)
    assert codes(selectors.token_units(token)) == ["A1", "A1-1", "A2", "B1"]
