"""The light boards' pages, in and out of scope: a unit or list outside the user's duty
scope is a 404, a region board shows nothing outside it, on a phone nothing scrolls
sideways (a list per row, no table)."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from qingfeng.duties.models import TaskDue
from tests.conftest import client_for
from tests.duties.conftest import Team, a_day

pytestmark = pytest.mark.django_db


def test_it_shows_the_commission_the_county_board_with_both_rows(team: Team) -> None:
    with time_machine.travel(a_day(7, 15), tick=False):
        response = client_for(team.commission_user).get(reverse("duties:board"), {"region": "C1-A"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-code="A1"' in page and 'data-code="G-A2"' in page
    assert reverse("duties:board_unit", args=[team.org.unit_a1.pk]) in page
    assert "<table" not in page


def test_it_refuses_a_region_outside_the_scope(team: Team) -> None:
    response = client_for(team.outsider_user).get(reverse("duties:board"), {"region": "C1-A"})
    assert response.status_code == 404


def test_the_outsiders_own_board_shows_nothing_of_another_county(team: Team) -> None:
    response = client_for(team.outsider_user).get(reverse("duties:board"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="board-row"' not in page and 'data-testid="board-empty"' in page


def test_a_member_counts_only_the_lists_the_member_may_see(team: Team) -> None:
    response = client_for(team.member_user).get(reverse("duties:board"), {"region": "C1-A"})
    assert response.status_code == 200
    seen = TaskDue.objects.filter(duty_list__in=[team.team_list, team.member_list]).count()
    assert f'data-total="{seen}"' in response.content.decode()


def test_a_unit_board_is_404_outside(team: Team) -> None:
    url = reverse("duties:board_unit", args=[team.org.unit_a1.pk])
    assert client_for(team.outsider_user).get(url).status_code == 404
    assert client_for(team.clerk_user).get(url).status_code == 404
    response = client_for(team.principal_user).get(url)
    assert response.status_code == 200
    subjects = response.content.decode().count('data-testid="board-subject"')
    assert subjects == 4


def test_a_member_sees_on_the_unit_board_the_team_and_self_only(team: Team) -> None:
    url = reverse("duties:board_unit", args=[team.org.unit_a1.pk])
    page = client_for(team.member_user).get(url).content.decode()
    assert f'data-list="{team.member_list.pk}"' in page
    assert f'data-list="{team.team_list.pk}"' in page
    assert f'data-list="{team.fellow_list.pk}"' not in page
    assert f'data-list="{team.principal_list.pk}"' not in page


def test_a_list_board_is_404_to_a_fellow_member(team: Team) -> None:
    url = reverse("duties:board_list", args=[team.member_list.pk])
    assert client_for(team.fellow_user).get(url).status_code == 404
    assert client_for(team.outsider_user).get(url).status_code == 404
    response = client_for(team.group_user).get(url)
    assert response.status_code == 200
    dues = TaskDue.objects.filter(duty_list=team.member_list).count()
    assert response.content.decode().count('data-testid="board-due"') == dues


def test_the_menu_links_the_board(team: Team) -> None:
    page = client_for(team.principal_user).get(reverse("duties:board")).content.decode()
    assert 'data-testid="nav-duty-board"' in page
