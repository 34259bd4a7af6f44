"""Token pages: issue (shown once), list, revoke — within the administrator's scope."""

from __future__ import annotations

from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.api.models import StationToken
from qingfeng.api.tokens import token_hash, token_issue
from tests.conftest import Org, client_for, make_user


def test_it_issues_a_token_shown_once(org: Org, admin_a: User) -> None:
    client = client_for(admin_a)
    page = client.get(reverse("api:token_issue"))
    assert page.status_code == 200
    response = client.post(
        reverse("api:token_issue"), {"station": org.station_a.pk, "name": "审计系统"}
    )
    assert response.status_code == 200
    plain = response.context["plain"]
    assert plain in response.content.decode()
    token = StationToken.objects.get()
    assert token.token_hash == token_hash(plain) and token.prefix == plain[:8]
    assert token.created_by == admin_a
    assert token.history.first().history_user == admin_a  # type: ignore[attr-defined]
    listing = client.get(reverse("api:token_list")).content.decode()
    assert "审计系统" in listing and plain[:8] in listing and plain not in listing


def test_it_revokes_a_token_in_scope(org: Org, admin_a: User) -> None:
    token, _plain = token_issue(station=org.station_a, name="x", actor=admin_a)
    response = client_for(admin_a).post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.history.first().history_user == admin_a  # type: ignore[attr-defined]


def test_it_hides_tokens_outside_scope(org: Org, admin_a: User, admin_b: User) -> None:
    token, _plain = token_issue(station=org.station_a, name="黎城信访", actor=admin_a)
    client = client_for(admin_b)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert "黎城信访" not in client.get(reverse("api:token_list")).content.decode()
    issued = client.post(reverse("api:token_issue"), {"station": org.station_a.pk, "name": "x"})
    assert issued.status_code == 200 and "plain" not in issued.context
    assert StationToken.objects.count() == 1


def test_it_forbids_users_without_the_capability(org: Org, admin_a: User) -> None:
    token, _plain = token_issue(station=org.station_a, name="x", actor=admin_a)
    clerk = make_user("clerk", Role.STATION_CLERK, station=org.station_a)
    client = client_for(clerk)
    assert client.get(reverse("api:token_list")).status_code == 403
    assert client.get(reverse("api:token_issue")).status_code == 403
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 403
