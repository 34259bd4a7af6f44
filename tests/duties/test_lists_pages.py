"""The duty lists' pages as their users see them: the index (the user's own first, today's
lights), a list's page (404 outside the visibility rule, who is awaited), personalising a
draft through the pages, the endorsement buttons, building lists and the configuration."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.duties.models import (
    DutyCategory,
    DutyList,
    DutyTask,
    ListStatus,
    Recurrence,
    TaskDue,
    TemplateItem,
)
from qingfeng.duties.services import fulfilment_record
from tests.conftest import client_for, make_user
from tests.duties.conftest import YEAR, Team, a_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(team: Team) -> User:
    return make_user("manager_a", Role.COMMISSION_ADMIN, region=team.org.county_a)


def detail(duty_list: DutyList) -> str:
    return reverse("duties:list_detail", args=[duty_list.pk])


def test_it_lists_the_users_own_lists_first_with_todays_lights(team: Team) -> None:
    with time_machine.travel(datetime.datetime(YEAR, 4, 2, 12), tick=False):
        page = client_for(team.principal_user).get(reverse("duties:list_index"))
    html = page.content.decode()
    assert page.status_code == 200
    # The principal's own list and the team it leads come first, then its members'.
    assert html.index("王建国") < html.index("赵敏") and html.index("王建国") < html.index("孙强")
    rows = page.context["rows"]
    own = [row["list"].pk for row in rows if row["list"].own == 0]
    assert set(own) == {team.principal_list.pk, team.team_list.pk}
    # Every task of the principal's list is due at 31 March at least once a year or more:
    # the counts of lights are those of the dues, counted in the database.
    row = next(row for row in rows if row["list"].pk == team.principal_list.pk)
    counted = dict((light.value, n) for light, n in row["lights"])
    dues = TaskDue.objects.filter(duty_list=team.principal_list)
    assert sum(counted.values()) == dues.count()
    assert counted["red"] == dues.filter(due__lt=a_day(4, 2)).count()


def test_it_filters_the_index_by_kind_and_status(team: Team) -> None:
    client = client_for(team.commission_user)
    page = client.get(reverse("duties:list_index"), {"year": YEAR, "kind": "member"})
    assert {row["list"].pk for row in page.context["rows"]} == {
        team.member_list.pk,
        team.fellow_list.pk,
    }
    page = client.get(reverse("duties:list_index"), {"year": YEAR, "status": "endorsed"})
    assert page.context["rows"] == []
    page = client.get(reverse("duties:list_index"), {"year": YEAR - 1})
    assert page.context["rows"] == []


def test_it_hides_a_list_outside_the_rule_with_a_404(team: Team) -> None:
    assert client_for(team.fellow_user).get(detail(team.member_list)).status_code == 404
    assert client_for(team.outsider_user).get(detail(team.team_list)).status_code == 404
    assert client_for(team.clerk_user).get(detail(team.team_list)).status_code == 404
    page = client_for(team.member_user).get(detail(team.member_list))
    assert page.status_code == 200
    assert "赵敏" in page.content.decode()


def test_it_shows_the_holder_the_confirm_button_and_who_endorses_next(team: Team) -> None:
    client = client_for(team.member_user)
    page = client.get(detail(team.member_list))
    assert page.context["may_confirm"] and page.context["may_edit"]
    response = client.post(reverse("duties:list_confirm", args=[team.member_list.pk]))
    assert response.status_code == 302
    page = client.get(detail(team.member_list))
    assert not page.context["may_confirm"] and not page.context["may_edit"]
    awaiting = page.content.decode().split('data-testid="awaiting">')[1].split("</dd>")[0]
    assert "王建国" in awaiting
    principal = client_for(team.principal_user)
    assert principal.get(detail(team.member_list)).context["may_endorse"]
    principal.post(reverse("duties:list_endorse", args=[team.member_list.pk]))
    team.member_list.refresh_from_db()
    assert team.member_list.status == ListStatus.ENDORSED


def test_it_tells_why_an_endorsement_is_refused(team: Team) -> None:
    client = client_for(team.principal_user)
    response = client.post(reverse("duties:list_endorse", args=[team.member_list.pk]), follow=True)
    assert "确认清单后才能背书" in response.content.decode()
    # A fellow member may not even see the list.
    fellow = client_for(team.fellow_user)
    assert (
        fellow.post(reverse("duties:list_endorse", args=[team.member_list.pk])).status_code == 404
    )
    assert (
        fellow.post(reverse("duties:list_confirm", args=[team.member_list.pk])).status_code == 404
    )


def task_data(category: DutyCategory, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "category": category.pk,
        "title": "每月开展一次廉政谈话",
        "measures": "与分管科室负责人逐一谈话",
        "recurrence": Recurrence.MONTHLY,
        "due_date": "",
        "required_count": 1,
        "department": "办公室",
        "order": 9,
    }
    data.update(changes)
    return data


def test_it_adds_changes_and_deletes_a_task_of_a_draft(team: Team) -> None:
    client = client_for(team.member_user)
    category = DutyCategory.objects.first()
    assert category is not None
    new = reverse("duties:list_task_new", args=[team.member_list.pk])
    assert client.post(new, task_data(category)).status_code == 302
    task = DutyTask.objects.get(duty_list=team.member_list, title="每月开展一次廉政谈话")
    assert task.dues.count() == 12
    edit = reverse("duties:list_task_edit", args=[task.pk])
    once = task_data(category, recurrence=Recurrence.ONCE, due_date=f"{YEAR}-06-30")
    assert client.post(edit, once).status_code == 302
    assert list(task.dues.values_list("due", flat=True)) == [a_day(6, 30)]
    # A due date outside the list's year comes back at the field.
    wrong = task_data(category, recurrence=Recurrence.ONCE, due_date=f"{YEAR + 1}-01-31")
    page = client.post(edit, wrong)
    assert page.status_code == 200 and page.context["form"].errors["due_date"]
    client.post(reverse("duties:list_task_delete", args=[task.pk]))
    assert not DutyTask.objects.filter(pk=task.pk).exists()


def test_it_refuses_to_delete_a_task_with_fulfilment_records(team: Team) -> None:
    task = team.member_list.tasks.first()
    assert task is not None
    due = task.dues.first()
    assert due is not None
    fulfilment_record(
        due=due, done_on=due.starts, content="开展谈话", actor=team.member_user, today=due.due
    )
    response = client_for(team.member_user).post(
        reverse("duties:list_task_delete", args=[task.pk]), follow=True
    )
    assert "已有履责纪实，不能删除" in response.content.decode()
    assert DutyTask.objects.filter(pk=task.pk).exists()


def test_it_hides_the_task_pages_from_everyone_but_the_editors(team: Team) -> None:
    task = team.member_list.tasks.first()
    assert task is not None
    new = reverse("duties:list_task_new", args=[team.member_list.pk])
    edit = reverse("duties:list_task_edit", args=[task.pk])
    delete = reverse("duties:list_task_delete", args=[task.pk])
    # The principal sees the member's list but does not hold it.
    for user in (team.fellow_user, team.principal_user, team.outsider_user):
        client = client_for(user)
        assert client.get(new).status_code == 404
        assert client.get(edit).status_code == 404
        assert client.post(delete).status_code == 404
    assert DutyTask.objects.filter(pk=task.pk).exists()
    assert client_for(team.member_user).get(edit).status_code == 200


def test_it_builds_a_regions_lists_once_from_the_page(team: Team, manager: User) -> None:
    client = client_for(manager)
    url = reverse("duties:lists_build")
    data = {"region": team.org.county_a.pk, "year": YEAR + 1}
    first = client.post(url, data)
    assert first.status_code == 200 and first.context["counts"].lists > 0
    built = DutyList.objects.filter(year=YEAR + 1).count()
    assert built == first.context["counts"].lists
    again = client.post(url, data)
    assert again.context["counts"].lists == 0
    assert DutyList.objects.filter(year=YEAR + 1).count() == built
    # County B is not the manager's to build.
    refused = client.post(url, {"region": team.org.county_b.pk, "year": YEAR + 1})
    assert refused.context["form"].errors["region"]
    assert client_for(team.member_user).get(url).status_code == 404


def test_it_creates_a_regions_lists_once_from_the_command(team: Team) -> None:
    out = io.StringIO()
    call_command("create_duty_lists", region="C1-A", year=YEAR + 2, stdout=out)
    built = DutyList.objects.filter(year=YEAR + 2).count()
    assert built > 0 and str(built) in out.getvalue()
    again = io.StringIO()
    call_command("create_duty_lists", region="C1-A", year=YEAR + 2, stdout=again)
    assert DutyList.objects.filter(year=YEAR + 2).count() == built
    assert "均已有" in again.getvalue()


def test_it_keeps_the_configuration_to_global_administrators(team: Team, manager: User) -> None:
    root = client_for(make_user("root_admin", Role.COMMISSION_ADMIN, region=team.org.city))
    config = reverse("duties:lists_config")
    # A county's manager reads the settings but cannot change them.
    read_only = client_for(manager).get(config)
    assert read_only.status_code == 200 and 'data-testid="read-only"' in read_only.content.decode()
    assert not read_only.context["may_configure"]
    new = reverse("duties:lists_config_new", args=["category"])
    assert client_for(manager).get(new).status_code == 404
    assert client_for(team.member_user).get(config).status_code == 404
    assert root.get(config).context["may_configure"]
    # A category in use cannot be deleted; it can be renamed and deactivated.
    used = DutyCategory.objects.get(code=team.member_list.tasks.first().category.code)  # type: ignore[union-attr]
    delete = reverse("duties:lists_config_delete", args=["category", used.pk])
    response = root.post(delete, follow=True)
    assert "正在使用" in response.content.decode()
    edit = reverse("duties:lists_config_edit", args=["category", used.pk])
    root.post(edit, {"code": used.code, "name": "管党治党责任", "active": ""})
    used.refresh_from_db()
    assert used.name == "管党治党责任" and not used.active
    # A new one is added at the end and can be moved up.
    root.post(reverse("duties:lists_config_new", args=["category"]), {"code": "x", "name": "其他"})
    added = DutyCategory.objects.get(code="x")
    assert list(DutyCategory.objects.values_list("code", flat=True))[-1] == "x"
    move = reverse("duties:lists_config_move", args=["category", added.pk])
    root.post(move, {"direction": "up"})
    assert list(DutyCategory.objects.values_list("code", flat=True))[-2] == "x"
    root.post(reverse("duties:lists_config_delete", args=["category", added.pk]))
    assert not DutyCategory.objects.filter(code="x").exists()


def test_it_restores_the_shipped_template(team: Team) -> None:
    root = client_for(make_user("root_admin", Role.SYSTEM_ADMIN))
    shipped = list(TemplateItem.objects.filter(kind="member").values_list("title", flat=True))
    item = TemplateItem.objects.filter(kind="member").first()
    assert item is not None
    root.post(reverse("duties:lists_config_delete", args=["template", item.pk]))
    assert TemplateItem.objects.filter(kind="member").count() == len(shipped) - 1
    root.post(reverse("duties:lists_config_restore"), {"kind": "member"})
    restored = list(TemplateItem.objects.filter(kind="member").values_list("title", flat=True))
    assert restored == shipped


def test_it_shows_the_menu_entries_by_capability(team: Team, manager: User) -> None:
    member = client_for(team.member_user).get(reverse("duties:list_index")).content.decode()
    assert 'data-testid="nav-duty-lists"' in member
    assert 'data-testid="nav-duty-build"' not in member
    managing = client_for(manager).get(reverse("duties:list_index")).content.decode()
    assert 'data-testid="nav-duty-build"' in managing
    assert 'data-testid="nav-duty-config"' in managing


def test_it_opens_the_lists_change_history_by_the_duty_rule(team: Team) -> None:
    """A list's change history opens for whoever sees the list (a member its own list,
    though a leader has no history.view), and is a 404 to a fellow member."""
    url = reverse("core:history", args=["duty_list", team.member_list.pk])
    page = client_for(team.member_user).get(url)
    assert page.status_code == 200
    assert "赵敏" in page.content.decode()
    assert client_for(team.fellow_user).get(url).status_code == 404
    task = team.member_list.tasks.first()
    assert task is not None
    task_url = reverse("core:history", args=["duty_task", task.pk])
    assert client_for(team.principal_user).get(task_url).status_code == 200
    assert client_for(team.fellow_user).get(task_url).status_code == 404
