"""What fuzzing the forms found (issue 10), fixed at its root, with the tests that failed
before the fix (on PostgreSQL, where CI runs the suite a second time).

* A NUL character (U+0000) in a form field or a query parameter read by the view itself
  (the quick entry table's note, the period list's framework filter) reached the
  database: PostgreSQL can neither store nor compare it, a server error. Now every page
  request holding one is a 400 (``NulCharacterMiddleware``); the API answers its own
  (``tests/api/test_fuzz_findings.py``).
* An id read from a query string or a form by ``int()`` (a new indicator's parent, the
  version a diff is against, the units of a trend, the records to approve): "abc" or a
  number larger than any id column was a server error. ``qingfeng.lib.ids.parse_id``
  reads them now, and a view answers what is no id as it answers an unknown id.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.framework.models import Framework, FrameworkVersion, VersionStatus
from qingfeng.framework.services import version_copy
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station, Unit
from qingfeng.records.models import CollectionPeriod, PeriodStatus, Record
from tests.demo_county import DemoCounty

pytestmark = pytest.mark.django_db

REFUSED = "The request holds a NUL character, which no text may hold."


def _client(username: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = "en"
    return client


def _quick_url() -> tuple[str, Unit, str]:
    station = Station.objects.get(code="ST-ORG")
    framework = Framework.objects.get(code="LK")
    period = CollectionPeriod.objects.filter(framework=framework, status=PeriodStatus.OPEN)
    open_period = period.values_list("period", flat=True).first()
    unit = Unit.objects.filter(region=station.region, active=True).order_by("code").first()
    assert open_period is not None and unit is not None
    url = reverse("records:entry_quick", args=[station.pk, framework.pk, open_period, "C1.1"])
    return url, unit, Period.parse(open_period).start.isoformat()


def test_nul_character_in_a_quick_entry_note_is_a_400_and_stores_nothing(
    demo_county: DemoCounty,
) -> None:
    url, unit, day = _quick_url()
    client = _client("clerk")
    page = client.get(url)
    assert page.status_code == 200
    before = Record.objects.count()
    body = {"date": day, f"quantity-{unit.pk}": "1", f"note-{unit.pk}": "督查\x00通报"}
    response = client.post(url, body)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()  # on the styled 400 page
    assert Record.objects.count() == before
    # Without the NUL, the same row is stored.
    body[f"note-{unit.pk}"] = "督查通报"
    assert client.post(url, body).status_code == 302
    assert Record.objects.count() == before + 1


@pytest.mark.parametrize(
    "query", ["framework=LK%00", "framework=%00", "%00=1", "framework=LK&x=a%00b"]
)
def test_nul_character_in_a_filter_of_the_period_list_is_a_400(
    demo_county: DemoCounty, query: str
) -> None:
    response = _client("commission").get(f"{reverse('records:period_list')}?{query}")
    assert response.status_code == 400
    assert REFUSED in response.content.decode()  # on the styled 400 page


def test_nul_character_in_a_url_is_a_400(demo_county: DemoCounty) -> None:
    response = _client("analyst").get("/analysis/LK%00/2026Q3/problems/")
    assert response.status_code in (400, 404)
    response = _client("analyst").get("/scores/LK%00/")
    assert response.status_code in (400, 404)


def test_a_page_without_nul_is_served_as_before(demo_county: DemoCounty) -> None:
    response = _client("commission").get(f"{reverse('records:period_list')}?framework=LK")
    assert response.status_code == 200


def test_the_api_answers_a_nul_itself_in_json(demo_county: DemoCounty) -> None:
    response = Client(raise_request_exception=False).get("/api/frameworks/LK%00/periods")
    assert response.status_code == 401  # no token: the API's own answer, not the page's 400
    assert response.json() == {
        "detail": "需要有效的令牌：请发送请求头 Authorization: Bearer <令牌>"
    }


# ---------------------------------------------------------------------------------------
# Ids in a query string or a form: ``int()`` took "abc" as a ValueError and a number
# larger than any id column as an OverflowError, both server errors
# (``qingfeng.lib.ids.parse_id`` now reads them).

HUGE = "9" * 25


def _draft() -> FrameworkVersion:
    admin = User.objects.get(username="commission")
    published = FrameworkVersion.objects.filter(
        framework__code="LK", status=VersionStatus.PUBLISHED
    ).latest("number")
    return version_copy(version=published, actor=admin)


@pytest.mark.parametrize("parent", ["abc", HUGE, "-1", " 1", "١"])
def test_new_indicator_under_a_parent_that_is_no_id_is_a_top_level_form(
    demo_county: DemoCounty, parent: str
) -> None:
    draft = _draft()
    url = reverse("framework:indicator_create", args=[draft.pk])
    response = _client("commission").get(f"{url}?parent={parent}")
    assert response.status_code == 200
    assert response.context["form"].instance.parent is None


@pytest.mark.parametrize("against", ["abc", HUGE, "0"])
def test_version_diff_against_something_that_is_no_id_is_a_404(
    demo_county: DemoCounty, against: str
) -> None:
    url = reverse("framework:version_diff", args=[_draft().pk])
    response = _client("commission").get(f"{url}?against={against}")
    assert response.status_code == 404
    assert _client("commission").get(url).status_code == 200  # against the version copied


@pytest.mark.parametrize("unit", [HUGE, "abc", "1_0"])
def test_trend_of_a_unit_id_no_unit_can_have_is_a_404(demo_county: DemoCounty, unit: str) -> None:
    url = reverse("dashboard:compare_trend", args=["LK"])
    assert _client("analyst").get(f"{url}?unit={unit}").status_code == 404


def test_approving_a_record_id_no_record_can_have_is_a_404(demo_county: DemoCounty) -> None:
    response = _client("reviewer").post(reverse("records:review_approve"), {"ids": [HUGE]})
    assert response.status_code == 404
