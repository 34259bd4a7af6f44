"""Schemathesis against the OpenAPI document the API serves (issue 10: 0 server errors).

Every operation of ``/api/openapi.json`` is called with requests generated from the
document itself (the "coverage" phase's boundary and invalid values, then random ones),
authenticated with a real token of the demo county's 县委组织部 station, so the write
endpoint (the records push) is exercised too. Each answer must not be a server error and
must be what the document says: a declared status, its content type and its schema.

The app is called in-process through Django's test handler, inside the shared demo
county's transaction (``tests/demo_county.py``): whatever a push stores is rolled back, and
the same test runs on SQLite and on PostgreSQL. Bounded: ``SCHEMATHESIS_EXAMPLES`` cases per
operation in the suite (a few seconds); ``.ci/run`` runs this module once more with
``QINGFENG_SCHEMATHESIS_EXAMPLES`` raised for a longer, still bounded, search
(docs/testing.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseBase
from django.test import override_settings
from django.test.client import ClientHandler
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi import checks

from qingfeng.accounts.models import User
from qingfeng.api.tokens import token_issue
from qingfeng.framework.models import Framework, Indicator
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station, Unit
from qingfeng.records.models import CollectionPeriod, PeriodStatus
from tests.demo_county import DemoCounty

# Cases per operation: modest in the suite, more when CI asks (``.ci/run``).
SCHEMATHESIS_EXAMPLES = int(os.environ.get("QINGFENG_SCHEMATHESIS_EXAMPLES", "10"))
STATION = "ST-ORG"  # 县委组织部: the demo's station clerk sends for it
SEED = 20261

# Every check whose verdict follows from the document alone. ``positive_data_acceptance``
# is left out: a body the schema allows (a unit code, a date) is still refused, honestly,
# when that unit does not exist or the date's period is closed; the OpenAPI document
# cannot list the county's units. Checks that need several operations chained
# (``use_after_free``, ``ensure_resource_availability``) have nothing to chain here.
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.missing_required_header,
    checks.ignored_auth,
]


class DemoTransactionApp:
    """Django as a WSGI application, the way its test client runs it: the database
    connection is not closed between requests, so each request sees (and writes in) the
    test's transaction. A server error is answered as a 500, as in production."""

    def __init__(self) -> None:
        self.handler = ClientHandler(enforce_csrf_checks=True)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        response: HttpResponseBase = self.handler(environ)
        headers = list(response.items())
        headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        if response.streaming:
            return b"".join(response.streaming_content)  # type: ignore[attr-defined]
        return [response.content]


def _demo_values(station: Station) -> dict[str, list[str]]:
    """Values of the demo county for the parameters the document cannot enumerate: the
    framework codes, periods, the station's units and indicators, dates in open periods."""
    frameworks = list(Framework.objects.order_by("code").values_list("code", flat=True))
    periods = sorted(set(CollectionPeriod.objects.values_list("period", flat=True)))
    open_periods = [
        Period.parse(text)
        for text in CollectionPeriod.objects.filter(status=PeriodStatus.OPEN).values_list(
            "period", flat=True
        )
    ]
    dates = sorted(
        {day.isoformat() for period in open_periods for day in (period.start, period.end)}
        | {"2025-02-10", "2024/12/1"}  # closed periods' dates, one written with slashes
    )
    indicators = sorted(
        set(Indicator.objects.filter(station=station).values_list("code", flat=True))
    )
    units = list(
        Unit.objects.filter(region=station.region).order_by("code").values_list("code", flat=True)
    )[:20]
    return {
        "codes": [*frameworks, "NOPE"],
        "periods": [*periods, "2026", "2026H1", "2026-07", "2026Q5"],
        "units": [*units, "NOPE"],
        "indicators": indicators,
        "dates": dates,
    }


@pytest.fixture
def demo_api(demo_county: DemoCounty) -> Iterator[Any]:
    """The API's OpenAPI document as the app serves it, loaded by schemathesis with a
    token of the demo's 县委组织部 station and values of the demo county."""
    cache.clear()  # the rate limit counts in the cache
    station = Station.objects.select_related("region").get(code=STATION)
    admin = User.objects.get(username="commission")
    _token, plain = token_issue(station=station, name="schemathesis", actor=admin)
    values = _demo_values(station)
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Bearer {plain}"},
            "dictionaries": {name: {"values": found} for name, found in values.items()},
            "parameters": {
                "path.code": {"dictionary": "codes", "probability": 0.9},
                "path.period": {"dictionary": "periods", "probability": 0.8},
                "body.records[*].unit": {"dictionary": "units", "probability": 0.7},
                "body.records[*].indicator": {"dictionary": "indicators", "probability": 0.7},
                "body.records[*].date": {"dictionary": "dates", "probability": 0.7},
            },
            "generation": {"max-examples": SCHEMATHESIS_EXAMPLES},
        }
    )
    # The rate limit (120 a minute) would answer 429 to most of the run: it is tested on
    # its own (tests/api/test_records_api.py).
    with override_settings(API_RATE_PER_MINUTE=10**9):
        yield schemathesis.openapi.from_wsgi(
            "/api/openapi.json", DemoTransactionApp(), config=config
        )


schema = schemathesis.pytest.from_fixture("demo_api")


@schema.parametrize()
def test_every_operation_answers_as_documented_and_never_a_server_error(case: Any) -> None:
    assert settings.API_RATE_PER_MINUTE == 10**9
    case.call_and_validate(checks=CHECKS)
