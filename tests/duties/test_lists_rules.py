"""Who holds (and may edit) a duty list, who endorses it, and the endorsement order
(签字背书): each refusal, each allowed move, the history and the endorser's notice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.duties import endorsement
from qingfeng.duties.lists_selectors import (
    can_configure_duties,
    endorser_users,
    is_endorser,
    may_confirm,
    may_edit_list,
    may_endorse,
    may_reopen,
)
from qingfeng.duties.models import DutyList, ListStatus
from qingfeng.inbox.models import Notice
from tests.conftest import make_user
from tests.duties.conftest import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(team: Team) -> User:
    """A commission administrator of county A (``MANAGE_DUTIES`` over its region)."""
    return make_user("manager_a", Role.COMMISSION_ADMIN, region=team.org.county_a)


@pytest.fixture
def manager_b(team: Team) -> User:
    return make_user("manager_b", Role.COMMISSION_ADMIN, region=team.org.county_b)


def editors(team: Team, duty_list: DutyList, manager: User, manager_b: User) -> set[str]:
    users = {
        "principal": team.principal_user,
        "member": team.member_user,
        "fellow": team.fellow_user,
        "deputy": team.deputy_user,
        "group": team.group_user,
        "analyst": team.commission_user,
        "liaison": team.liaison_user,
        "clerk": team.clerk_user,
        "outsider": team.outsider_user,
        "manager": manager,
        "manager_b": manager_b,
    }
    return {name for name, user in users.items() if may_edit_list(user, duty_list)}


def test_it_lets_only_the_holder_and_the_manager_edit_each_kind_of_list(
    team: Team, manager: User, manager_b: User
) -> None:
    assert editors(team, team.member_list, manager, manager_b) == {"member", "manager"}
    assert editors(team, team.fellow_list, manager, manager_b) == {"fellow", "manager"}
    assert editors(team, team.principal_list, manager, manager_b) == {"principal", "manager"}
    assert editors(team, team.team_list, manager, manager_b) == {
        "principal",
        "liaison",
        "manager",
    }
    assert editors(team, team.group_list, manager, manager_b) == {"group", "manager"}


def test_it_lets_nobody_but_the_manager_edit_a_confirmed_list(
    team: Team, manager: User, manager_b: User
) -> None:
    endorsement.list_confirm(duty_list=team.member_list, actor=team.member_user)
    team.member_list.refresh_from_db()
    assert editors(team, team.member_list, manager, manager_b) == set()
    assert may_reopen(manager, team.member_list)
    assert not may_reopen(team.member_user, team.member_list)
    assert not may_reopen(manager_b, team.member_list)


def test_it_refuses_to_confirm_for_anyone_but_the_holder(team: Team, manager: User) -> None:
    for user in (team.fellow_user, team.principal_user, manager, team.deputy_user):
        assert not may_confirm(user, team.member_list)
        with pytest.raises(ValidationError, match="责任主体可以确认"):
            endorsement.list_confirm(duty_list=team.member_list, actor=user)
    assert DutyList.objects.get(pk=team.member_list.pk).status == ListStatus.DRAFT


def test_it_refuses_to_endorse_a_draft(team: Team) -> None:
    assert not may_endorse(team.principal_user, team.member_list)
    with pytest.raises(ValidationError, match="确认清单后才能背书"):
        endorsement.list_endorse(duty_list=team.member_list, actor=team.principal_user)


def test_it_has_the_principal_endorse_a_members_list_and_tells_them(
    team: Team, manager: User
) -> None:
    confirmed = endorsement.list_confirm(duty_list=team.member_list, actor=team.member_user)
    assert confirmed.status == ListStatus.CONFIRMED
    assert confirmed.confirmed_by == team.member_user and confirmed.confirmed_at is not None
    assert endorser_users(confirmed) == [team.principal_user]
    notice = Notice.objects.get(recipient=team.principal_user)
    assert notice.link == f"/duties/lists/{confirmed.pk}/"
    for user in (team.member_user, team.fellow_user, team.deputy_user, manager, team.group_user):
        assert not may_endorse(user, confirmed)
        with pytest.raises(ValidationError):
            endorsement.list_endorse(duty_list=confirmed, actor=user)
    assert may_endorse(team.principal_user, confirmed)
    endorsed = endorsement.list_endorse(duty_list=confirmed, actor=team.principal_user)
    assert endorsed.status == ListStatus.ENDORSED
    assert endorsed.endorsed_by == team.principal_user and endorsed.endorsed_at is not None
    with pytest.raises(ValidationError, match="已背书"):
        endorsement.list_endorse(duty_list=endorsed, actor=team.principal_user)


def test_it_never_lets_the_holder_endorse_its_own_list(team: Team) -> None:
    confirmed = endorsement.list_confirm(duty_list=team.team_list, actor=team.liaison_user)
    # The principal holds the team's list (with the liaison): not its endorser.
    assert not is_endorser(team.principal_user, confirmed)
    with pytest.raises(ValidationError, match="本人的清单"):
        endorsement.list_endorse(duty_list=confirmed, actor=team.principal_user)
    with pytest.raises(ValidationError, match="本人的清单"):
        endorsement.list_endorse(duty_list=confirmed, actor=team.liaison_user)


def test_it_has_the_leader_in_charge_or_the_commission_endorse_a_principal(
    team: Team, manager: User, manager_b: User
) -> None:
    confirmed = endorsement.list_confirm(duty_list=team.principal_list, actor=team.principal_user)
    assert {user.username for user in endorser_users(confirmed)} == {"deputy", "manager_a"}
    assert not may_endorse(manager_b, confirmed)
    assert not may_endorse(team.member_user, confirmed)
    assert not may_endorse(team.commission_user, confirmed)  # an analyst manages nothing
    assert may_endorse(manager, confirmed)
    endorsed = endorsement.list_endorse(duty_list=confirmed, actor=team.deputy_user)
    assert endorsed.endorsed_by == team.deputy_user


def test_it_has_only_the_commission_endorse_a_groups_list(team: Team, manager: User) -> None:
    confirmed = endorsement.list_confirm(duty_list=team.group_list, actor=team.group_user)
    for user in (team.group_user, team.deputy_user, team.principal_user):
        with pytest.raises(ValidationError):
            endorsement.list_endorse(duty_list=confirmed, actor=user)
    assert endorsement.list_endorse(duty_list=confirmed, actor=manager).endorsed_by == manager


def test_it_reopens_with_a_reason_kept_in_the_history(team: Team, manager: User) -> None:
    confirmed = endorsement.list_confirm(duty_list=team.member_list, actor=team.member_user)
    endorsed = endorsement.list_endorse(duty_list=confirmed, actor=team.principal_user)
    with pytest.raises(ValidationError):
        endorsement.list_reopen(duty_list=endorsed, actor=team.principal_user, reason="改")
    with pytest.raises(ValidationError, match="理由"):
        endorsement.list_reopen(duty_list=endorsed, actor=manager, reason="  ")
    draft = endorsement.list_reopen(duty_list=endorsed, actor=manager, reason="任务需调整")
    assert draft.status == ListStatus.DRAFT and draft.endorsed_by is None
    steps = [
        (h.status, h.history_user, h.history_change_reason)
        for h in draft.history.order_by("history_date", "history_id")  # type: ignore[attr-defined]
    ]
    assert steps[1:] == [
        ("confirmed", team.member_user, _("confirmed by the holder")),
        ("endorsed", team.principal_user, _("endorsed")),
        ("draft", manager, "任务需调整"),
    ]
    with pytest.raises(ValidationError, match="已是草稿"):
        endorsement.list_reopen(duty_list=draft, actor=manager, reason="再改")


def test_it_lets_only_a_global_or_root_manager_configure(team: Team, manager: User) -> None:
    root = make_user("root_admin", Role.COMMISSION_ADMIN, region=team.org.city)
    everywhere = make_user("everywhere", Role.SYSTEM_ADMIN)
    assert can_configure_duties(root) and can_configure_duties(everywhere)
    assert not can_configure_duties(manager)
    assert not can_configure_duties(team.group_user)
