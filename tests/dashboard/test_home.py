"""The home page leads each user to the analysis they may open: an analyst to each
framework's latest results, a liaison to its own unit's portraits."""

from __future__ import annotations

from django.urls import reverse

from qingfeng.accounts.roles import Role
from qingfeng.scoring.models import Snapshot
from tests.conftest import client_for, make_user
from tests.dashboard.conftest import Results


def test_it_shows_an_analyst_the_latest_results(results: Results) -> None:
    page = client_for(results.analyst).get(reverse("core:home"))
    body = page.content.decode()
    assert 'data-testid="home-analysis"' in body
    # 2025Q4 is the latest scored quarter; county A has three units assessed in it.
    assert reverse("dashboard:overview", args=["T", "2025Q4"]) in body
    assert [(e.framework.code, e.period, e.units) for e in page.context["entries"]] == [
        ("T", "2025Q4", 3)
    ]


def test_it_shows_a_liaison_its_own_units_portraits(results: Results) -> None:
    page = client_for(results.liaison).get(reverse("core:home"))
    body = page.content.decode()
    assert 'data-testid="home-analysis"' not in body
    org = results.org
    for unit in (org.unit_a1, org.unit_a1_sub):
        assert reverse("dashboard:portrait", args=["T", "2025Q4", unit.pk]) in body
    assert reverse("dashboard:portrait", args=["T", "2025Q4", org.unit_a2.pk]) not in body


def test_it_says_when_a_units_scores_are_not_there_yet(results: Results) -> None:
    Snapshot.objects.all().delete()
    clerk = make_user("clerk_a", Role.STATION_CLERK, station=results.org.station_a)
    body = client_for(clerk).get(reverse("core:home")).content.decode()
    assert 'data-testid="home-portraits"' in body
    assert "黎城县教育局" in body
    assert "尚未评分" in body  # "not scored yet", in the default Chinese
