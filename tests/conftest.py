"""Shared fixtures: a small two-county organisation and users holding each kind of scope.

Tests build their data through the real services (no mocks of our own components).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import translation

from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.accounts.roles import Role, ScopeKind
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator, VersionStatus
from qingfeng.org import services
from qingfeng.org.models import (
    DisciplineGroup,
    Person,
    PostRole,
    Region,
    RegionLevel,
    Station,
    StationKind,
    Unit,
    UnitCategory,
)
from qingfeng.records.models import Record, RecordStatus
from tests.demo_county import DemoCounty, SharedDemo

PASSWORD = "a-long-test-password-1"
# Production hashes with Argon2 (by design slow: ~0.1 s and 100 MB a hash). Tests create
# hundreds of accounts and log in as often, so they hash with MD5; the one test that proves
# production hashing (tests/accounts/test_views.py) puts the real setting back.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def fast_password_hasher() -> Iterator[None]:
    """Every test (and the shared demo seed, which creates accounts) hashes with MD5."""
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True)
def site_language_after_each_test() -> Iterator[None]:
    """Each test starts in the site's language: a request or a test that activated another
    language in this thread (Django's test client keeps the last request's) must not
    change what the next test reads."""
    yield
    translation.deactivate()


# The demo county shared by the tests using the ``demo_county`` fixture: see
# tests/demo_county.py for why it is safe.
DEMO_FIXTURE = "demo_county"
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    in_marker = marker is not None and bool(
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    return in_marker or bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def _uses_demo(item: pytest.Item) -> bool:
    return DEMO_FIXTURE in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The demo tests first (a stable sort keeps every other order): each process seeds the
    # shared demo at most once and rolls it back once. Under ``pytest -n`` the first chunk
    # of tests goes to one worker, so one seeding serves them all while the others work.
    items.sort(key=lambda item: not _uses_demo(item))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before any fixture of the test: only demo tests may see the shared demo.
    if _uses_demo(item) and _is_transactional(item):
        pytest.fail(
            f"{item.nodeid}: the shared demo county lives in a transaction; a test with "
            "transactions of its own must seed the demo itself (tests/demo_county.py)"
        )
    shared = SharedDemo.current
    if shared is not None:
        if _uses_demo(item):
            shared.seed()
        else:
            shared.roll_back()


@pytest.fixture(scope="session")
def shared_demo(
    django_db_setup: None, django_db_blocker: Any, fast_password_hasher: None
) -> Iterator[SharedDemo]:
    """The shared demo county of this process (seeded at the first demo test)."""
    shared = SharedDemo.current = SharedDemo(django_db_blocker)
    shared.seed()
    yield shared
    shared.roll_back()
    SharedDemo.current = None


@pytest.fixture
def demo_county(shared_demo: SharedDemo, db: None) -> DemoCounty:
    """The demo county as ``seed_demo`` builds it (seed 2026, password DEMO_PASSWORD),
    shared with the other demo tests: what a test writes is rolled back after it."""
    assert shared_demo.county is not None and shared_demo.open
    return shared_demo.county


@dataclass
class Org:
    """Two counties in one city; each with two units; one person per unit."""

    city: Region
    county_a: Region
    county_b: Region
    category: UnitCategory
    township: UnitCategory
    unit_a1: Unit
    unit_a1_sub: Unit
    unit_a2: Unit
    unit_b1: Unit
    person_a1: Person
    person_b1: Person
    station_a: Station
    group_a: DisciplineGroup


@pytest.fixture
def org(db: None) -> Org:
    city = services.region_save(region=Region(code="C1", name="长治市", level=RegionLevel.CITY))
    county_a = services.region_save(
        region=Region(code="C1-A", name="黎城县", level=RegionLevel.COUNTY, parent=city)
    )
    county_b = services.region_save(
        region=Region(code="C1-B", name="平顺县", level=RegionLevel.COUNTY, parent=city)
    )
    dept = services.category_save(category=UnitCategory(code="government", name="政府部门"))
    town = services.category_save(category=UnitCategory(code="township", name="镇街"))
    unit_a1 = services.unit_save(
        unit=Unit(code="A1", name="黎城县教育局", category=dept, region=county_a, headcount=40)
    )
    unit_a1_sub = services.unit_save(
        unit=Unit(
            code="A1-1", name="黎城县第一中学", category=dept, region=county_a, parent=unit_a1
        )
    )
    unit_a2 = services.unit_save(
        unit=Unit(code="A2", name="黎侯镇", category=town, region=county_a, headcount=80)
    )
    unit_b1 = services.unit_save(
        unit=Unit(code="B1", name="平顺县财政局", category=dept, region=county_b, headcount=30)
    )
    person_a1 = services.person_save(person=Person(code="PA1", name="王建国", rank="正科级"))
    services.post_start(
        person=person_a1, unit=unit_a1, role=PostRole.PRINCIPAL, title="党组书记、局长"
    )
    person_b1 = services.person_save(person=Person(code="PB1", name="李明", rank="正科级"))
    services.post_start(person=person_b1, unit=unit_b1, role=PostRole.PRINCIPAL, title="局长")
    station_a = services.station_save(
        station=Station(
            code="ST-A", name="黎城县委组织部", kind=StationKind.DEPARTMENT, region=county_a
        )
    )
    group_a = services.discipline_group_save(
        group=DisciplineGroup(code="G-A", name="派驻第一纪检监察组", region=county_a),
        units=[unit_a2],
    )
    return Org(
        city,
        county_a,
        county_b,
        dept,
        town,
        unit_a1,
        unit_a1_sub,
        unit_a2,
        unit_b1,
        person_a1,
        person_b1,
        station_a,
        group_a,
    )


def make_user(username: str, role: str | None = None, **scope: object) -> User:
    """A user holding ``role`` over the scope given as one keyword (region=…, unit=…)."""
    user = User.objects.create_user(username=username, password=PASSWORD)
    if role is not None:
        if scope:
            ((kind, target),) = scope.items()
            RoleAssignment.objects.create(user=user, role=role, scope_kind=kind, **{kind: target})
        else:
            RoleAssignment.objects.create(user=user, role=role, scope_kind=ScopeKind.ALL)
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_a(org: Org) -> User:
    """Commission administrator of county A."""
    return make_user("admin_a", Role.COMMISSION_ADMIN, region=org.county_a)


@pytest.fixture
def admin_b(org: Org) -> User:
    """Commission administrator of county B (outside county A's scope)."""
    return make_user("admin_b", Role.COMMISSION_ADMIN, region=org.county_b)


@pytest.fixture
def sysadmin(org: Org) -> User:
    return make_user("root", Role.SYSTEM_ADMIN)


@dataclass
class Scored:
    framework: Framework
    version: FrameworkVersion


def add(
    version: FrameworkVersion, code: str, parent: Indicator | None, max_: float, **kw: object
) -> Indicator:
    return Indicator.objects.create(
        version=version,
        code=code,
        name=f"指标{code}",
        parent=parent,
        max=max_,
        position=Indicator.objects.filter(version=version).count(),
        **kw,
    )


@pytest.fixture
def scored(org: Org) -> Scored:
    """City-wide framework (100-point scale), bands blue<0.9, yellow<0.8, red<0.6.

    A (60)  ├ A1 deduct per 5, cap 30 (30)
            └ A2 bonus grades 一等 10 / 二等 6 (30)
    B (40)  ├ B1 survey (40)
            └ B2 veto
    """
    framework = Framework.objects.create(code="T", name="测试体系", region=org.city)
    version = FrameworkVersion.objects.create(
        framework=framework,
        number=1,
        name="测试体系",
        year=2025,
        scale=100,
        status=VersionStatus.PUBLISHED,
        bands=[
            {"level": "blue", "below": 0.9},
            {"level": "yellow", "below": 0.8},
            {"level": "red", "below": 0.6},
        ],
    )
    a = add(version, "A", None, 60)
    add(version, "A1", a, 30, rule={"type": "deduct", "per": 5, "cap": 30})
    add(version, "A2", a, 30, rule={"type": "bonus", "grades": {"一等": 10, "二等": 6}})
    b = add(version, "B", None, 40)
    add(version, "B1", b, 40, rule={"type": "survey"})
    add(version, "B2", b, 0, rule={"type": "veto"})
    return Scored(framework, version)


def record(scored: Scored, unit: object, code: str, day: str, **fields: object) -> Record:
    fields.setdefault("status", RecordStatus.APPROVED)
    return Record.objects.create(
        framework=scored.framework,
        indicator_code=code,
        unit=unit,
        date=datetime.date.fromisoformat(day),
        **fields,
    )


def english(client: Client) -> Client:
    """The same client with the UI switched to English (the default is Chinese)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
