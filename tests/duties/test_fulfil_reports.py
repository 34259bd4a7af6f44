"""Personal reports (报备): filing through the service and the form, lateness at the
boundary for each kind (on the deadline day: on time; one day after: late), a trip too
short to need a report, and who sees which reports."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.fixtures import Settings

from qingfeng.duties.models import PersonalReport, ReportKind
from qingfeng.duties.reports import report_file
from tests.conftest import client_for
from tests.duties.conftest import Team, a_day

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
STARTS = a_day(8, 20)


def at(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC), tick=False
    )


def file(
    team: Team, kind: str, *, ends: datetime.date | None = None, description: str = ""
) -> PersonalReport:
    return report_file(
        person=team.member,
        unit=team.org.unit_a1,
        kind=kind,
        starts=STARTS,
        ends=ends,
        destination="北京" if kind == ReportKind.TRAVEL else "",
        description=description,
        actor=team.member_user,
    )


# The deadline of each kind with the default limits (3 travel days; 30 days ahead; funerals
# within 3 days after).
DEADLINES = {
    ReportKind.TRAVEL: STARTS,
    ReportKind.WEDDING: STARTS - 30 * DAY,
    ReportKind.CELEBRATION: STARTS - 30 * DAY,
    ReportKind.FUNERAL: STARTS + 3 * DAY,
}


@pytest.mark.parametrize("kind", list(DEADLINES))
def test_it_flags_late_reports_at_the_boundary(team: Team, kind: str) -> None:
    ends = STARTS + 4 * DAY if kind == ReportKind.TRAVEL else None
    with at(DEADLINES[kind]):
        on_deadline = file(team, kind, ends=ends)
    with at(DEADLINES[kind] + DAY):
        day_after = file(team, kind, ends=ends)
    assert (on_deadline.late, day_after.late) == (False, True)
    assert on_deadline.reported_on == DEADLINES[kind]
    assert day_after.reported_on == DEADLINES[kind] + DAY


def test_it_follows_the_installations_limits(team: Team, settings: Settings) -> None:
    settings.DUTY_REPORT_CEREMONY_DAYS_AHEAD = 10
    with at(STARTS - 10 * DAY):
        assert not file(team, ReportKind.WEDDING).late
    with at(STARTS - 9 * DAY):
        assert file(team, ReportKind.WEDDING).late


def test_it_never_flags_a_trip_too_short_to_need_a_report(team: Team) -> None:
    with at(STARTS + 5 * DAY):
        report = file(team, ReportKind.TRAVEL, ends=STARTS + DAY)
    assert not report.late


def test_it_names_who_filed_it_in_the_history(team: Team) -> None:
    report = file(team, ReportKind.WEDDING)
    assert report.created_by == team.member_user
    assert report.history.get().history_user == team.member_user  # type: ignore[attr-defined]


def test_it_refuses_a_unit_without_a_post_and_a_trip_without_destination(team: Team) -> None:
    with pytest.raises(ValidationError) as refused:
        report_file(
            person=team.member,
            unit=team.org.unit_a2,
            kind=ReportKind.TRAVEL,
            starts=STARTS,
            ends=STARTS - DAY,
            destination=" ",
            description="",
            actor=None,
        )
    assert set(refused.value.message_dict) == {"unit", "ends", "destination"}
    assert not PersonalReport.objects.exists()


def test_it_files_a_report_through_the_form(team: Team, settings: Settings) -> None:
    client = client_for(team.member_user)
    url = reverse("duties:report_new")
    form = client.get(url)
    assert form.status_code == 200
    page = form.content.decode()
    limits = (settings.DUTY_REPORT_HOME_AREA, "3 天", "30 天")
    assert all(text in page for text in limits)
    # The only post is a hidden field carrying its value.
    post = form.context["form"].fields["post"].queryset.get()
    assert f'type="hidden" name="post" value="{post.pk}"' in page
    with at(STARTS):
        response = client.post(
            url,
            {
                "post": post.pk,
                "kind": "travel",
                "starts": "2026-08-20",
                "ends": "2026-08-21",
                "destination": "太原",
                "description": "学习培训",
            },
            follow=True,
        )
    assert response.redirect_chain[-1][0] == reverse("duties:report_mine")
    assert "无需报备" in response.content.decode()
    report = PersonalReport.objects.get()
    assert (report.person, report.unit, report.late) == (team.member, team.org.unit_a1, False)


def test_it_keeps_the_form_and_stores_nothing_on_error(team: Team) -> None:
    client = client_for(team.member_user)
    post = client.get(reverse("duties:report_new")).context["form"].fields["post"].queryset.get()
    response = client.post(
        reverse("duties:report_new"),
        {"post": post.pk, "kind": "travel", "starts": "2026-08-20", "ends": "2026-08-25"},
    )
    assert response.status_code == 200
    assert 'data-field="destination"' in response.content.decode()
    assert not PersonalReport.objects.exists()


def test_it_refuses_the_form_to_a_user_without_a_post(team: Team) -> None:
    for user in (team.liaison_user, team.group_user, team.clerk_user):
        assert client_for(user).get(reverse("duties:report_new")).status_code == 404


@pytest.fixture
def reports(team: Team) -> dict[str, PersonalReport]:
    with at(STARTS):
        principal = report_file(
            person=team.org.person_a1,
            unit=team.org.unit_a1,
            kind=ReportKind.WEDDING,
            starts=STARTS + 5 * DAY,
            ends=None,
            destination="",
            description="子女婚礼",
            actor=None,
        )
        member = file(team, ReportKind.FUNERAL, description="家中老人丧事从简")
    return {"principal": principal, "member": member}


def shown(user: object, url: str = "duties:report_list", **query: str) -> set[str]:
    response = client_for(user).get(reverse(url), query)  # type: ignore[arg-type]
    assert response.status_code == 200
    page = response.content.decode()
    return {
        name for name, text in (("principal", "子女婚礼"), ("member", "老人丧事")) if text in page
    }


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("member_user", {"member"}),
        ("fellow_user", set()),
        ("principal_user", {"principal", "member"}),
        ("deputy_user", {"principal", "member"}),
        ("group_user", {"principal", "member"}),
        ("commission_user", {"principal", "member"}),
        ("liaison_user", set()),
        ("outsider_user", set()),
    ],
)
def test_it_lists_reports_by_the_rule(
    team: Team, reports: dict[str, PersonalReport], viewer: str, sees: set[str]
) -> None:
    assert shown(getattr(team, viewer)) == sees


def test_it_lists_ones_own_reports(team: Team, reports: dict[str, PersonalReport]) -> None:
    assert shown(team.member_user, "duties:report_mine") == {"member"}
    assert shown(team.principal_user, "duties:report_mine") == {"principal"}
    assert client_for(team.clerk_user).get(reverse("duties:report_list")).status_code == 404


def test_it_filters_reports_and_flags_the_late(
    team: Team, reports: dict[str, PersonalReport]
) -> None:
    user = team.commission_user
    assert reports["principal"].late and not reports["member"].late
    assert shown(user, late="1") == {"principal"}
    assert shown(user, late="0") == {"member"}
    assert shown(user, kind="funeral") == {"member"}
    assert shown(user, since="2026-08-21") == {"principal"}
    assert shown(user, unit=str(team.org.unit_a2.pk)) == set()
    page = client_for(user).get(reverse("duties:report_list")).content.decode()
    assert "逾期报备" in page


def test_it_lets_a_leader_with_several_posts_choose_the_unit(team: Team) -> None:
    from qingfeng.org import services as org_services
    from qingfeng.org.models import PostRole

    second = org_services.post_start(
        person=team.member, unit=team.org.unit_a2, role=PostRole.MEMBER, title="挂职"
    )
    client = client_for(team.member_user)
    page = client.get(reverse("duties:report_new")).content.decode()
    assert '<select name="post"' in page and team.org.unit_a2.name in page
    with at(STARTS - 40 * DAY):
        response = client.post(
            reverse("duties:report_new"),
            {"post": second.pk, "kind": "wedding", "starts": "2026-08-20"},
        )
    assert response.status_code == 302
    report = PersonalReport.objects.get()
    assert (report.unit, report.late) == (team.org.unit_a2, False)
    # Another leader's post is not a choice.
    other = client_for(team.fellow_user).post(
        reverse("duties:report_new"),
        {"post": second.pk, "kind": "wedding", "starts": "2026-08-20"},
    )
    assert other.status_code == 200
    assert 'data-field="post"' in other.content.decode()
    assert PersonalReport.objects.count() == 1
