"""What fuzzing the forms found (issue 10), fixed at its root, with the tests that failed
before the fix (on PostgreSQL, where CI runs the suite a second time).

* A NUL character (U+0000) in a form field or a query parameter read by the view itself
  (the quick entry table's note, the period list's framework filter) reached the
  database: PostgreSQL can neither store nor compare it, a server error. Now every page
  request holding one is a 400 (``NulCharacterMiddleware``); the API answers its own
  (``tests/api/test_fuzz_findings.py``).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.framework.models import Framework
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
    assert response.content.decode() == REFUSED
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
    assert response.content.decode() == REFUSED


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
    assert response.json() == {"detail": "Unauthorized"}
