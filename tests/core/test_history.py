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


def test_history_hides_related_objects_outside_the_scope(org: Org, admin_a: User) -> None:
    """Issue 10, finding 9: a group member sees group G-A (it covers a unit of theirs) but
    not the other units it covers, nor a sub-unit's parent outside their group."""
    from qingfeng.accounts.roles import Role
    from qingfeng.org import services
    from qingfeng.org.models import DisciplineGroup
    from tests.conftest import english, make_user

    own_group = services.discipline_group_save(
        group=DisciplineGroup(code="G-B", name="派驻第二纪检监察组", region=org.county_a),
        units=[org.unit_a1_sub],
    )
    member = make_user("member", Role.DISCIPLINE_GROUP_MEMBER, discipline_group=own_group)
    client_for(admin_a).post(
        reverse("org:group_edit", args=[org.group_a.pk]),
        {
            "code": "G-A",
            "name": "派驻第一纪检监察组",
            "region": org.county_a.pk,
            "units": [org.unit_a1_sub.pk, org.unit_a2.pk],
        },
    )
    client = english(client_for(member))
    page = client.get(reverse("core:history", args=["group", org.group_a.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "黎城县第一中学" in body  # their unit
    assert "黎侯镇" not in body  # covered by G-A, outside the member's scope
    assert "(outside your scope)" in body
    texts = [(c.old, c.new) for e in page.context["entries"] for c in e.changes]
    assert ("(outside your scope)", "黎城县第一中学、(outside your scope)") in texts
    # A foreign key too: the sub-unit's parent (A1) is not in the member's group.
    unit_page = client.get(reverse("core:history", args=["unit", org.unit_a1_sub.pk]))
    unit_body = unit_page.content.decode()
    assert "黎城县教育局" not in unit_body and "(outside your scope)" in unit_body
    created = {c.field: c.new for c in unit_page.context["entries"][-1].changes}
    assert created["parent"] == "(outside your scope)"
    assert created["region"] == "黎城县"  # the region of a unit they see is named
    # A region above the member's own is in their breadcrumbs: named, as the framework's.
    from qingfeng.framework.models import Framework

    framework = Framework.objects.create(code="T", name="测试体系", region=org.city)
    framework_page = client.get(reverse("core:history", args=["framework", framework.pk]))
    created = {c.field: c.new for c in framework_page.context["entries"][-1].changes}
    assert created["region"] == "长治市"
    # The administrator of the county still sees every name.
    full = client_for(admin_a).get(reverse("core:history", args=["group", org.group_a.pk]))
    assert "黎侯镇" in full.content.decode()
