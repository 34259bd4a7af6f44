"""Every organisation page: a user inside the scope sees it, a user outside gets 404.

County A's administrator sees county A's objects; county B's administrator must not learn
they exist. Lists must not show them either.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from qingfeng.accounts.models import User
from tests.conftest import Org, client_for

# (name, url builder for an object of county A)
DETAIL_PAGES: list[tuple[str, Callable[[Org], str]]] = [
    ("region", lambda o: reverse("org:region_detail", args=[o.county_a.pk])),
    ("region_edit", lambda o: reverse("org:region_edit", args=[o.county_a.pk])),
    ("unit", lambda o: reverse("org:unit_detail", args=[o.unit_a1.pk])),
    ("unit_edit", lambda o: reverse("org:unit_edit", args=[o.unit_a1.pk])),
    ("person", lambda o: reverse("org:person_detail", args=[o.person_a1.pk])),
    ("person_edit", lambda o: reverse("org:person_edit", args=[o.person_a1.pk])),
    ("post_create", lambda o: reverse("org:post_create", args=[o.person_a1.pk])),
    ("post_edit", lambda o: reverse("org:post_edit", args=[o.person_a1.posts.get().pk])),
    ("post_end", lambda o: reverse("org:post_end", args=[o.person_a1.posts.get().pk])),
    ("station", lambda o: reverse("org:station_detail", args=[o.station_a.pk])),
    ("station_edit", lambda o: reverse("org:station_edit", args=[o.station_a.pk])),
    ("group", lambda o: reverse("org:group_detail", args=[o.group_a.pk])),
    ("group_edit", lambda o: reverse("org:group_edit", args=[o.group_a.pk])),
    ("history_unit", lambda o: reverse("core:history", args=["unit", o.unit_a1.pk])),
    ("history_region", lambda o: reverse("core:history", args=["region", o.county_a.pk])),
    ("history_person", lambda o: reverse("core:history", args=["person", o.person_a1.pk])),
    ("history_station", lambda o: reverse("core:history", args=["station", o.station_a.pk])),
    ("history_group", lambda o: reverse("core:history", args=["group", o.group_a.pk])),
    (
        "history_post",
        lambda o: reverse("core:history", args=["post", o.person_a1.posts.get().pk]),
    ),
]


@pytest.mark.parametrize(("name", "url"), DETAIL_PAGES, ids=[n for n, _ in DETAIL_PAGES])
def test_it_shows_county_a_pages_to_county_a_admin(
    org: Org, admin_a: User, name: str, url: Callable[[Org], str]
) -> None:
    response = client_for(admin_a).get(url(org))
    assert response.status_code == 200, name


@pytest.mark.parametrize(("name", "url"), DETAIL_PAGES, ids=[n for n, _ in DETAIL_PAGES])
def test_it_hides_county_a_pages_from_county_b_admin(
    org: Org, admin_b: User, name: str, url: Callable[[Org], str]
) -> None:
    response = client_for(admin_b).get(url(org))
    assert response.status_code == 404, name


# What each list shows of county A, and of county B (which county A must never see).
LIST_PAGES: list[tuple[str, list[str], list[str]]] = [
    ("org:region_list", ["黎城县"], ["平顺县"]),
    ("org:unit_list", ["黎城县教育局", "黎侯镇"], ["平顺县财政局"]),
    ("org:person_list", ["王建国"], ["李明"]),
    ("org:station_list", ["黎城县委组织部"], []),
    ("org:group_list", ["派驻第一纪检监察组"], []),
]


@pytest.mark.parametrize(("name", "county_a", "county_b"), LIST_PAGES)
def test_it_lists_only_what_the_scope_allows(
    org: Org, admin_a: User, admin_b: User, name: str, county_a: list[str], county_b: list[str]
) -> None:
    page_a = client_for(admin_a).get(reverse(name)).content.decode()
    page_b = client_for(admin_b).get(reverse(name)).content.decode()
    for text in county_a:
        assert text in page_a, f"{name} does not show {text} to its own county"
        assert text not in page_b, f"{name} leaks {text} to county B"
    for text in county_b:
        assert text in page_b, f"{name} does not show {text} to its own county"
        assert text not in page_a, f"{name} leaks {text} to county A"


def test_it_counts_only_visible_units_on_home(org: Org, admin_a: User, admin_b: User) -> None:
    home_a = client_for(admin_a).get(reverse("core:home"))
    home_b = client_for(admin_b).get(reverse("core:home"))
    assert home_a.context["unit_count"] == 3  # A1, A1-1, A2
    assert home_b.context["unit_count"] == 1  # B1


def test_it_redirects_anonymous_users_to_login(org: Org) -> None:
    from django.test import Client

    response = Client().get(reverse("org:unit_detail", args=[org.unit_a1.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_forbids_editing_to_a_viewer_in_scope(org: Org) -> None:
    from qingfeng.accounts.roles import Role
    from tests.conftest import make_user

    analyst = make_user("analyst", Role.ANALYST, region=org.county_a)
    client = client_for(analyst)
    assert client.get(reverse("org:unit_detail", args=[org.unit_a1.pk])).status_code == 200
    assert client.get(reverse("org:unit_edit", args=[org.unit_a1.pk])).status_code == 403
    assert client.get(reverse("org:unit_create")).status_code == 403
