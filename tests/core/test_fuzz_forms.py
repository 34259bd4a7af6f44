"""Fuzzing the site's forms (issue 10): every field of the record entry form, the quick
entry table, the filter and search forms, the framework editor's forms and the
organisation forms gets arbitrary values (any Unicode, NUL, lone surrogates, NaN, inf,
huge and negative numbers, very long texts), posted by a logged-in user of the demo county.

Never a server error (the test client raises it); a POST answered with the form again
(200) changed nothing in the database; a filter or a search answers a page (200), a
redirect or "not found", never more; a NUL character anywhere is a 400
(``qingfeng.core.middleware.NulCharacterMiddleware``). The forms are read from each page,
as a browser reads them (``tests/fuzz.page_forms``), so a field added later is fuzzed too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator, VersionStatus
from qingfeng.framework.services import version_copy
from qingfeng.org.models import DisciplineGroup, Person, Post, Region, Station, Unit
from qingfeng.records.models import CollectionPeriod, PeriodStatus, Record
from tests.demo_county import DemoCounty
from tests.fuzz import Form, encode, form_values, fuzz_settings, hostile_text, page_forms

pytestmark = pytest.mark.django_db

FORM_CONTENT = "application/x-www-form-urlencoded"
# What a refused form must leave as it was.
MODELS = (
    Record,
    Indicator,
    FrameworkVersion,
    Framework,
    CollectionPeriod,
    Unit,
    Person,
    Post,
    Station,
    DisciplineGroup,
    Region,
    User,
    RoleAssignment,
)


def _fingerprint() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


@dataclass
class Page:
    """A page of the demo county and the user who opens it."""

    user: str
    url: str


class Pages:
    """Clients of the demo users and the forms of each page (read once)."""

    def __init__(self) -> None:
        self.clients: dict[str, Client] = {}
        self.forms: dict[str, list[Form]] = {}

    def client(self, username: str) -> Client:
        if username not in self.clients:
            client = Client()
            client.force_login(User.objects.get(username=username))
            self.clients[username] = client
        return self.clients[username]

    def forms_of(self, page: Page) -> list[Form]:
        if page.url not in self.forms:
            response = self.client(page.user).get(page.url)
            assert response.status_code == 200, page
            self.forms[page.url] = page_forms(response.content.decode())
        return self.forms[page.url]


def _entry_pages() -> list[Page]:
    """The entry form and the quick entry table of 县委组织部's clerk, for an indicator of
    each rule the station enters in the open period of framework LK."""
    station = Station.objects.get(code="ST-ORG")
    framework = Framework.objects.get(code="LK")
    period = CollectionPeriod.objects.filter(framework=framework, status=PeriodStatus.OPEN)
    open_period = period.order_by("-period").values_list("period", flat=True).first()
    assert open_period is not None
    pages = []
    for code in ("C1.1", "C2.1", "D3.1", "A2.2"):  # deduct, direct, survey, rate
        for kind in ("new", "quick"):
            args = [station.pk, framework.pk, open_period, code]
            pages.append(Page("clerk", reverse(f"records:entry_{kind}", args=args)))
    return pages


def _filter_pages() -> list[Page]:
    """Pages whose forms filter or search (GET), as the analyst and the administrator."""
    latest = "2026Q3"
    return [
        Page("analyst", reverse("dashboard:problems", args=["LK", latest])),
        Page("analyst", reverse("dashboard:search")),
        Page("analyst", reverse("dashboard:compare_indicator", args=["LK", latest])),
        Page("analyst", reverse("dashboard:compare_yoy", args=["LK", latest])),
        Page("analyst", reverse("dashboard:compare_trend", args=["LK"])),
        Page("analyst", reverse("dashboard:overview", args=["LK", latest])),
        Page("analyst", reverse("scoring:ranking", args=["LK", latest])),
        Page("commission", reverse("org:unit_list")),
        Page("commission", reverse("org:person_list")),
        Page("commission", reverse("accounts:user_list")),
        Page("commission", reverse("records:period_list")),
        Page("commission", reverse("records:workload")),
        Page("reviewer", reverse("records:review")),
        Page("clerk", reverse("records:my_records")),
        Page("clerk", reverse("records:entry")),
    ]


def _draft() -> FrameworkVersion:
    """A draft copy of LK's published version, by the commission's administrator."""
    admin = User.objects.get(username="commission")
    published = FrameworkVersion.objects.filter(
        framework__code="LK", status=VersionStatus.PUBLISHED
    ).latest("number")
    return version_copy(version=published, actor=admin)


def _draft_pages() -> list[Page]:
    """The framework editor's forms on a draft copy of LK, as the commission's
    administrator."""
    draft = _draft()
    leaf = draft.indicators.get(code="C1.1")
    return [
        Page("commission", reverse("framework:version_settings", args=[draft.pk])),
        Page("commission", reverse("framework:indicator_create", args=[draft.pk])),
        Page("commission", reverse("framework:indicator_edit", args=[leaf.pk])),
        Page("commission", reverse("framework:indicator_move", args=[leaf.pk])),
    ]


def _org_pages() -> list[Page]:
    unit = Unit.objects.order_by("code").first()
    person = Person.objects.order_by("code").first()
    assert unit is not None and person is not None
    return [
        Page("commission", reverse("org:unit_create")),
        Page("commission", reverse("org:unit_edit", args=[unit.pk])),
        Page("commission", reverse("org:person_create")),
        Page("commission", reverse("org:post_create", args=[person.pk])),
        Page("commission", reverse("org:station_create")),
        Page("commission", reverse("org:group_create")),
        Page("commission", reverse("accounts:user_create")),
    ]


def _submit(pages: Pages, page: Page, form: Form, values: dict[str, Any]) -> Any:
    client = pages.client(page.user)
    url = form.action or page.url
    if form.method == "post":
        return client.post(url, encode(values), content_type=FORM_CONTENT)
    query = encode(values)
    return client.get(f"{url.split('?')[0]}?{query}" if query else url)


def _fuzz(pages: Pages, targets: list[Page], data: st.DataObject) -> None:
    page = data.draw(st.sampled_from(targets), label="page")
    forms = pages.forms_of(page)
    assert forms, f"no form on {page.url}"
    form = data.draw(st.sampled_from(forms), label="form")
    values = data.draw(form_values(form), label="values")
    before = _fingerprint()
    response = _submit(pages, page, form, values)  # a server error raises here
    nul = any("\x00" in name or "\x00" in value for name, value in values.items())
    expected = {400} if nul else {200, 302, 404}  # a NUL: NulCharacterMiddleware
    assert response.status_code in expected, (response.status_code, page, values)
    if form.method == "post" and response.status_code == 200:
        assert _fingerprint() == before, "a form answered with errors changed the data"


_CACHE: dict[Callable[[], list[Page]], tuple[Pages, list[Page]]] = {}


def _pages(targets: Callable[[], list[Page]]) -> Pages:
    return _CACHE[targets][0]


def _targets_of(targets: Callable[[], list[Page]]) -> list[Page]:
    return _CACHE[targets][1]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    # The pages are read again in every test: each runs in its own rolled-back savepoint.
    _CACHE.clear()
    yield
    _CACHE.clear()


def _prepare(targets: Callable[[], list[Page]]) -> None:
    if targets not in _CACHE:
        _CACHE[targets] = (Pages(), targets())


@fuzz_settings(40)
@given(data=st.data())
def test_fuzz_record_entry_and_quick_entry(demo_county: DemoCounty, data: st.DataObject) -> None:
    _prepare(_entry_pages)
    _fuzz(_pages(_entry_pages), _targets_of(_entry_pages), data)


@fuzz_settings(40)
@given(data=st.data())
def test_fuzz_filter_and_search_forms(demo_county: DemoCounty, data: st.DataObject) -> None:
    _prepare(_filter_pages)
    _fuzz(_pages(_filter_pages), _targets_of(_filter_pages), data)


@fuzz_settings(40)
@given(data=st.data())
def test_fuzz_framework_editor_forms(demo_county: DemoCounty, data: st.DataObject) -> None:
    _prepare(_draft_pages)
    _fuzz(_pages(_draft_pages), _targets_of(_draft_pages), data)


@fuzz_settings(40)
@given(data=st.data())
def test_fuzz_organisation_forms(demo_county: DemoCounty, data: st.DataObject) -> None:
    _prepare(_org_pages)
    _fuzz(_pages(_org_pages), _targets_of(_org_pages), data)


# The query parameters the views read themselves (``request.GET``), links rather than
# form fields: each page gets any of them, with any value.
PARAMETERS = [
    "against",
    "category",
    "framework",
    "from",
    "kind",
    "next",
    "node",
    "page",
    "parent",
    "part",
    "period",
    "q",
    "sort",
    "station",
    "status",
    "to",
    "type",
    "unit",
]


def _linked_pages() -> list[Page]:
    """Pages read with query parameters from their links, besides the filter pages."""
    latest = "2026Q3"
    unit = Unit.objects.order_by("code").first()
    assert unit is not None
    draft = _draft()
    return [
        *_filter_pages(),
        Page("analyst", reverse("dashboard:portrait", args=["LK", latest, unit.pk])),
        Page("analyst", reverse("dashboard:problems_json", args=["LK", latest])),
        Page("analyst", reverse("dashboard:compare_trend_json", args=["LK"])),
        Page("analyst", reverse("dashboard:compare_unit_search", args=["LK"])),
        Page("analyst", reverse("dashboard:compare_indicator_json", args=["LK", latest])),
        Page("analyst", reverse("dashboard:search_xlsx")),
        Page("commission", reverse("records:excel")),
        Page("commission", reverse("framework:indicator_create", args=[draft.pk])),
        Page("commission", reverse("framework:version_diff", args=[draft.pk])),
    ]


@fuzz_settings(40)
@given(data=st.data())
def test_fuzz_query_parameters(demo_county: DemoCounty, data: st.DataObject) -> None:
    _prepare(_linked_pages)
    pages = _pages(_linked_pages)
    page = data.draw(st.sampled_from(_targets_of(_linked_pages)), label="page")
    values = data.draw(
        st.dictionaries(
            st.sampled_from(PARAMETERS),
            st.one_of(hostile_text(), st.integers(min_value=-(10**30), max_value=10**30).map(str)),
            min_size=1,
            max_size=4,
        ),
        label="query",
    )
    response = pages.client(page.user).get(f"{page.url}?{encode(values)}")
    nul = any("\x00" in value for value in values.values())
    assert response.status_code in ({400} if nul else {200, 302, 404}), (page, values)
