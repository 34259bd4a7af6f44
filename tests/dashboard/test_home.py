"""The home page leads each user to the analysis they may open: an analyst to each
framework's latest results, a liaison to its own unit's portraits (the whole to-do list of
each role: tests/core/test_home.py)."""

from __future__ import annotations

from django.urls import reverse

from qingfeng.accounts.roles import Role
from qingfeng.scoring.models import Snapshot
from tests.conftest import client_for, make_user
from tests.dashboard.conftest import Results


def test_it_shows_an_analyst_the_latest_results(results: Results) -> None:
    page = client_for(results.analyst).get(reverse("core:home"))
    body = page.content.decode()
    assert 'data-testid="headline"' in body
    # 2025Q4 is the latest scored quarter; county A has three units assessed in it.
    assert reverse("dashboard:overview", args=["T", "2025Q4"]) in body
    assert [
        (h.framework.code, h.period, h.figures.units) for h in page.context["home"].headlines
    ] == [("T", "2025Q4", 3)]


def test_it_shows_a_liaison_its_own_units_portraits(results: Results) -> None:
    page = client_for(results.liaison).get(reverse("core:home"))
    body = page.content.decode()
    assert 'data-testid="headline"' not in body
    org = results.org
    for unit in (org.unit_a1, org.unit_a1_sub):
        assert reverse("dashboard:portrait", args=["T", "2025Q4", unit.pk]) in body
    assert reverse("dashboard:portrait", args=["T", "2025Q4", org.unit_a2.pk]) not in body


def test_it_says_when_a_units_scores_are_not_there_yet(results: Results) -> None:
    Snapshot.objects.all().delete()
    body = client_for(results.liaison).get(reverse("core:home")).content.decode()
    assert 'data-testid="home-own-units"' in body
    assert 'data-testid="own-not-scored"' in body
    assert "尚无评价结果" in body  # in the default Chinese


def test_a_clerk_is_not_shown_portraits_of_its_stations_region(results: Results) -> None:
    clerk = make_user("clerk_a", Role.STATION_CLERK, station=results.org.station_a)
    body = client_for(clerk).get(reverse("core:home")).content.decode()
    assert 'data-testid="home-own-units"' not in body
    assert reverse("dashboard:portrait", args=["T", "2025Q4", results.org.unit_a1.pk]) not in body
