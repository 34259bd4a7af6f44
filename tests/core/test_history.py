"""Change history: who, when, which fields, old -> new."""

from __future__ import annotations

from django.urls import reverse

from qingfeng.accounts.models import User
from tests.conftest import Org, client_for


def test_it_records_who_changed_which_field(org: Org, admin_a: User) -> None:
    client = client_for(admin_a)
    client.post(
        reverse("org:unit_edit", args=[org.unit_a1.pk]),
        {
            "code": "A1",
            "name": "黎城县教育和科技局",
            "category": org.category.pk,
            "region": org.county_a.pk,
            "headcount": "45",
            "active": "on",
        },
    )
    page = client.get(reverse("core:history", args=["unit", org.unit_a1.pk]))
    newest = page.context["entries"][0]
    assert newest.who == str(admin_a)
    changes = {c.field: (c.old, c.new) for c in newest.changes}
    assert changes["name"] == ("黎城县教育局", "黎城县教育和科技局")
    assert changes["headcount"] == ("40", "45")
    body = page.content.decode()
    assert "黎城县教育和科技局" in body and "admin_a" in body


def test_it_shows_group_coverage_changes_by_name(org: Org, admin_a: User) -> None:
    client = client_for(admin_a)
    client.post(
        reverse("org:group_edit", args=[org.group_a.pk]),
        {
            "code": "G-A",
            "name": "派驻第一纪检监察组",
            "region": org.county_a.pk,
            "units": [org.unit_a1.pk],
        },
    )
    page = client.get(reverse("core:history", args=["group", org.group_a.pk]))
    texts = [(c.old, c.new) for e in page.context["entries"] for c in e.changes]
    assert ("黎侯镇", "黎城县教育局") in texts


def test_it_hides_history_from_a_role_without_the_capability(org: Org) -> None:
    from qingfeng.accounts.roles import Role
    from tests.conftest import make_user

    liaison = make_user("liaison", Role.UNIT_LIAISON, unit=org.unit_a1)
    client = client_for(liaison)
    assert client.get(reverse("org:unit_detail", args=[org.unit_a1.pk])).status_code == 200
    assert client.get(reverse("core:history", args=["unit", org.unit_a1.pk])).status_code == 404


def test_it_answers_404_for_an_unknown_kind(org: Org, admin_a: User) -> None:
    response = client_for(admin_a).get(reverse("core:history", args=["nothing", 1]))
    assert response.status_code == 404
