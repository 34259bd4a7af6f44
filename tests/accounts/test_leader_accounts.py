"""Accounts for every leader at once (issue 14, item 1): the command and the page create a
`leader` account with the person scope for every current post holder who has none, once;
the first-login password works once and must be changed before anything else."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.accounts.leader_accounts import leader_accounts_create
from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.accounts.roles import Role, ScopeKind
from qingfeng.org import services as org_services
from qingfeng.org.models import Person, PostRole, Unit
from tests.conftest import Org, client_for, make_user

PAGE = reverse("accounts:leader_accounts")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_leader_accounts", *args, stdout=out)
    return out.getvalue()


def test_it_creates_one_account_per_current_post_holder_once(org: Org) -> None:
    # A second post of the same person, an ended post and a post in an inactive unit.
    org_services.post_start(
        person=org.person_a1, unit=org.unit_a2, role=PostRole.MEMBER, title="挂职副镇长"
    )
    former = org_services.person_save(person=Person(code="PX", name="赵前任"))
    post = org_services.post_start(person=former, unit=org.unit_a2, role=PostRole.MEMBER)
    post.end = datetime.date(2025, 1, 1)
    post.save()
    closed = org_services.unit_save(
        unit=Unit(code="AZ", name="已撤销单位", category=org.township, region=org.county_a)
    )
    Unit.objects.filter(pk=closed.pk).update(active=False)
    ghost = org_services.person_save(person=Person(code="PZ", name="钱撤销"))
    org_services.post_start(person=ghost, unit=closed, role=PostRole.PRINCIPAL)

    out = run("--region", org.county_a.code)

    account = User.objects.get(person=org.person_a1)
    assert account.username == "PA1" and account.display_name == "王建国"
    assert account.must_change_password
    (grant,) = RoleAssignment.objects.filter(user=account)
    assert (grant.role, grant.scope_kind, grant.person_id) == (
        Role.LEADER,
        ScopeKind.PERSON,
        org.person_a1.pk,
    )
    assert not User.objects.filter(person__in=[former, ghost, org.person_b1]).exists()
    line = next(line for line in out.splitlines() if "王建国" in line)
    password = line.split()[-1]
    assert account.check_password(password)
    assert "用户名" in out and "首次登录密码" in out
    # Again: nothing new; then the whole installation: county B's leader only.
    assert "已有账号" in run("--region", org.county_a.code)
    run()
    assert User.objects.filter(person=org.person_b1).count() == 1
    assert User.objects.filter(person=org.person_a1).count() == 1


def test_a_taken_user_name_gets_a_suffix(org: Org) -> None:
    make_user("PA1")
    (created,) = leader_accounts_create(actor=None, units=Unit.objects.within(org.county_a))
    assert created.username == "PA1-2"


def test_the_first_login_password_must_be_changed_before_anything_else(org: Org) -> None:
    (created,) = leader_accounts_create(actor=None, units=Unit.objects.within(org.county_a))
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": created.username, "password": created.password}
    )
    assert response.status_code == 302  # the sheet's password logs in

    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "请先设置您自己的密码" in page

    new = "清风-leader-2026!"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": created.password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    account = User.objects.get(username=created.username)
    assert not account.must_change_password and account.check_password(new)
    assert client.get(reverse("core:home")).status_code == 200
    assert account.history.filter(must_change_password=False).exists()


def test_the_page_creates_the_accounts_of_its_region_and_hands_the_sheet(
    org: Org, admin_a: User, admin_b: User
) -> None:
    page = client_for(admin_a).get(PAGE).content.decode()
    assert 'data-count="1"' in page

    response = client_for(admin_a).post(PAGE)

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if row and row[0] == "姓名")
    assert header[:5] == ["姓名", "单位", "职务", "用户名", "首次登录密码"]
    (line,) = [row for row in rows if row and row[0] == "王建国"]
    assert line[1] == "黎城县教育局" and line[3] == "PA1"
    assert User.objects.get(username="PA1").check_password(line[4])
    # County B's administrator creates county B's only; nothing of county A.
    client_for(admin_b).post(PAGE)
    assert User.objects.filter(person=org.person_b1).exists()
    assert User.objects.filter(person=org.person_a1).count() == 1
    # Nothing left: a message, no sheet.
    response = client_for(admin_a).post(PAGE, follow=True)
    assert "已有账号" in response.content.decode()


def test_only_an_account_manager_opens_the_page(org: Org) -> None:
    analyst = make_user("analyst_a", Role.ANALYST, region=org.county_a)
    assert client_for(analyst).get(PAGE).status_code == 403
    assert client_for(analyst).post(PAGE).status_code == 403
    assert not User.objects.filter(person__isnull=False).exists()
