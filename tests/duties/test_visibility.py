"""The one visibility rule of the two-responsibilities platform
(``accounts.selectors.duty_visibility_q``), both ways for every kind of viewer."""

from __future__ import annotations

import pytest

from qingfeng.accounts.selectors import duty_visibility_q
from qingfeng.duties.models import DutyList, TaskDue
from tests.duties.conftest import Team

pytestmark = pytest.mark.django_db


def seen(user: object, team: Team) -> set[str]:
    names = {
        team.team_list.pk: "team",
        team.principal_list.pk: "principal",
        team.member_list.pk: "member",
        team.fellow_list.pk: "fellow",
        team.group_list.pk: "group",
    }
    lists = DutyList.objects.filter(duty_visibility_q(user))
    return {names[pk] for pk in lists.values_list("pk", flat=True)}


EVERYTHING = {"team", "principal", "member", "fellow", "group"}


def test_it_shows_a_member_their_own_list_and_the_teams_but_no_fellows(team: Team) -> None:
    assert seen(team.member_user, team) == {"team", "member"}


def test_it_shows_the_principal_the_whole_team_but_not_the_group(team: Team) -> None:
    assert seen(team.principal_user, team) == {"team", "principal", "member", "fellow"}


def test_it_shows_the_leader_in_charge_the_units_lists(team: Team) -> None:
    assert seen(team.deputy_user, team) == {"team", "principal", "member", "fellow"}


def test_it_shows_the_discipline_group_its_units_and_its_own_list(team: Team) -> None:
    assert seen(team.group_user, team) == EVERYTHING


def test_it_shows_the_commission_its_region(team: Team) -> None:
    assert seen(team.commission_user, team) == EVERYTHING
    assert seen(team.outsider_user, team) == set()


def test_it_shows_a_liaison_the_team_list_only(team: Team) -> None:
    assert seen(team.liaison_user, team) == {"team"}


def test_it_shows_a_station_clerk_nothing(team: Team) -> None:
    assert seen(team.clerk_user, team) == set()


def test_it_filters_dues_through_the_same_rule(team: Team) -> None:
    visible = TaskDue.objects.filter(duty_visibility_q(team.member_user))
    assert set(visible.values_list("duty_list_id", flat=True)) == {
        team.team_list.pk,
        team.member_list.pk,
    }


def test_it_filters_through_a_relation(team: Team) -> None:
    from qingfeng.duties.models import DutyTask

    tasks = DutyTask.objects.filter(duty_visibility_q(team.fellow_user, prefix="duty_list__"))
    assert set(tasks.values_list("duty_list_id", flat=True)) == {
        team.team_list.pk,
        team.fellow_list.pk,
    }
