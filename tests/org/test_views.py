"""What the organisation pages show and what their forms do."""

from __future__ import annotations

import datetime

from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.org.models import Post, Unit
from tests.conftest import Org, client_for


def test_it_searches_and_filters_units(org: Org, admin_a: User) -> None:
    client = client_for(admin_a)
    page = client.get(reverse("org:unit_list"), {"q": "教育"})
    assert [u.code for u in page.context["page"]] == ["A1"]
    page = client.get(reverse("org:unit_list"), {"category": org.township.pk, "active": "1"})
    assert [u.code for u in page.context["page"]] == ["A2"]
    page = client.get(reverse("org:unit_list"), {"region": org.county_a.pk, "active": ""})
    assert [u.code for u in page.context["page"]] == ["A1", "A1-1", "A2"]


def test_it_returns_only_the_table_to_htmx(org: Org, admin_a: User) -> None:
    response = client_for(admin_a).get(
        reverse("org:unit_list"), {"q": "黎侯"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "黎侯镇" in body
    assert "<html" not in body


def test_it_shows_the_region_tree_with_unit_counts(org: Org, admin_a: User) -> None:
    page = client_for(admin_a).get(reverse("org:region_list"))
    rows = {row["region"].code: row["units"] for row in page.context["rows"]}
    assert rows == {"C1-A": 3}  # county A only: the city is outside a county admin's scope


def test_it_shows_current_and_past_posts(org: Org, admin_a: User) -> None:
    post = org.person_a1.posts.get()
    client = client_for(admin_a)
    response = client.post(reverse("org:post_end", args=[post.pk]), {"end": "2025-12-31"})
    assert response.status_code == 302
    client.post(
        reverse("org:post_create", args=[org.person_a1.pk]),
        {"unit": org.unit_a2.pk, "role": "principal", "title": "镇党委书记", "start": "2026-01-01"},
    )
    page = client.get(reverse("org:person_detail", args=[org.person_a1.pk]))
    assert [p.unit.code for p in page.context["current_posts"]] == ["A2"]
    assert [p.unit.code for p in page.context["past_posts"]] == ["A1"]
    assert page.context["past_posts"][0].end == datetime.date(2025, 12, 31)
    unit_page = client.get(reverse("org:unit_detail", args=[org.unit_a1.pk])).content.decode()
    assert "王建国" in unit_page  # as a former leader


def test_it_creates_a_unit_through_the_form(org: Org, admin_a: User) -> None:
    response = client_for(admin_a).post(
        reverse("org:unit_create"),
        {
            "code": "A3",
            "name": "黎城县审计局",
            "category": org.category.pk,
            "region": org.county_a.pk,
            "headcount": "25",
            "active": "on",
        },
    )
    unit = Unit.objects.get(code="A3")
    assert response.status_code == 302
    assert unit.path == f"/{unit.pk}/"
    assert unit.history.get().history_user == admin_a


def test_it_refuses_a_unit_in_another_county(org: Org, admin_a: User) -> None:
    response = client_for(admin_a).post(
        reverse("org:unit_create"),
        {"code": "X9", "name": "外县单位", "category": org.category.pk, "region": org.county_b.pk},
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Unit.objects.filter(code="X9").exists()


def test_it_reports_a_duplicate_code_on_the_form(org: Org, admin_a: User) -> None:
    response = client_for(admin_a).post(
        reverse("org:unit_create"),
        {"code": "A1", "name": "重复", "category": org.category.pk, "region": org.county_a.pk},
    )
    assert "code" in response.context["form"].errors


def test_it_creates_a_person_with_a_first_post(org: Org, admin_a: User) -> None:
    response = client_for(admin_a).post(
        reverse("org:person_create"),
        {"code": "PA9", "name": "赵敏", "gender": "F", "unit": org.unit_a2.pk, "role": "member"},
    )
    assert response.status_code == 302
    post = Post.objects.get(person__code="PA9")
    assert (post.unit, post.end) == (org.unit_a2, None)


def test_it_edits_group_coverage(org: Org, admin_a: User) -> None:
    client_for(admin_a).post(
        reverse("org:group_edit", args=[org.group_a.pk]),
        {
            "code": "G-A",
            "name": "派驻第一纪检监察组",
            "region": org.county_a.pk,
            "units": [org.unit_a1.pk, org.unit_a2.pk],
        },
    )
    assert sorted(org.group_a.units.values_list("code", flat=True)) == ["A1", "A2"]
