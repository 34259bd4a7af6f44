"""Quarterly checks and accountability steps: who records them (the discipline group
covering the unit, the commission), their refusals, the step's document served only
inside the visibility rule, and the statistics equal to a hand count (page and .xlsx)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.duties.checks import check_record, red_dues, statistics, step_record
from qingfeng.duties.models import AccountabilityStep, LadderStep, QuarterlyCheck
from tests.conftest import client_for, make_user
from tests.duties.conftest import YEAR, Team, a_day

pytestmark = pytest.mark.django_db

TODAY = a_day(5, 10)


@pytest.fixture
def manager(team: Team) -> User:
    return make_user("manager_a", Role.COMMISSION_ADMIN, region=team.org.county_a)


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def failed(team: Team, user: User, quarter: int = 1, duty_list: object = None) -> QuarterlyCheck:
    return check_record(
        duty_list=duty_list or team.member_list,  # type: ignore[arg-type]
        quarter=quarter,
        result="failed",
        findings="学习记录缺失",
        checked_on=TODAY,
        actor=user,
        today=TODAY,
    )


def ladder(code: str) -> LadderStep:
    return LadderStep.objects.get(code=code)


def test_it_lets_the_covering_group_and_the_commission_record_a_check(
    team: Team, manager: User
) -> None:
    check = failed(team, team.group_user)
    assert check.checked_by == team.group_user and check.result == "failed"
    other = make_user(
        "other_group", Role.DISCIPLINE_GROUP_MEMBER, discipline_group=team.org.group_a
    )
    for user in (other, team.commission_user, team.principal_user, team.member_user):
        with pytest.raises(ValidationError):
            failed(team, user, quarter=2)
    assert failed(team, manager, quarter=2).checked_by == manager


def test_it_refuses_a_second_check_of_a_quarter_and_a_failure_without_findings(
    team: Team,
) -> None:
    failed(team, team.group_user)
    with pytest.raises(ValidationError) as error:
        failed(team, team.group_user)
    assert "quarter" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        check_record(
            duty_list=team.member_list,
            quarter=2,
            result="failed",
            findings=" ",
            checked_on=TODAY + datetime.timedelta(days=1),
            actor=team.group_user,
            today=TODAY,
        )
    assert set(error.value.error_dict) == {"findings", "checked_on"}


def test_it_records_a_step_after_a_red_light_or_a_failed_check_only(team: Team) -> None:
    red = red_dues(team.member_list, today=TODAY)
    assert red and all(due.due < TODAY for due in red)
    step = step_record(
        duty_list=team.member_list,
        step=ladder(LadderStep.objects.first().code),  # type: ignore[union-attr]
        reason="一季度任务逾期",
        decided_on=TODAY,
        red_due=red[0],
        actor=team.group_user,
        today=TODAY,
    )
    assert step.decided_by == team.group_user
    not_yet = team.member_list.dues.filter(due__gt=TODAY).first()
    with pytest.raises(ValidationError) as error:
        step_record(
            duty_list=team.member_list,
            step=step.step,
            reason="x",
            decided_on=TODAY,
            red_due=not_yet,
            actor=team.group_user,
            today=TODAY,
        )
    assert "red_due" in error.value.error_dict
    with pytest.raises(ValidationError):  # neither a red light nor a failed check
        step_record(
            duty_list=team.member_list,
            step=step.step,
            reason="x",
            decided_on=TODAY,
            actor=team.group_user,
            today=TODAY,
        )
    passed = check_record(
        duty_list=team.member_list,
        quarter=1,
        result="passed",
        findings="",
        checked_on=TODAY,
        actor=team.group_user,
        today=TODAY,
    )
    with pytest.raises(ValidationError) as error:
        step_record(
            duty_list=team.member_list,
            step=step.step,
            reason="x",
            decided_on=TODAY,
            failed_check=passed,
            actor=team.group_user,
            today=TODAY,
        )
    assert "failed_check" in error.value.error_dict


def test_it_serves_a_steps_document_only_inside_the_rule(team: Team) -> None:
    check = failed(team, team.group_user)
    step = step_record(
        duty_list=team.member_list,
        step=LadderStep.objects.first(),  # type: ignore[arg-type]
        reason="检查未通过",
        decided_on=TODAY,
        failed_check=check,
        document=SimpleUploadedFile("谈话记录.pdf", b"%PDF-1.4 talk"),
        actor=team.group_user,
        today=TODAY,
    )
    url = reverse("duties:list_step_document", args=[step.pk])
    response = client_for(team.principal_user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 talk"  # type: ignore[attr-defined]
    assert client_for(team.fellow_user).get(url).status_code == 404
    assert client_for(team.outsider_user).get(url).status_code == 404
    with pytest.raises(ValidationError) as error:
        step_record(
            duty_list=team.member_list,
            step=step.step,
            reason="x",
            decided_on=TODAY,
            failed_check=check,
            document=SimpleUploadedFile("run.exe", b"MZ"),
            actor=team.group_user,
            today=TODAY,
        )
    assert "document" in error.value.error_dict


def test_it_records_a_check_and_a_step_through_the_pages(team: Team) -> None:
    client = client_for(team.group_user)
    with time_machine.travel(datetime.datetime(YEAR, 5, 10, 12), tick=False):
        check_url = reverse("duties:list_check_new", args=[team.member_list.pk])
        data = {"quarter": 1, "result": "failed", "checked_on": "2026-05-09", "findings": "缺记录"}
        assert client.post(check_url, data).status_code == 302
        check = QuarterlyCheck.objects.get(duty_list=team.member_list)
        step_url = reverse("duties:list_step_new", args=[team.member_list.pk])
        page = client.get(step_url)
        follows = [value for value, _label in page.context["form"].fields["follows"].choices]
        assert f"check:{check.pk}" in follows and any(v.startswith("due:") for v in follows)
        response = client.post(
            step_url,
            {
                "step": LadderStep.objects.first().pk,  # type: ignore[union-attr]
                "follows": f"check:{check.pk}",
                "reason": "检查未通过",
                "decided_on": "2026-05-10",
                "document": SimpleUploadedFile("决定.pdf", b"%PDF-1.4 d"),
            },
        )
        assert response.status_code == 302
        step = AccountabilityStep.objects.get(duty_list=team.member_list)
        assert step.failed_check == check and step.document_name == "决定.pdf"
        page = client_for(team.principal_user).get(
            reverse("duties:list_detail", args=[team.member_list.pk])
        )
        assert "检查未通过" in page.content.decode()
    # An analyst sees the list but neither records checks nor steps.
    analyst = client_for(team.commission_user)
    assert analyst.get(check_url).status_code == 404
    assert analyst.get(step_url).status_code == 404


def test_it_counts_the_statistics_as_a_hand_count(team: Team, manager: User) -> None:
    talk, criticism = LadderStep.objects.order_by("order")[:2]
    member_check = failed(team, team.group_user)
    failed(team, team.group_user, quarter=2)
    team_check = failed(team, team.group_user, duty_list=team.team_list)
    check_record(
        duty_list=team.fellow_list,
        quarter=1,
        result="passed",
        findings="",
        checked_on=TODAY,
        actor=team.group_user,
        today=TODAY,
    )
    for step, duty_list, check in (
        (talk, team.member_list, member_check),
        (criticism, team.member_list, member_check),
        (talk, team.team_list, team_check),
    ):
        step_record(
            duty_list=duty_list,
            step=step,
            reason="问责",
            decided_on=TODAY,
            failed_check=check,
            actor=manager,
            today=TODAY,
        )
    stats = statistics(team.commission_user)
    assert stats.years == [YEAR]
    assert stats.by_step == {talk.name: {YEAR: 2}, criticism.name: {YEAR: 1}}
    assert stats.by_unit == [("黎城县教育局", 3)]
    assert stats.by_year == {YEAR: 3}
    assert stats.checks_by_year == {YEAR: 4} and stats.failed_by_year == {YEAR: 3}
    # The fellow member sees only the team's list: one step, one failed check.
    mine = statistics(team.fellow_user)
    assert mine.by_year == {YEAR: 1} and mine.failed_by_year == {YEAR: 1}
    assert mine.checks_by_year == {YEAR: 2}
    outsider = statistics(team.outsider_user)
    assert outsider.by_year == {} and outsider.by_unit == []
    page = client_for(team.commission_user).get(reverse("duties:lists_stats"))
    assert page.status_code == 200 and "黎城县教育局" in page.content.decode()
    response = client_for(team.commission_user).get(reverse("duties:lists_stats_xlsx"))
    assert "%E9%97%AE%E8%B4%A3%E7%BB%9F%E8%AE%A1" in response["Content-Disposition"]  # 问责统计
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按措施和年度", "按单位", "按年度"]
    rows = list(book["按措施和年度"].iter_rows(values_only=True))
    assert rows[0] == ("措施", str(YEAR), "合计")
    assert (talk.name, 2, 2) in rows and (criticism.name, 1, 1) in rows
    assert list(book["按年度"].iter_rows(values_only=True))[1] == (YEAR, 3, 4, 3)
    other = client_for(team.outsider_user).get(reverse("duties:lists_stats_xlsx"))
    assert "黎城县教育局" not in str(list(load_workbook(io.BytesIO(other.content)).worksheets[1]))


def test_it_exports_hostile_names_as_text(team: Team, manager: User) -> None:
    # A unit and a ladder step named like formulas stay text in the workbook.
    team.org.unit_a1.name = '=HYPERLINK("http://x")'
    team.org.unit_a1.save()
    step = LadderStep.objects.order_by("order").first()
    assert step is not None
    step.name = "@SUM(1+1)"
    step.save()
    check = failed(team, team.group_user)
    step_record(
        duty_list=team.member_list,
        step=step,
        reason="问责",
        decided_on=TODAY,
        failed_check=check,
        actor=manager,
        today=TODAY,
    )
    response = client_for(team.commission_user).get(reverse("duties:lists_stats_xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    values = {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}
    assert '\'=HYPERLINK("http://x")' in values and "'@SUM(1+1)" in values
    assert all(
        cell.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for cell in row
    )


def test_it_lists_the_teams_still_to_check_for_the_quarter_just_ended(team: Team) -> None:
    """On 15 October the third quarter's check is due: the group sees its unit's team
    list until it records the check; the unit's leaders see no such section."""
    url = reverse("duties:lists_checks")
    with time_machine.travel(datetime.datetime(YEAR, 10, 15, 12), tick=False):
        page = client_for(team.group_user).get(url).content.decode()
        assert "第3季度尚待检查的领导班子：1 个" in page
        assert reverse("duties:list_check_new", args=[team.team_list.pk]) in page
        check_record(
            duty_list=team.team_list,
            quarter=3,
            result="passed",
            findings="",
            checked_on=datetime.date(YEAR, 10, 12),
            actor=team.group_user,
        )
        page = client_for(team.group_user).get(url).content.decode()
        assert "第3季度尚待检查的领导班子：0 个" in page
        assert (
            'data-testid="awaiting-check"'
            not in client_for(team.principal_user).get(url).content.decode()
        )
