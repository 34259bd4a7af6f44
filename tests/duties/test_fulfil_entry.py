"""A leader's daily pages: "my duties", the quick entry of a fulfilment record (stores,
moves the light; bad input stores nothing), deleting one's own record within the limit,
and the write rule through the views (404 for a list one does not keep)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.fixtures import Settings

from qingfeng.duties.fulfil_selectors import DELETE_DAYS
from qingfeng.duties.lights import Light, light
from qingfeng.duties.models import (
    DutyTask,
    Fulfilment,
    FulfilmentAttachment,
    Recurrence,
    TaskDue,
)
from qingfeng.duties.services import fulfilment_record
from tests.conftest import client_for
from tests.duties.conftest import Team, a_day

pytestmark = pytest.mark.django_db

TODAY = a_day(9, 25)  # in the third quarter, five days before its due date


@pytest.fixture(autouse=True)
def today(settings: Settings, tmp_path: Path) -> Iterator[datetime.date]:
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(datetime.datetime(2026, 9, 25, 10, tzinfo=datetime.UTC), tick=False):
        yield TODAY


def quarterly(duty_list: object) -> DutyTask:
    return DutyTask.objects.filter(duty_list=duty_list, recurrence=Recurrence.QUARTERLY).first()  # type: ignore[return-value]


def q3(task: DutyTask) -> TaskDue:
    return task.dues.get(due=a_day(9, 30))


def test_it_shows_a_member_their_dues_yellow_first_and_no_fellows(team: Team) -> None:
    response = client_for(team.member_user).get(reverse("duties:fulfil_mine"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-list="{team.member_list.pk}"' in page
    assert f'data-list="{team.fellow_list.pk}"' not in page
    assert f'data-list="{team.team_list.pk}"' not in page
    task = quarterly(team.member_list)
    assert f'data-due="{q3(task).pk}" data-light="yellow"' in page
    assert "录入纪实" in page
    # Overdue first (the first two quarters were never recorded), then coming due.
    lights = [
        chunk.split('data-light="')[1].split('"')[0]
        for chunk in page.split('data-testid="due"')[1:]
    ]
    assert lights[0] == "red" and "yellow" in lights
    assert sorted(lights, key=["red", "orange", "yellow", "green", "grey"].index) == lights


def test_it_shows_the_principal_their_list_then_the_teams(team: Team) -> None:
    page = client_for(team.principal_user).get(reverse("duties:fulfil_mine")).content.decode()
    assert page.index(f'data-list="{team.principal_list.pk}"') < page.index(
        f'data-list="{team.team_list.pk}"'
    )


def test_it_offers_the_report_form_only_to_a_post_holder(team: Team) -> None:
    report = reverse("duties:report_new")
    assert (
        report in client_for(team.member_user).get(reverse("duties:fulfil_mine")).content.decode()
    )
    page = client_for(team.group_user).get(reverse("duties:fulfil_mine")).content.decode()
    assert f'data-list="{team.group_list.pk}"' in page
    assert report not in page


def test_it_refuses_my_duties_to_a_user_who_fulfils_nothing(team: Team) -> None:
    assert client_for(team.clerk_user).get(reverse("duties:fulfil_mine")).status_code == 404


def test_it_records_quickly_and_moves_the_light(team: Team) -> None:
    task = quarterly(team.member_list)
    due = q3(task)
    client = client_for(team.member_user)
    url = reverse("duties:fulfil_entry", args=[task.pk])
    form = client.get(url)
    assert form.status_code == 200
    # The earliest open due by default (the first quarter's, red), or the one asked for.
    assert form.context["form"].initial["due"] == task.dues.get(due=a_day(3, 31))
    assert form.context["form"].initial["done_on"] == TODAY
    assert client.get(f"{url}?due={due.pk}").context["form"].initial["due"] == due
    # A due of another task, or no number at all, falls back to the earliest open one.
    other = q3(quarterly(team.principal_list))
    for asked in (str(other.pk), "abc"):
        answer = client.get(f"{url}?due={asked}")
        assert answer.context["form"].initial["due"] == task.dues.get(due=a_day(3, 31))
    response = client.post(
        url,
        {
            "due": due.pk,
            "done_on": "2026-09-24",
            "content": "召开分管领域廉政谈话会",
            "attachments": [
                SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 a"),
                SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff jpg"),
            ],
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("duties:fulfil_mine")
    assert "已记录" in response.content.decode()
    record = Fulfilment.objects.get()
    assert (record.due, record.done_on, record.recorded_by) == (due, a_day(9, 24), team.member_user)
    assert sorted(record.attachments.values_list("name", flat=True)) == ["照片.jpg", "纪要.pdf"]
    due.refresh_from_db()
    assert light(due=due.due, completed_on=due.completed_on, today=TODAY) == Light.GREEN


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"done_on": "2026-09-26", "content": "明天的事"}, "done_on"),
        ({"done_on": "2026-06-30", "content": "上季度的事"}, "done_on"),
        ({"done_on": "2026-09-24", "content": "   "}, "content"),
        ({"done_on": "2026-09-24", "content": "有附件", "bad": True}, "attachments"),
    ],
)
def test_it_stores_nothing_on_bad_input(team: Team, data: dict[str, object], field: str) -> None:
    task = quarterly(team.member_list)
    post = {"due": q3(task).pk, **data}
    if post.pop("bad", False):
        post["attachments"] = [
            SimpleUploadedFile("好.pdf", b"%PDF-1.4"),
            SimpleUploadedFile("坏.exe", b"MZ"),
        ]
    response = client_for(team.member_user).post(
        reverse("duties:fulfil_entry", args=[task.pk]), post
    )
    assert response.status_code == 200
    assert f'data-field="{field}"' in response.content.decode()
    assert not Fulfilment.objects.exists()
    assert not FulfilmentAttachment.objects.exists()


def test_it_refuses_entry_on_a_list_one_does_not_keep(team: Team) -> None:
    principal_task = quarterly(team.principal_list)
    for user in (team.member_user, team.deputy_user, team.commission_user, team.clerk_user):
        url = reverse("duties:fulfil_entry", args=[principal_task.pk])
        client = client_for(user)
        assert client.get(url).status_code == 404
        post = {"due": q3(principal_task).pk, "done_on": "2026-09-24", "content": "x"}
        assert client.post(url, post).status_code == 404
    assert not Fulfilment.objects.exists()


def test_it_refuses_a_due_of_another_task(team: Team) -> None:
    task = quarterly(team.member_list)
    other = quarterly(team.principal_list)
    response = client_for(team.member_user).post(
        reverse("duties:fulfil_entry", args=[task.pk]),
        {"due": q3(other).pk, "done_on": "2026-09-24", "content": "x"},
    )
    assert response.status_code == 200
    assert 'data-field="due"' in response.content.decode()
    assert not Fulfilment.objects.exists()


def test_it_shows_one_kept_list_and_404_for_others(team: Team) -> None:
    client = client_for(team.member_user)
    page = client.get(reverse("duties:fulfil_list", args=[team.member_list.pk]))
    assert page.status_code == 200
    assert quarterly(team.member_list).title in page.content.decode()
    for other in (team.principal_list, team.fellow_list, team.team_list):
        assert client.get(reverse("duties:fulfil_list", args=[other.pk])).status_code == 404


def test_it_lets_the_recorder_delete_within_the_limit(team: Team) -> None:
    task = quarterly(team.member_list)
    due = q3(task)
    record = fulfilment_record(due=due, done_on=TODAY, content="谈话", actor=team.member_user)
    url = reverse("duties:fulfil_delete", args=[record.pk])
    # Not the recorder (the principal sees it but did not write it): 404.
    assert client_for(team.principal_user).post(url).status_code == 404
    with time_machine.travel(TODAY + datetime.timedelta(days=DELETE_DAYS + 1)):
        assert client_for(team.member_user).post(url).status_code == 404
    assert Fulfilment.objects.filter(pk=record.pk).exists()
    with time_machine.travel(TODAY + datetime.timedelta(days=DELETE_DAYS)):
        response = client_for(team.member_user).post(url)
    assert response.status_code == 302
    assert not Fulfilment.objects.exists()
    due.refresh_from_db()
    assert due.completed_on is None


def test_it_counts_red_and_yellow_dues_on_the_home_page(team: Team) -> None:
    page = client_for(team.member_user).get(reverse("core:home")).content.decode()
    # Two quarters passed unrecorded (red) for each quarterly task; the third is yellow.
    tasks = DutyTask.objects.filter(duty_list=team.member_list)
    dues = TaskDue.objects.filter(task__in=tasks, completed_on__isnull=True)
    red = sum(1 for d in dues if light(due=d.due, completed_on=None, today=TODAY) == Light.RED)
    yellow = sum(
        1 for d in dues if light(due=d.due, completed_on=None, today=TODAY) == Light.YELLOW
    )
    assert red and yellow
    assert f'data-red="{red}" data-yellow="{yellow}"' in page
    assert reverse("duties:fulfil_mine") in page
    for user in (team.commission_user, team.deputy_user, team.clerk_user):
        assert (
            'data-testid="home-fulfil"'
            not in client_for(user).get(reverse("core:home")).content.decode()
        )
