"""The write rule of fulfilment records (``duties.fulfil_selectors.may_fulfil``), both
ways: who keeps each kind of list, and that nobody else does (not the commission)."""

from __future__ import annotations

import pytest

from qingfeng.accounts.roles import Role
from qingfeng.duties.fulfil_selectors import fulfillable_lists, may_fulfil
from qingfeng.duties.models import DutyList
from tests.conftest import make_user
from tests.duties.conftest import YEAR, Team

pytestmark = pytest.mark.django_db


def writable(user: object, team: Team) -> set[str]:
    lists = {
        "team": team.team_list,
        "principal": team.principal_list,
        "member": team.member_list,
        "fellow": team.fellow_list,
        "group": team.group_list,
    }
    return {name for name, duty_list in lists.items() if may_fulfil(user, duty_list)}  # type: ignore[arg-type]


def test_it_lets_a_member_keep_their_own_list_only(team: Team) -> None:
    assert writable(team.member_user, team) == {"member"}


def test_it_lets_the_principal_keep_their_list_and_the_teams(team: Team) -> None:
    assert writable(team.principal_user, team) == {"principal", "team"}


def test_it_lets_the_liaison_keep_the_team_list(team: Team) -> None:
    assert writable(team.liaison_user, team) == {"team"}


def test_it_lets_a_group_member_keep_the_group_list(team: Team) -> None:
    assert writable(team.group_user, team) == {"group"}


def test_it_lets_no_viewer_write(team: Team) -> None:
    admin = make_user("admin", Role.COMMISSION_ADMIN, region=team.org.county_a)
    for user in (
        team.deputy_user,
        team.commission_user,
        admin,
        team.clerk_user,
        team.outsider_user,
    ):
        assert writable(user, team) == set(), user.username


def test_it_lets_a_former_principal_no_longer_keep_the_team_list(team: Team) -> None:
    from qingfeng.org.models import Post

    Post.objects.filter(person=team.org.person_a1).update(end="2026-03-01")
    assert writable(team.principal_user, team) == {"principal"}


def test_it_orders_the_leaders_own_list_first(team: Team) -> None:
    lists = fulfillable_lists(team.principal_user, year=YEAR)
    assert [d.kind for d in lists] == ["principal", "team"]
    assert fulfillable_lists(team.principal_user, year=YEAR + 1) == []
    assert all(isinstance(d, DutyList) for d in lists)
