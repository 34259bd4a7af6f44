"""Fulfilment records for viewers, through the views: who sees a leader's records (the
leader, the principal, the discipline group, the leader in charge, the commission) and
who gets a 404 (a fellow team member, a station clerk, another county); the filters; and
attachments served only within the same rule."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.fixtures import Settings

from qingfeng.duties.models import DutyList, DutyTask, Fulfilment, Recurrence
from qingfeng.duties.services import fulfilment_record
from tests.conftest import client_for
from tests.duties.conftest import Team, a_day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(settings: Settings, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(datetime.datetime(2026, 10, 5, 10, tzinfo=datetime.UTC), tick=False):
        yield


def record(duty_list: DutyList, content: str, *, done: datetime.date) -> Fulfilment:
    task = DutyTask.objects.filter(duty_list=duty_list, recurrence=Recurrence.QUARTERLY).first()
    assert task is not None
    due = task.dues.get(due=a_day(9, 30))
    return fulfilment_record(
        due=due,
        done_on=done,
        content=content,
        actor=None,
        attachments=[SimpleUploadedFile(f"{content}.pdf", b"%PDF-1.4 x")],
    )


@pytest.fixture
def records(team: Team) -> dict[str, Fulfilment]:
    return {
        "principal": record(team.principal_list, "主要负责人谈话", done=a_day(9, 20)),
        "member": record(team.member_list, "班子成员部署", done=a_day(10, 2)),
        "team": record(team.team_list, "班子专题会议", done=a_day(9, 1)),
        "group": record(team.group_list, "派驻组监督检查", done=a_day(8, 15)),
    }


def listed(user: object, **query: str) -> set[str]:
    response = client_for(user).get(reverse("duties:fulfil_records"), query)  # type: ignore[arg-type]
    assert response.status_code == 200
    page = response.content.decode()
    texts = {
        "principal": "主要负责人谈话",
        "member": "班子成员部署",
        "team": "班子专题会议",
        "group": "派驻组监督检查",
    }
    return {name for name, text in texts.items() if text in page}


def opens(user: object, fulfilment: Fulfilment) -> bool:
    client = client_for(user)  # type: ignore[arg-type]
    page = client.get(reverse("duties:fulfil_record", args=[fulfilment.pk])).status_code
    attachment = fulfilment.attachments.get()
    download = client.get(reverse("duties:fulfil_attachment", args=[attachment.pk])).status_code
    assert page == download, (page, download)
    assert page in (200, 404)
    return page == 200


ALL = {"principal", "member", "team", "group"}


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("member_user", {"member", "team"}),
        ("fellow_user", {"team"}),
        ("principal_user", {"principal", "member", "team"}),
        ("deputy_user", {"principal", "member", "team"}),
        ("group_user", ALL),
        ("commission_user", ALL),
        ("liaison_user", {"team"}),
        ("outsider_user", set()),
    ],
)
def test_it_lists_and_opens_records_by_the_rule(
    team: Team, records: dict[str, Fulfilment], viewer: str, sees: set[str]
) -> None:
    user = getattr(team, viewer)
    assert listed(user) == sees
    assert {name for name, r in records.items() if opens(user, r)} == sees


def test_it_gives_a_station_clerk_nothing(team: Team, records: dict[str, Fulfilment]) -> None:
    client = client_for(team.clerk_user)
    assert client.get(reverse("duties:fulfil_records")).status_code == 404
    assert not any(opens(team.clerk_user, r) for r in records.values())


def test_it_hides_the_principals_records_from_a_team_member(
    team: Team, records: dict[str, Fulfilment]
) -> None:
    client = client_for(team.member_user)
    url = reverse("duties:fulfil_record", args=[records["principal"].pk])
    assert client.get(url).status_code == 404


def test_it_serves_an_attachment_as_a_download(team: Team, records: dict[str, Fulfilment]) -> None:
    attachment = records["member"].attachments.get()
    response = client_for(team.principal_user).get(
        reverse("duties:fulfil_attachment", args=[attachment.pk])
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    response.close()


def test_it_filters_records(team: Team, records: dict[str, Fulfilment]) -> None:
    user = team.commission_user
    assert listed(user, kind="principal") == {"principal"}
    assert listed(user, q="专题") == {"team"}
    assert listed(user, since="2026-09-01", until="2026-09-30") == {"principal", "team"}
    assert listed(user, unit=str(team.org.unit_a1.pk)) == {"principal", "member", "team"}
    category = records["group"].due.task.category
    assert "group" in listed(user, category=str(category.pk))
    # A wrong filter value is left out, not refused.
    assert listed(user, since="yesterday") == ALL


def test_it_flags_a_record_counted_after_its_due_date(team: Team) -> None:
    with time_machine.travel(datetime.datetime(2026, 9, 21, 10, tzinfo=datetime.UTC)):
        on_time = record(team.principal_list, "按时记录", done=a_day(9, 20))
    # Done before the due date but recorded after it: it counts late.
    late = record(team.member_list, "补录", done=a_day(9, 29))
    page = client_for(team.principal_user).get(reverse("duties:fulfil_records")).content.decode()

    def badge(fulfilment: Fulfilment) -> str:
        start = page.index(f'data-record="{fulfilment.pk}"')
        return page[start:].split('data-testid="record"')[0]

    assert 'data-testid="on-time"' in badge(on_time)
    assert 'data-testid="late"' in badge(late)
