"""Fixtures of the API tests: framework T's leaves owned by station ST-A, 2025Q1 open, and
a token of ST-A issued by county A's administrator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from qingfeng.accounts.models import User
from qingfeng.api.models import StationToken
from qingfeng.api.tokens import token_issue
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator, VersionStatus
from qingfeng.records.periods import period_open
from tests.conftest import Org, Scored


@dataclass
class Api:
    org: Org
    scored: Scored
    token: StationToken
    plain: str
    client: Client

    def headers(self, **extra: str) -> dict[str, Any]:
        # English unless a test says otherwise: the API answers in Chinese by default
        # (tests/api/test_language.py); most tests here read the English wording.
        return {"HTTP_AUTHORIZATION": f"Bearer {self.plain}", "HTTP_ACCEPT_LANGUAGE": "en", **extra}

    def get(self, url: str, **extra: str) -> Any:
        return self.client.get(url, **self.headers(**extra))

    def post(self, url: str, body: Any, **extra: str) -> Any:
        return self.client.post(url, body, content_type="application/json", **self.headers(**extra))


@pytest.fixture
def api(org: Org, scored: Scored, admin_a: User) -> Api:
    cache.clear()  # the rate limit counts in the cache
    Indicator.objects.filter(version=scored.version).exclude(code__in=["A", "B"]).update(
        station=org.station_a
    )
    period_open(framework=scored.framework, period="2025Q1", actor=admin_a)
    token, plain = token_issue(station=org.station_a, name="信访系统", actor=admin_a)
    return Api(org, scored, token, plain, Client())


def item(external_id: str, unit: str = "A1", **fields: Any) -> dict[str, Any]:
    """A valid record of framework T (A1: deduct per 5) unless fields say otherwise."""
    base: dict[str, Any] = {
        "external_id": external_id,
        "unit": unit,
        "indicator": "A1",
        "date": "2025-02-10",
        "quantity": 1,
        "note": "来自信访系统",
    }
    base.update(fields)
    return base


def county_b_framework(api: Api) -> Framework:
    """Framework FB of county B, published (outside the ST-A token's reach)."""
    framework = Framework.objects.create(code="FB", name="平顺体系", region=api.org.county_b)
    FrameworkVersion.objects.create(
        framework=framework,
        number=1,
        name="平顺体系",
        year=2025,
        scale=100,
        status=VersionStatus.PUBLISHED,
    )
    return framework
