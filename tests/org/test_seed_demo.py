"""``manage.py seed_demo``: the demo county, its accounts, determinism and tree paths."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.http import HttpRequest
from django.test import Client
from pytest_django.fixtures import Settings

from qingfeng.accounts.models import User
from qingfeng.accounts.selectors import visible_units
from qingfeng.demo import org as demo
from qingfeng.demo.accounts import DEMO_ACCOUNTS
from qingfeng.org.models import (
    DisciplineGroup,
    Person,
    Post,
    PostRole,
    Region,
    Station,
    StationKind,
    Unit,
)
from qingfeng.org.services import child_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings: Settings) -> None:
    # Nine accounts per run; argon2 would make each seeding a second slower.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def county() -> Region:
    return Region.objects.get(code=demo.DEMO_COUNTY_CODE)


def test_it_creates_the_demo_county() -> None:
    output = seed("--seed", "7")

    lc = county()
    assert str(Unit.objects.count()) in output  # the summary
    assert lc.name == "黎城县"
    assert lc.commission_name == "黎城县纪委监委"
    assert [r.code for r in Region.objects.order_by("path")] == ["SX", "SX-CZ", "SX-CZ-LC"]
    units = Unit.objects.filter(region=lc)
    assert units.count() >= 99
    assert set(units.filter(category__code="township").values_list("name", flat=True)) == set(
        demo.data.DEMO_TOWNSHIPS
    )
    assert units.filter(active=False).count() == 1
    assert units.filter(parent__isnull=False).count() >= 2
    for sub in units.filter(parent__isnull=False).select_related("parent"):
        assert sub.parent is not None and sub.region_id == sub.parent.region_id
    assert all(8 <= h <= 300 for h in units.values_list("headcount", flat=True))

    principals = units.filter(active=True).annotate(
        n=Count("posts", filter=Q(posts__role=PostRole.PRINCIPAL, posts__end__isnull=True))
    )
    assert set(principals.values_list("n", flat=True)) == {1}
    assert Person.objects.filter(posts__end__isnull=True).distinct().count() >= 110
    assert Post.objects.filter(end__isnull=False).exists()
    movers = Person.objects.filter(posts__end__isnull=False).filter(posts__end__isnull=True)
    assert movers.exists()

    groups = DisciplineGroup.objects.filter(region=lc)
    assert 6 <= groups.count() <= 8
    covered = set(DisciplineGroup.units.through.objects.values_list("unit_id", flat=True))
    assert set(units.filter(active=True).values_list("pk", flat=True)) <= covered

    stations = Station.objects.filter(region=lc)
    assert stations.filter(kind=StationKind.DEPARTMENT).count() == 8
    assert stations.filter(kind=StationKind.OFFICE).count() == 8
    for station in stations.filter(kind=StationKind.DEPARTMENT).select_related("unit"):
        assert station.unit is not None and station.unit.name == station.name
    org_station = Station.objects.select_related("unit").get(code="ST-ORG")
    assert org_station.unit is not None and org_station.unit.name == "县委组织部"


def test_it_creates_every_demo_account_with_its_scope() -> None:
    seed("--seed", "7", "--password", "another-demo-password")
    lc = county()
    county_units = set(Unit.objects.filter(region=lc).values_list("pk", flat=True))

    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.display_name == account.display_name
        assert user.assignments.get().role == account.role
        assert Client().login(
            request=HttpRequest(), username=account.username, password="another-demo-password"
        ), account.username
        assert visible_units(user).exists(), account.username

    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    commission = User.objects.get(username="commission")
    assert set(visible_units(commission).values_list("pk", flat=True)) == county_units
    liaison = User.objects.get(username="liaison")
    school = Unit.objects.get(region=lc, name="县第一中学")
    expected = {school.pk, *school.children.values_list("pk", flat=True)}
    assert len(expected) == 3
    assert set(visible_units(liaison).values_list("pk", flat=True)) == expected
    leader = User.objects.get(username="leader")
    assert leader.person is not None
    assert leader.person.posts.get(end__isnull=True).unit == school
    group_user = User.objects.get(username="group")
    assert set(visible_units(group_user)) == set(
        DisciplineGroup.objects.get(code="DG-LC-01").units.all()
    )


def test_it_refuses_to_seed_over_existing_data() -> None:
    seed("--seed", "7")
    before = (Unit.objects.count(), Person.objects.count(), User.objects.count())

    output = seed("--seed", "8")

    assert "--reset" in output
    assert (Unit.objects.count(), Person.objects.count(), User.objects.count()) == before


def test_it_gives_the_same_data_for_the_same_seed() -> None:
    def snapshot() -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple]]:
        return (
            list(Unit.objects.order_by("code").values_list("code", "name")),
            list(Person.objects.order_by("code").values_list("code", "name")),
            list(
                Post.objects.order_by("person__code", "start").values_list(
                    "person__code", "unit__code", "role", "title", "start", "end"
                )
            ),
        )

    seed("--seed", "7")
    first = snapshot()
    seed("--seed", "7", "--reset")
    assert snapshot() == first
    seed("--seed", "8", "--reset")
    assert snapshot()[1] != first[1]


def test_it_writes_the_paths_the_services_would() -> None:
    seed("--seed", "7")
    lc = county()

    assert Unit.objects.filter(region__path__startswith=lc.path).count() == Unit.objects.count()
    for region in Region.objects.select_related("parent"):
        assert region.path == child_path(region.parent.path if region.parent else None, region.pk)
    for unit in Unit.objects.select_related("parent"):
        assert unit.path == child_path(unit.parent.path if unit.parent else None, unit.pk)


def test_it_records_history_for_what_it_creates() -> None:
    seed("--seed", "7")

    for model in (Region, Unit, Person, Post, Station, DisciplineGroup):
        history = model.history.filter(history_type="+")
        assert history.count() == model.objects.count(), model.__name__
        assert set(history.values_list("history_change_reason", flat=True)) == {"seed_demo"}
    unit = Unit.objects.filter(parent__isnull=False).first()
    assert unit is not None
    assert unit.history.get().parent_id == unit.parent_id
    group = DisciplineGroup.objects.get(code="DG-LC-01")
    assert set(group.history.get().units.values_list("unit_id", flat=True)) == set(
        group.units.values_list("pk", flat=True)
    )

    seed("--seed", "7", "--reset")

    assert Unit.history.filter(history_type="-").count() == Unit.objects.count()
    assert Post.history.filter(history_type="-").count() == Post.objects.count()


def test_it_seeds_a_city() -> None:
    seed("--seed", "7", "--scale", "city")  # about 1.5 s; the province is in bench/

    city = Region.objects.get(code="SX-CZ")
    counties = Region.objects.filter(parent=city)
    assert counties.count() == 12
    assert Unit.objects.filter(region__path__startswith=city.path).count() > 1000
    # The demo county is the same whatever the scale.
    assert Unit.objects.filter(region=county()).count() >= 99
    assert Station.objects.filter(region__in=counties).count() == 16 * 12
    assert len(set(Unit.objects.values_list("code", flat=True))) == Unit.objects.count()
