"""The demo organisation behind ``manage.py seed_demo``.

A county (黎城县, the default), a city of twelve counties or a whole province of 117, each
county with about a hundred units, their leadership teams (with some post history),
discipline groups, the "8+8" data stations, and one demo account per role
(``demo.accounts``); at county scale also the demo frameworks and records (``demo.records``).

Generation is deterministic: every random choice comes from a ``random.Random`` seeded
from the ``--seed`` and the county's code, so a county looks the same whatever the scale,
and the same seed gives the same data. Rows are written with ``bulk_create`` and each gets
its "created" history row (change reason ``seed_demo``); tree paths are the ones
``org.services`` would write.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from qingfeng.accounts.models import User
from qingfeng.demo import CHANGE_REASON
from qingfeng.demo import org_data as data
from qingfeng.demo import records as records_demo
from qingfeng.demo.accounts import DEFAULT_PASSWORD, DEMO_USERNAMES, create_demo_accounts
from qingfeng.lib import search_index
from qingfeng.org.models import (
    DisciplineGroup,
    Gender,
    InCharge,
    ManagedLevel,
    Person,
    Post,
    PostRole,
    Region,
    RegionLevel,
    Station,
    StationKind,
    Unit,
    UnitCategory,
)
from qingfeng.org.services import child_path

DEFAULT_SEED = 2026
SCALES = ("county", "city", "province")
DEMO_COUNTY_CODE = data.DEMO_COUNTY_CODE


# ---------------------------------------------------------------------------------------
# Regions: which counties a scale has
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountySpec:
    """A county to generate: its region code and name, and the prefix of its unit codes."""

    code: str
    name: str
    prefix: str
    demo: bool = False

    @property
    def is_district(self) -> bool:
        return self.name.endswith("区")


@dataclass(frozen=True)
class CitySpec:
    code: str
    name: str
    counties: tuple[CountySpec, ...]


def plan_regions(seed: int, scale: str) -> list[CitySpec]:
    """The cities and counties of a scale (the province is always 山西省)."""
    rng = random.Random(f"{seed}-regions")
    province_code = data.PROVINCE[0]
    city_index = {code: i + 1 for i, (code, _name) in enumerate(data.CITIES)}
    demo_city_name = dict(data.CITIES)[data.DEMO_CITY_CODE]

    def demo_city(all_counties: bool) -> CitySpec:
        city_code = f"{province_code}-{data.DEMO_CITY_CODE}"
        counties = []
        for i, name in enumerate(data.DEMO_CITY_COUNTIES, start=1):
            if name == data.DEMO_COUNTY[1]:
                counties.append(CountySpec(DEMO_COUNTY_CODE, name, data.DEMO_COUNTY[0], True))
            elif all_counties:
                prefix = f"C{city_index[data.DEMO_CITY_CODE]:02d}{i:02d}"
                counties.append(CountySpec(f"{city_code}-{i:02d}", name, prefix))
        return CitySpec(city_code, demo_city_name, tuple(counties))

    if scale == "county":
        return [demo_city(all_counties=False)]
    if scale == "city":
        return [demo_city(all_counties=True)]

    # Province: 117 counties. The demo city keeps its real twelve; the other 105 are
    # spread unevenly, 8 to 14 a city, with generated names.
    others = [code for code, _name in data.CITIES if code != data.DEMO_CITY_CODE]
    sizes = dict.fromkeys(others, 8)
    for _extra in range(117 - len(data.DEMO_CITY_COUNTIES) - 8 * len(others)):
        code = rng.choice([c for c in others if sizes[c] < 14])
        sizes[code] += 1
    taken = set(data.DEMO_CITY_COUNTIES)
    cities = []
    for code, name in data.CITIES:
        if code == data.DEMO_CITY_CODE:
            cities.append(demo_city(all_counties=True))
            continue
        counties = []
        districts = rng.randint(1, 3)
        for i in range(1, sizes[code] + 1):
            county_name = ""
            while not county_name or county_name in taken:
                stem = rng.choice(data.COUNTY_FIRST) + rng.choice(data.COUNTY_SECOND)
                county_name = stem + ("区" if i <= districts else "县")
            taken.add(county_name)
            prefix = f"C{city_index[code]:02d}{i:02d}"
            counties.append(CountySpec(f"{province_code}-{code}-{i:02d}", county_name, prefix))
        cities.append(CitySpec(f"{province_code}-{code}", name, tuple(counties)))
    return cities


# ---------------------------------------------------------------------------------------
# One county, built in memory
# ---------------------------------------------------------------------------------------


@dataclass
class CountyBuild:
    """The unsaved objects of one county; foreign keys point at other unsaved objects."""

    units: list[Unit] = field(default_factory=list)
    sub_units: list[Unit] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    groups: list[tuple[DisciplineGroup, list[Unit]]] = field(default_factory=list)
    stations: list[Station] = field(default_factory=list)
    in_charge: list[InCharge] = field(default_factory=list)


def localise(name: str, spec: CountySpec) -> str:
    """A county-form name ("县教育局", "团县委") as this county writes it."""
    return name.replace("县", "区", 1) if spec.is_district else name


def unit_kind(name: str, category: str) -> str:
    """The kind of unit, which decides the titles of its team (see ``MEMBER_TITLES``)."""
    if category in ("school", "hospital", "soe", "township"):
        return category
    if "法院" in name:
        return "court"
    if "检察院" in name:
        return "procuratorate"
    if name.endswith(("工会", "团县委", "妇联", "科协", "文联", "残联", "工商联", "红十字会")):
        return "mass"
    if name.endswith(("办公室", "研究室", "工委")):
        return "office"
    if name.endswith("局"):
        return "bureau"
    if name.endswith(("委员会", "委")):
        return "committee"
    if name.endswith("部"):
        return "ministry"
    return "centre"


def principal_title(name: str, category: str, county_form: str) -> str:
    """The principal leader's title in a unit (the county-form name picks special ones)."""
    if county_form in data.SPECIAL_PRINCIPAL_TITLES:
        return data.SPECIAL_PRINCIPAL_TITLES[county_form]
    if category == "township":
        if name.endswith("街道"):
            return "街道党工委书记"
        return "乡党委书记" if name.endswith("乡") else "镇党委书记"
    if category == "school":
        return "党支部书记、主任" if name.endswith("部") else "党委书记、校长"
    kind = unit_kind(name, category)
    if kind in data.PRINCIPAL_TITLES:
        return data.PRINCIPAL_TITLES[kind]
    return "馆长" if name.endswith("馆") else "党支部书记、主任"


def _member_titles(rng: random.Random, unit: Unit, category: str, count: int) -> list[str]:
    if category == "township":
        if unit.name.endswith("街道"):
            head = "街道办事处主任"
        else:
            head = "乡长" if unit.name.endswith("乡") else "镇长"
        return [head, *rng.sample(data.TOWNSHIP_MEMBER_TITLES, count - 1)]
    kind = unit_kind(unit.name, category)
    pool = data.MEMBER_TITLES.get(kind, data.MEMBER_TITLES["centre"])
    return rng.sample(pool, min(count, len(pool)))


def _new_person(rng: random.Random, code: str, principal: bool) -> Person:
    male = rng.random() < (0.85 if principal else 0.7)
    chars = data.GIVEN_MALE if male else data.GIVEN_FEMALE
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return Person(
        code=code,
        name=rng.choice(data.SURNAMES) + given,
        gender=Gender.MALE if male else Gender.FEMALE,
        birth_year=rng.randint(1965, 1982) if principal else rng.randint(1968, 1990),
    )


def _rank(rng: random.Random, category: str, title: str, principal: bool) -> str:
    if principal:
        if "委常委" in title:
            return "副处级"
        if category in ("institution", "school", "hospital", "soe"):
            return rng.choice(("正科级", "正科级", "副科级"))
        return "正科级"
    if title in ("镇长", "乡长", "街道办事处主任"):
        return "正科级"
    if category in ("school", "hospital", "soe"):
        return rng.choice(("副科级", "副科级", "科员"))
    return rng.choice(("副科级", "副科级", "副科级", "一级主任科员", "二级主任科员"))


def _day(start: datetime.date, rng: random.Random, span_days: int) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, span_days))


def build_county(
    spec: CountySpec, region: Region, categories: dict[str, UnitCategory], seed: int
) -> CountyBuild:
    """Build one county's units, people, posts, groups and stations in memory."""
    rng = random.Random(f"{seed}-{spec.code}")
    build = CountyBuild()
    by_form: dict[str, Unit] = {}  # county-form name -> unit
    category_of: dict[int, str] = {}  # id(unit) -> category code
    number = 0

    def add_unit(form: str, category: str, low: int, high: int, parent: Unit | None) -> Unit:
        nonlocal number
        number += 1
        unit = Unit(
            code=f"{spec.prefix}-{number:03d}",
            name=localise(form, spec),
            category=categories[category],
            region=region,
            parent=parent,
            headcount=rng.randint(low, high),
            active=form != data.INACTIVE_DEPARTMENT,
        )
        by_form[form] = unit
        category_of[id(unit)] = category
        (build.sub_units if parent else build.units).append(unit)
        return unit

    for form, category, low, high in data.DEPARTMENTS:
        if spec.demo or form in data.CORE_DEPARTMENTS or rng.random() < 0.85:
            add_unit(form, category, low, high, None)
    if spec.demo:
        townships = list(data.DEMO_TOWNSHIPS)
    else:
        stems = rng.sample(data.TOWNSHIP_STEMS, rng.randint(6, 12))
        if spec.is_district:
            townships = [s + rng.choice(("街道", "街道", "镇")) for s in stems]
        else:
            townships = [s + rng.choice(("镇", "镇", "乡")) for s in stems]
    for name in townships:
        add_unit(name, "township", 40, 110, None)
    for form, category, low, high, parent_form in data.SUB_UNITS:
        add_unit(form, category, low, high, by_form[parent_form])

    all_units = build.units + build.sub_units
    active = [unit for unit in all_units if unit.active]
    _build_teams(rng, spec, build, active, by_form, category_of)
    _build_groups(rng, spec, build, active, category_of)
    _build_in_charge(spec, build, by_form, seed)
    infix = "" if spec.demo else f"{spec.prefix}-"
    for suffix, form in data.STATION_DEPARTMENTS:
        unit = by_form[form]
        build.stations.append(
            Station(
                code=f"ST-{infix}{suffix}",
                name=unit.name,
                kind=StationKind.DEPARTMENT,
                region=region,
                unit=unit,
            )
        )
    for suffix, name in data.STATION_OFFICES:
        build.stations.append(
            Station(code=f"ST-{infix}{suffix}", name=name, kind=StationKind.OFFICE, region=region)
        )
    return build


def _build_in_charge(
    spec: CountySpec, build: CountyBuild, by_form: dict[str, Unit], seed: int
) -> None:
    """The county's deputy heads in charge of its departments and the commission's deputies
    who are the townships' liaison contacts (people with no post in a unit)."""
    rng = random.Random(f"{seed}-{spec.code}-in-charge")  # leaves the other draws alone
    townships = [unit for unit in build.units if unit.category.code == "township"]
    contacts = sum(1 for _title, _kind, forms in data.LEADERS_IN_CHARGE if forms is None)
    contact = 0
    for number, (title, kind, forms) in enumerate(data.LEADERS_IN_CHARGE, start=1):
        leader = _new_person(rng, f"P-{spec.prefix}-L{number:02d}", True)
        leader.rank = "副处级"
        build.people.append(leader)
        if forms is None:  # every other township, by turns
            units = townships[contact::contacts]
            contact += 1
        else:
            units = [by_form[form] for form in forms if form in by_form]
        position = title.replace("县", "区") if spec.is_district else title
        build.in_charge.extend(
            InCharge(unit=unit, person=leader, kind=kind, title=position) for unit in units
        )


def _post(
    person: Person,
    unit: Unit,
    principal: bool,
    title: str,
    level: str,
    start: datetime.date,
    end: datetime.date | None = None,
) -> Post:
    role = PostRole.PRINCIPAL if principal else PostRole.MEMBER
    return Post(
        person=person, unit=unit, role=role, title=title, managed_level=level, start=start, end=end
    )


def _build_teams(
    rng: random.Random,
    spec: CountySpec,
    build: CountyBuild,
    active: list[Unit],
    by_form: dict[str, Unit],
    category_of: dict[int, str],
) -> None:
    """One current principal and 1-4 members per active unit; some past posts."""
    form_of = {id(unit): form for form, unit in by_form.items()}
    current: list[Post] = []
    since = datetime.date(2016, 1, 1)

    def head_title(unit: Unit) -> str:
        title = principal_title(unit.name, category_of[id(unit)], form_of[id(unit)])
        return title.replace("县委", "区委") if spec.is_district else title

    def person(principal: bool, category: str, title: str) -> Person:
        code = f"P-{spec.prefix}-{len(build.people) + 1:04d}"
        new = _new_person(rng, code, principal)
        new.rank = _rank(rng, category, title, principal)
        build.people.append(new)
        return new

    for unit in active:
        category = category_of[id(unit)]
        title = head_title(unit)
        level = ManagedLevel.CITY if "委常委" in title else ManagedLevel.COUNTY
        head = person(True, category, title)
        current.append(_post(head, unit, True, title, level, _day(since, rng, 3500)))
        for title in _member_titles(rng, unit, category, rng.randint(1, 4)):
            member = person(False, category, title)
            level = ManagedLevel.COUNTY if rng.random() < 0.85 else ManagedLevel.OTHER
            current.append(_post(member, unit, False, title, level, _day(since, rng, 3500)))
    build.posts.extend(current)

    # The merged-away department's last team moved on at the reform.
    reform_end = datetime.date(*data.REFORM_DATE)
    inactive = by_form[data.INACTIVE_DEPARTMENT]
    movers = rng.sample(current, 3)
    for i, post in enumerate(movers):
        title = "党组书记、局长" if i == 0 else "副局长"
        start = _day(datetime.date(2012, 1, 1), rng, 1800)
        build.posts.append(
            _post(post.person, inactive, i == 0, title, ManagedLevel.COUNTY, start, reform_end)
        )
        post.start = _day(reform_end + datetime.timedelta(days=1), rng, 90)
    # About one person in ten served elsewhere in the county before.
    moved = {id(post) for post in movers}
    for post in current:
        if id(post) in moved or rng.random() >= 0.1:
            continue
        before = rng.choice(active)
        if before is post.unit or post.start is None:
            continue
        was_principal = rng.random() < 0.25
        if was_principal:
            title = head_title(before)
        else:
            title = _member_titles(rng, before, category_of[id(before)], 1)[0]
        end = post.start - datetime.timedelta(days=1)
        start = end - datetime.timedelta(days=rng.randint(700, 2500))
        level = ManagedLevel.CITY if "委常委" in title else ManagedLevel.COUNTY
        build.posts.append(_post(post.person, before, was_principal, title, level, start, end))


def _build_groups(
    rng: random.Random,
    spec: CountySpec,
    build: CountyBuild,
    active: list[Unit],
    category_of: dict[int, str],
) -> None:
    """Stationed groups over the departments (a sub-unit goes with its parent) and
    township cooperation zones; together they cover every active unit."""
    region = active[0].region
    departments: list[Unit] = []
    for unit in active:
        if category_of[id(unit)] == "township" or unit.parent is not None:
            continue
        departments.append(unit)
        departments.extend(sub for sub in build.sub_units if sub.parent is unit and sub.active)
    townships = [unit for unit in active if category_of[id(unit)] == "township"]
    stationed = 6 if spec.demo else rng.randint(5, 6)
    zones = 2 if spec.demo or len(townships) > 7 else 1
    county_word = "区" if spec.is_district else "县"
    number = 0

    def add(name: str, units: list[Unit]) -> None:
        nonlocal number
        number += 1
        group = DisciplineGroup(code=f"DG-{spec.prefix}-{number:02d}", name=name, region=region)
        build.groups.append((group, units))

    for i in range(stationed):
        chunk = departments[
            i * len(departments) // stationed : (i + 1) * len(departments) // stationed
        ]
        add(f"{county_word}纪委监委派驻第{data.NUMERALS[i]}纪检监察组", chunk)
    for i in range(zones):
        chunk = townships[i * len(townships) // zones : (i + 1) * len(townships) // zones]
        add(f"第{data.NUMERALS[i]}乡镇纪检监察工作协作区", chunk)


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------

M = TypeVar("M", bound=Model)
# The two kinds of tree node (each with ``parent`` and ``path``).
TreeNode = TypeVar("TreeNode", Region, Unit)


def _create_tree(model: type[TreeNode], levels: Sequence[list[TreeNode]]) -> None:
    """Insert a tree level by level (a level's keys make its children's paths), set every
    ``path`` as ``org.services`` would, and record one "created" history row per node."""
    nodes: list[Any] = []
    for level in levels:
        model._default_manager.bulk_create(level)
        for node in level:
            parent = node.parent
            node.path = child_path(parent.path if parent else None, node.pk)
        nodes.extend(level)
    model._default_manager.bulk_update(nodes, ["path"], batch_size=500)
    get_history_manager_for_model(model).bulk_history_create(
        nodes, default_change_reason=CHANGE_REASON
    )


def _create(model: type[M], objs: list[M]) -> None:
    """Bulk insert, with one "created" history row per object."""
    bulk_create_with_history(objs, model, batch_size=2000, default_change_reason=CHANGE_REASON)


def _region(code: str, name: str, level: str, parent: Region | None) -> Region:
    return Region(
        code=code, name=name, level=level, parent=parent, commission_name=f"{name}纪委监委"
    )


def _create_groups(groups: list[tuple[DisciplineGroup, list[Unit]]]) -> None:
    """Groups, their covered units, and history rows for both (as ``units.set`` would)."""
    DisciplineGroup.objects.bulk_create([group for group, _units in groups])
    through = DisciplineGroup.units.through
    links = [
        through(disciplinegroup_id=group.pk, unit_id=unit.pk)
        for group, units in groups
        for unit in units
    ]
    through.objects.bulk_create(links, batch_size=2000)
    history = get_history_manager_for_model(DisciplineGroup).bulk_history_create(
        [group for group, _units in groups], default_change_reason=CHANGE_REASON
    )
    history_of = {row.id: row.pk for row in history}
    link_history = apps.get_model("org", "HistoricalDisciplineGroup_units")
    link_history.objects.bulk_create(
        [
            link_history(
                history_id=history_of[link.disciplinegroup_id],
                id=link.pk,
                disciplinegroup_id=link.disciplinegroup_id,
                unit_id=link.unit_id,
            )
            for link in links
        ],
        batch_size=2000,
    )


def _ensure_categories() -> dict[str, UnitCategory]:
    existing = {category.code: category for category in UnitCategory.objects.all()}
    missing = [UnitCategory(code=c, name=n) for c, n in data.CATEGORIES if c not in existing]
    if missing:
        bulk_create_with_history(missing, UnitCategory, default_change_reason=CHANGE_REASON)
    return {category.code: category for category in UnitCategory.objects.all()}


@transaction.atomic
def seed_demo(
    *,
    seed: int = DEFAULT_SEED,
    scale: str = "county",
    password: str = DEFAULT_PASSWORD,
    log: Callable[[str], None] = lambda message: None,
) -> dict[str, int]:
    """Create the demo organisation and the demo accounts in one transaction.

    The database must hold no units yet (see ``has_org_data`` and ``reset_demo``).
    Returns the counts of what was created.
    """
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}; use one of {', '.join(SCALES)}.")
    if not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError("seed_demo needs a database that returns keys from bulk inserts.")
    categories = _ensure_categories()

    log(_("Creating regions…"))
    province = _region(*data.PROVINCE, RegionLevel.PROVINCE, None)
    cities: list[Region] = []
    counties: list[tuple[CountySpec, Region]] = []
    for city_spec in plan_regions(seed, scale):
        city = _region(city_spec.code, city_spec.name, RegionLevel.CITY, province)
        cities.append(city)
        for spec in city_spec.counties:
            counties.append((spec, _region(spec.code, spec.name, RegionLevel.COUNTY, city)))
    _create_tree(Region, [[province], cities, [county for _spec, county in counties]])

    log(
        ngettext("Building %(count)d county…", "Building %(count)d counties…", len(counties))
        % {"count": len(counties)}
    )
    builds = [build_county(spec, county, categories, seed) for spec, county in counties]

    log(_("Creating units…"))
    _create_tree(
        Unit,
        [
            [unit for build in builds for unit in build.units],
            [unit for build in builds for unit in build.sub_units],
        ],
    )
    log(_("Creating people and posts…"))
    _create(Person, [person for build in builds for person in build.people])
    _create(Post, [post for build in builds for post in build.posts])
    _create(InCharge, [relation for build in builds for relation in build.in_charge])
    log(_("Creating discipline groups and data stations…"))
    _create_groups([group for build in builds for group in build.groups])
    _create(Station, [station for build in builds for station in build.stations])
    log(_("Creating demo accounts…"))
    create_demo_accounts(password=password)
    if scale == "county":  # the demo frameworks and eight quarters of records
        county = next(region for spec, region in counties if spec.demo)
        records_demo.demo_content_create(seed=seed, region=county, log=log)
    # The seed writes in bulk, past the models' save: index everything once, at the end.
    log(_("Building the search index…"))
    search_index.rebuild()
    return demo_counts()


def demo_counts() -> dict[str, int]:
    """Counts of the organisation as it now stands (for the command's summary)."""
    return {
        "regions": Region.objects.count(),
        "units": Unit.objects.count(),
        "active_units": Unit.objects.filter(active=True).count(),
        "townships": Unit.objects.filter(category__code="township").count(),
        "people": Person.objects.count(),
        "current_posts": Post.objects.filter(end__isnull=True).count(),
        "past_posts": Post.objects.filter(end__isnull=False).count(),
        "discipline_groups": DisciplineGroup.objects.count(),
        "stations": Station.objects.count(),
        "accounts": User.objects.filter(username__in=DEMO_USERNAMES).count(),
    }
