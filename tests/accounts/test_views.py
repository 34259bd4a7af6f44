"""Login, lockout, and the role-assignment pages."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from qingfeng import settings as project_settings
from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.accounts.roles import Role
from tests.conftest import PASSWORD, Org, client_for, make_user


def test_it_shows_the_login_page_in_chinese_by_default(db: None) -> None:
    # Even to a browser that prefers English: Chinese until the user switches.
    body = (
        Client(headers={"Accept-Language": "en-US,en;q=0.9"})
        .get(reverse("accounts:login"))
        .content.decode()
    )
    assert '<html lang="zh-hans">' in body
    assert "登录" in body


def test_it_shows_the_login_page_in_english_when_chosen(db: None) -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in body
    assert "Log in" in body


def test_it_logs_in_and_out(org: Org, admin_a: User) -> None:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "admin_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


def test_it_locks_out_after_repeated_failures(org: Org, admin_a: User) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "admin_a", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "admin_a", "password": PASSWORD})
    assert response.status_code == 429
    assert not client.session.get("_auth_user_id")


def test_it_creates_an_account_hashed_with_argon2_that_logs_in(
    org: Org, admin_a: User, settings: Settings
) -> None:
    # The suite hashes with MD5 for speed (tests/conftest.py); this test alone runs the
    # project's own hashers, so it proves what production stores.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"

    response = client_for(admin_a).post(
        reverse("accounts:user_create"),
        {"username": "newclerk", "display_name": "新录入员", "password": "another-long-pass-2"},
    )

    user = User.objects.get(username="newclerk")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.display_name == "新录入员" and not user.assignments.exists()
    assert user.password.startswith("argon2$")
    assert user.history.get().history_user == admin_a
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "newclerk", "password": "another-long-pass-2"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_refuses_a_weak_password_for_a_new_account(org: Org, admin_a: User) -> None:
    response = client_for(admin_a).post(
        reverse("accounts:user_create"), {"username": "weak", "password": "12345678"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not User.objects.filter(username="weak").exists()


def test_it_lets_an_admin_grant_a_role_in_scope(org: Org, admin_a: User) -> None:
    target = make_user("newclerk")
    client = client_for(admin_a)
    response = client.post(
        reverse("accounts:user_detail", args=[target.pk]),
        {"role": Role.STATION_CLERK, "scope_kind": "station", "station": org.station_a.pk},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=target)
    assert assignment.station == org.station_a
    assert assignment.history.get().history_user == admin_a


def test_it_grants_a_unit_scope_by_code(org: Org, admin_a: User) -> None:
    target = make_user("newliaison")
    client_for(admin_a).post(
        reverse("accounts:user_detail", args=[target.pk]),
        {"role": Role.UNIT_LIAISON, "scope_kind": "unit", "unit_code": "A2"},
    )
    assert RoleAssignment.objects.get(user=target).unit == org.unit_a2


def test_it_refuses_a_scope_outside_the_admins_own(org: Org, admin_a: User) -> None:
    target = make_user("outsider")
    response = client_for(admin_a).post(
        reverse("accounts:user_detail", args=[target.pk]),
        {"role": Role.UNIT_LIAISON, "scope_kind": "unit", "unit_code": "B1"},
    )
    assert response.status_code == 200
    assert "unit_code" in response.context["form"].errors
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_it_refuses_a_role_that_does_not_fit_the_scope(org: Org, admin_a: User) -> None:
    target = make_user("mismatch")
    response = client_for(admin_a).post(
        reverse("accounts:user_detail", args=[target.pk]),
        {"role": Role.STATION_CLERK, "scope_kind": "region", "region": org.county_a.pk},
    )
    assert "scope_kind" in response.context["form"].errors


def test_it_hides_users_of_another_county(org: Org, admin_a: User, admin_b: User) -> None:
    client = client_for(admin_a)
    assert client.get(reverse("accounts:user_detail", args=[admin_b.pk])).status_code == 404
    names = [u.username for u in client.get(reverse("accounts:user_list")).context["users"]]
    assert "admin_b" not in names
    assert "admin_a" in names


def test_it_withdraws_a_role(org: Org, admin_a: User) -> None:
    target = make_user("leaving", Role.ANALYST, region=org.county_a)
    assignment = target.assignments.get()
    client_for(admin_a).post(reverse("accounts:assignment_remove", args=[assignment.pk]))
    assert not target.assignments.exists()
    assert assignment.history.filter(history_type="-").exists()


def test_it_forbids_role_pages_to_non_admins(org: Org) -> None:
    analyst = make_user("analyst", Role.ANALYST, region=org.county_a)
    assert client_for(analyst).get(reverse("accounts:user_list")).status_code == 403
