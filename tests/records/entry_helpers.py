"""Shared set-up of the entry tests: open periods, a clerk of ST-A, media in a tmp dir."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.records.models import CollectionPeriod
from qingfeng.records.periods import period_close, period_open
from tests.conftest import make_user
from tests.records.conftest import Setup


@pytest.fixture
def media(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


@pytest.fixture
def periods(setup: Setup) -> Setup:
    """2025Q3 open; 2025Q2 closed."""
    period_open(framework=setup.framework, period="2025Q3", actor=None)
    period_open(framework=setup.framework, period="2025Q2", actor=None)
    period_close(
        collection=CollectionPeriod.objects.get(framework=setup.framework, period="2025Q2"),
        actor=None,
    )
    return setup


@pytest.fixture
def clerk(setup: Setup) -> User:
    return make_user("clerk", Role.STATION_CLERK, station=setup.org.station_a)


def new_url(setup: Setup, code: str, station_pk: int | None = None, kind: str = "new") -> str:
    station = station_pk or setup.org.station_a.pk
    return reverse(f"records:entry_{kind}", args=[station, setup.framework.pk, "2025Q3", code])
