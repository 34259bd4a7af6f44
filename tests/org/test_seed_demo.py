"""``manage.py seed_demo``: the demo county, its accounts, determinism and tree paths.

Most tests read the demo county seeded once for the whole run (``demo_county``)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count, Q
from django.http import HttpRequest
from django.test import Client

from qingfeng.accounts.models import User
from qingfeng.accounts.selectors import visible_units
from qingfeng.demo import CHANGE_REASON
from qingfeng.demo import org as demo
from qingfeng.demo.accounts import DEMO_ACCOUNTS
from qingfeng.framework.models import Framework
from qingfeng.org.models import (
    DisciplineGroup,
    Person,
    Post,
    PostRole,
    Region,
    Station,
    StationKind,
    Unit,
    UnitCategory,
)
from qingfeng.org.services import child_path
from qingfeng.records.models import NilReturn, Record
from tests.demo_county import DemoCounty, seed_demo

pytestmark = pytest.mark.django_db


def county() -> Region:
    return Region.objects.get(code=demo.DEMO_COUNTY_CODE)


def planned_people(seed: int) -> list[tuple[str, str]]:
    """The demo county's people as ``seed_demo --seed seed`` builds them, in memory."""
    spec = next(c for c in demo.plan_regions(seed, "county")[0].counties if c.demo)
    categories = {code: UnitCategory(code=code, name=name) for code, name in demo.data.CATEGORIES}
    build = demo.build_county(spec, Region(code=spec.code, name=spec.name), categories, seed)
    return sorted((person.code, person.name) for person in build.people)


def test_it_creates_the_demo_county(demo_county: DemoCounty) -> None:
    lc = county()
    assert str(Unit.objects.count()) in demo_county.output  # the summary
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


def test_it_creates_every_demo_account_with_its_scope(demo_county: DemoCounty) -> None:
    lc = county()
    county_units = set(Unit.objects.filter(region=lc).values_list("pk", flat=True))

    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.display_name == account.display_name
        assert user.assignments.get().role == account.role
        assert Client().login(
            request=HttpRequest(), username=account.username, password=demo_county.password
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


def test_it_refuses_to_seed_over_existing_data(demo_county: DemoCounty) -> None:
    before = (Unit.objects.count(), Person.objects.count(), User.objects.count())

    output = seed_demo("--seed", "8")

    assert "--reset" in output
    assert (Unit.objects.count(), Person.objects.count(), User.objects.count()) == before


def test_it_gives_the_same_data_for_the_same_seed(demo_county: DemoCounty) -> None:
    def snapshot() -> tuple[Counter[tuple], ...]:
        # Rows as multisets: the same rows whatever order the database returns them in.
        return (
            Counter(Region.objects.values_list("code", "name", "parent__code")),
            Counter(Unit.objects.values_list("code", "name", "parent__code", "headcount")),
            Counter(Person.objects.values_list("code", "name", "rank")),
            Counter(
                Post.objects.values_list(
                    "person__code", "unit__code", "role", "title", "start", "end"
                )
            ),
            Counter(
                Record.objects.values_list(
                    *("framework__code", "unit__code", "indicator_code", "date", "points"),
                    *("quantity", "grade", "value", "problem_type", "note"),
                )
            ),
        )

    first = snapshot()
    counts = {model: model.objects.count() for model in (Unit, Post, Record, NilReturn)}
    assert counts[NilReturn] > 0

    seed_demo("--seed", str(demo_county.seed), "--reset")

    assert snapshot() == first
    # --reset deleted everything (each deletion in the history) before seeding afresh.
    for model, count in counts.items():
        assert model.history.filter(history_type="-").count() == count, model.__name__
    assert Framework.objects.count() == 3
    # The stored people are the planned ones; another seed plans other people.
    assert sorted(row[:2] for row in first[2]) == planned_people(demo_county.seed)
    assert planned_people(demo_county.seed + 1) != planned_people(demo_county.seed)


def test_it_writes_the_paths_the_services_would(demo_county: DemoCounty) -> None:
    lc = county()

    assert Unit.objects.filter(region__path__startswith=lc.path).count() == Unit.objects.count()
    for region in Region.objects.select_related("parent"):
        assert region.path == child_path(region.parent.path if region.parent else None, region.pk)
    for unit in Unit.objects.select_related("parent"):
        assert unit.path == child_path(unit.parent.path if unit.parent else None, unit.pk)


def test_it_records_history_for_what_it_creates(demo_county: DemoCounty) -> None:
    for model in (Region, Unit, Person, Post, Station, DisciplineGroup):
        history = model.history.filter(history_type="+")
        assert history.count() == model.objects.count(), model.__name__
        assert set(history.values_list("history_change_reason", flat=True)) == {CHANGE_REASON}
    unit = Unit.objects.filter(parent__isnull=False).first()
    assert unit is not None
    assert unit.history.get().parent_id == unit.parent_id
    group = DisciplineGroup.objects.get(code="DG-LC-01")
    assert set(group.history.get().units.values_list("unit_id", flat=True)) == set(
        group.units.values_list("pk", flat=True)
    )


def test_it_seeds_a_city() -> None:
    seed_demo("--seed", "7", "--scale", "city")  # about 1.5 s; the province is in bench/

    city = Region.objects.get(code="SX-CZ")
    counties = Region.objects.filter(parent=city)
    assert counties.count() == 12
    assert Unit.objects.filter(region__path__startswith=city.path).count() > 1000
    # The demo county is the same whatever the scale.
    assert Unit.objects.filter(region=county()).count() >= 99
    assert Station.objects.filter(region__in=counties).count() == 16 * 12
    assert len(set(Unit.objects.values_list("code", flat=True))) == Unit.objects.count()


def test_it_puts_county_leaders_in_charge_of_the_departments(demo_county: DemoCounty) -> None:
    from qingfeng.org.models import InCharge, InChargeKind, Unit
    from qingfeng.org.selectors import leaders_in_charge

    education = Unit.objects.get(name="县教育局")
    (relation,) = leaders_in_charge(education)
    assert (relation.kind, relation.title) == (InChargeKind.IN_CHARGE, "副县长")
    townships = Unit.objects.filter(category__code="township")
    for township in townships:  # each township has one liaison contact of the commission
        assert [r.kind for r in leaders_in_charge(township)] == [InChargeKind.LIAISON]
    assert InCharge.history.filter(history_type="+").count() == InCharge.objects.count()  # type: ignore[attr-defined]
