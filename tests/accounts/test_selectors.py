"""visible_units and its family, for every kind of scope."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from qingfeng.accounts import selectors
from qingfeng.accounts.roles import Capability, Role
from qingfeng.org import services
from tests.conftest import Org, make_user


def codes(qs: object) -> list[str]:
    return sorted(qs.values_list("code", flat=True))  # type: ignore[attr-defined]


def test_it_scopes_by_region_subtree(org: Org) -> None:
    city_admin = make_user("city", Role.COMMISSION_ADMIN, region=org.city)
    county_admin = make_user("county", Role.COMMISSION_ADMIN, region=org.county_a)
    assert codes(selectors.visible_units(city_admin)) == ["A1", "A1-1", "A2", "B1"]
    assert codes(selectors.visible_units(county_admin)) == ["A1", "A1-1", "A2"]
    assert codes(selectors.visible_regions(county_admin)) == ["C1-A"]


def test_it_scopes_a_station_to_its_region(org: Org) -> None:
    clerk = make_user("clerk", Role.STATION_CLERK, station=org.station_a)
    assert codes(selectors.visible_units(clerk)) == ["A1", "A1-1", "A2"]
    assert codes(selectors.visible_stations(clerk)) == ["ST-A"]


def test_it_scopes_a_discipline_group_to_its_units(org: Org) -> None:
    member = make_user("member", Role.DISCIPLINE_GROUP_MEMBER, discipline_group=org.group_a)
    assert codes(selectors.visible_units(member)) == ["A2"]
    assert codes(selectors.visible_discipline_groups(member)) == ["G-A"]
    assert codes(selectors.visible_people(member)) == []


def test_it_scopes_a_unit_to_itself_and_its_sub_units(org: Org) -> None:
    liaison = make_user("liaison", Role.UNIT_LIAISON, unit=org.unit_a1)
    assert codes(selectors.visible_units(liaison)) == ["A1", "A1-1"]
    assert codes(selectors.visible_people(liaison)) == ["PA1"]


def test_it_scopes_a_leader_to_their_current_units(org: Org) -> None:
    leader = make_user("leader", Role.LEADER, person=org.person_a1)
    assert codes(selectors.visible_units(leader)) == ["A1"]
    post = org.person_a1.posts.get()
    import datetime

    services.post_end(post=post, end=datetime.date(2026, 1, 1))
    assert codes(selectors.visible_units(leader)) == []
    # They still see themselves.
    assert codes(selectors.visible_people(leader)) == ["PA1"]


def test_it_unions_several_assignments(org: Org) -> None:
    user = make_user("two", Role.UNIT_LIAISON, unit=org.unit_a2)
    from qingfeng.accounts.models import RoleAssignment

    RoleAssignment.objects.create(
        user=user, role=Role.UNIT_LIAISON, scope_kind="unit", unit=org.unit_b1
    )
    assert codes(selectors.visible_units(user)) == ["A2", "B1"]


def test_it_gives_nothing_to_anonymous_or_inactive_or_roleless_users(org: Org) -> None:
    assert codes(selectors.visible_units(AnonymousUser())) == []
    nobody = make_user("nobody")
    assert codes(selectors.visible_units(nobody)) == []
    inactive = make_user("gone", Role.COMMISSION_ADMIN, region=org.county_a)
    inactive.is_active = False
    assert codes(selectors.visible_units(inactive)) == []


def test_it_narrows_by_capability(org: Org) -> None:
    analyst = make_user("analyst", Role.ANALYST, region=org.county_a)
    assert codes(selectors.visible_units(analyst)) == ["A1", "A1-1", "A2"]
    assert codes(selectors.visible_units(analyst, Capability.EDIT_ORG)) == []


def test_it_moves_subtrees_when_a_region_moves(org: Org) -> None:
    admin = make_user("admin_b_only", Role.COMMISSION_ADMIN, region=org.county_b)
    org.county_a.parent = org.county_b
    services.region_save(region=org.county_a)
    # County A now lies under county B, so B's administrator sees A's units too.
    assert codes(selectors.visible_units(admin)) == ["A1", "A1-1", "A2", "B1"]
    org.unit_a1.refresh_from_db()
    org.unit_a1_sub.refresh_from_db()
    assert org.unit_a1_sub.path == f"{org.unit_a1.path}{org.unit_a1_sub.pk}/"


def test_it_refuses_a_region_cycle(org: Org) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    org.city.parent = org.county_a
    with pytest.raises(ValidationError):
        services.region_save(region=org.city)
