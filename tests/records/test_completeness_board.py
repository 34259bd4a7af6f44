"""The completeness board (issue 13): counts against a hand count, the pages' scopes, the
API and the ``completeness`` command give the selector's numbers."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.accounts.selectors import token_units
from qingfeng.api.tokens import token_issue
from qingfeng.lib.periods import Period
from qingfeng.records.completeness import nil_cells, nil_pairs, record_cells, record_pairs
from qingfeng.records.completeness_board import (
    Counts,
    StationCompleteness,
    completeness_board,
    completeness_json,
    period_completeness,
    station_completeness,
)
from qingfeng.records.models import NilReturnStatus, RecordStatus
from tests.conftest import client_for, make_user
from tests.records.completeness_helpers import Fixture, fixture
from tests.records.entry_helpers import periods

__all__ = ["fixture", "periods"]  # the fixtures: by hand, on 2025Q3 open and 2025Q2 closed

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2025Q3")
AFTER_DEADLINE = datetime.date(2025, 10, 16)  # 2025Q3's entry deadline is 2025-10-15
BEFORE_DEADLINE = datetime.date(2025, 10, 15)


def _city_analyst(fixture: Fixture) -> User:
    return make_user("analyst_city", Role.ANALYST, region=fixture.setup.org.city)


def _by_station(
    fixture: Fixture, user: User, today: datetime.date = AFTER_DEADLINE
) -> dict[str, StationCompleteness]:
    found = period_completeness(
        user=user, framework=fixture.setup.framework, period=Q3, today=today
    )
    assert found is not None
    return {row.station.code: row for row in found.stations}


def test_it_counts_cells_as_by_hand(fixture: Fixture) -> None:
    rows = _by_station(fixture, _city_analyst(fixture))
    st_a, st_b = rows["ST-A"], rows["ST-B"]
    assert st_a.counts == Counts(cells=7, reported=1, nil=2, pending=2)
    assert st_a.counts.missing == 2
    assert st_a.counts.missing_share == pytest.approx(2 / 7)
    per_leaf = {
        item.leaf.code: (
            item.counts.cells,
            item.counts.reported,
            item.counts.nil,
            item.counts.pending,
            item.counts.missing,
        )
        for item in st_a.indicators
    }
    assert per_leaf == {"A1": (3, 1, 0, 1, 1), "A2": (3, 0, 2, 0, 1), "B2": (1, 0, 0, 1, 0)}
    assert st_b.counts == Counts(cells=1)
    assert st_a.late and st_b.late
    # Late stations first, then by missing share: ST-B (all missing) before ST-A.
    found = period_completeness(
        user=User.objects.get(username="analyst_city"),
        framework=fixture.setup.framework,
        period=Q3,
        today=AFTER_DEADLINE,
    )
    assert found is not None
    assert [row.station.code for row in found.stations] == ["ST-B", "ST-A"]


def test_it_is_not_late_before_the_deadline(fixture: Fixture) -> None:
    rows = _by_station(fixture, _city_analyst(fixture), today=BEFORE_DEADLINE)
    assert not rows["ST-A"].late
    assert rows["ST-A"].counts.missing == 2


def test_it_lists_the_missing_units(fixture: Fixture) -> None:
    found = period_completeness(
        user=_city_analyst(fixture),
        framework=fixture.setup.framework,
        period=Q3,
        station=fixture.setup.org.station_a,
        with_units=True,
    )
    assert found is not None
    (row,) = found.stations
    missing = {item.leaf.code: [u.name for u in item.missing_units] for item in row.indicators}
    assert missing == {"A1": ["黎侯镇"], "A2": ["黎侯镇"], "B2": []}


def test_it_counts_only_units_in_the_users_scope(fixture: Fixture, admin_a: User) -> None:
    rows = _by_station(fixture, admin_a)
    assert set(rows) == {"ST-A"}  # ST-B lies in county B
    assert rows["ST-A"].counts == Counts(cells=7, reported=1, nil=2, pending=2)


def test_it_reads_the_cells_of_the_rules(fixture: Fixture) -> None:
    """``record_cells`` and ``nil_cells`` give the pairs of ``completeness.record_pairs``
    and ``nil_pairs`` on the leaves asked for (repeats kept)."""
    framework = fixture.setup.framework
    for statuses in ((RecordStatus.APPROVED,), (RecordStatus.SUBMITTED,)):
        units, codes = record_cells(
            framework=framework, period=Q3, codes=["A1", "B2"], statuses=statuses
        )
        pairs = record_pairs(framework=framework, start=Q3.start, end=Q3.end, statuses=statuses)
        assert set(zip(units, codes, strict=True)) == {p for p in pairs if p[1] in ("A1", "B2")}
    for statuses in ((NilReturnStatus.APPROVED,), (NilReturnStatus.SUBMITTED,)):
        units, codes = nil_cells(
            framework=framework, period=Q3, codes=["A2", "B2"], statuses=statuses
        )
        pairs = nil_pairs(framework=framework, period=Q3, statuses=statuses)
        assert set(zip(units, codes, strict=True)) == {p for p in pairs if p[1] in ("A2", "B2")}
        assert pairs  # each status has a nil return on A2 or B2


def test_it_builds_the_board_over_periods(fixture: Fixture) -> None:
    board = completeness_board(
        user=_city_analyst(fixture), framework=fixture.setup.framework, today=AFTER_DEADLINE
    )
    assert [str(found.period) for found in board.periods] == ["2025Q3", "2025Q2"]
    assert [row.station.code for row in board.rows] == ["ST-B", "ST-A"]
    st_a = board.rows[1]
    q3, q2 = st_a.cells
    assert q3 is not None and q3.counts.missing == 2
    assert q2 is not None and q2.counts == Counts(cells=7, reported=1)  # A2's record on A1


# ---------------------------------------------------------------------------------------
# Pages


def test_it_shows_the_board_to_the_commission(fixture: Fixture) -> None:
    client = client_for(_city_analyst(fixture))
    page = client.get(reverse("records:completeness") + "?framework=LK").content.decode()
    assert "黎城县委组织部" in page and "平顺县财政局" in page
    assert "2025年第三季度" in page and "2025年第二季度" in page
    assert "逾期" in page
    assert "2025Q3" not in page.replace('value="2025Q3"', "").replace("/2025Q3/", "")
    detail = reverse(
        "records:completeness_station", args=["LK", "2025Q3", fixture.setup.org.station_a.pk]
    )
    assert detail in page


def test_it_shows_a_clerk_only_its_station(fixture: Fixture) -> None:
    org = fixture.setup.org
    clerk = client_for(make_user("clerk_a", Role.STATION_CLERK, station=org.station_a))
    board = clerk.get(reverse("records:completeness") + "?framework=LK").content.decode()
    assert "黎城县委组织部" in board and "平顺县财政局" not in board
    own = clerk.get(
        reverse("records:completeness_station", args=["LK", "2025Q3", org.station_a.pk])
    )
    assert own.status_code == 200
    text = own.content.decode()
    assert "黎侯镇" in text  # the missing unit, by name
    assert "黎城县教育局" not in text  # reported, nil or pending: not missing
    station_b = fixture.setup.station_b
    other = clerk.get(reverse("records:completeness_station", args=["LK", "2025Q3", station_b.pk]))
    assert other.status_code == 404


def test_it_hides_a_station_from_another_stations_clerk(fixture: Fixture) -> None:
    org = fixture.setup.org
    clerk_b = client_for(make_user("clerk_b", Role.STATION_CLERK, station=fixture.setup.station_b))
    url = reverse("records:completeness_station", args=["LK", "2025Q3", org.station_a.pk])
    assert clerk_b.get(url).status_code == 404
    reviewer = client_for(
        make_user("reviewer_b", Role.STATION_REVIEWER, station=fixture.setup.station_b)
    )
    assert reviewer.get(url).status_code == 404


def test_it_hides_a_station_from_the_commission_outside_its_region(
    fixture: Fixture, admin_b: User
) -> None:
    org = fixture.setup.org
    client = client_for(admin_b)
    url = reverse("records:completeness_station", args=["LK", "2025Q3", org.station_a.pk])
    assert client.get(url).status_code == 404
    board = client.get(reverse("records:completeness") + "?framework=LK").content.decode()
    assert "黎城县委组织部" not in board and "平顺县财政局" in board


def test_it_refuses_the_board_without_a_capability(fixture: Fixture) -> None:
    liaison = client_for(make_user("liaison", Role.UNIT_LIAISON, unit=fixture.setup.org.unit_a1))
    assert liaison.get(reverse("records:completeness")).status_code == 404
    url = reverse("records:completeness") + "?framework=LK"
    assert liaison.get(url).status_code == 404


def test_it_answers_404_for_an_unknown_period(fixture: Fixture, admin_a: User) -> None:
    client = client_for(admin_a)
    station = fixture.setup.org.station_a.pk
    url = reverse("records:completeness_station", args=["LK", "2024Q1", station])
    assert client.get(url).status_code == 404


def test_it_links_the_board_from_the_periods_page(fixture: Fixture, admin_a: User) -> None:
    client = client_for(admin_a)
    page = client.get(reverse("records:period_list") + "?framework=LK").content.decode()
    assert reverse("records:completeness") + "?framework=LK" in page


# ---------------------------------------------------------------------------------------
# API and command


def test_it_answers_the_api_with_the_selectors_numbers(fixture: Fixture, admin_a: User) -> None:
    org = fixture.setup.org
    _token, plain = token_issue(station=org.station_a, name="信访系统", actor=admin_a)
    response = Client().get(
        "/api/completeness?framework=LK&period=2025Q3", HTTP_AUTHORIZATION=f"Bearer {plain}"
    )
    assert response.status_code == 200
    body = response.json()
    assert [row["station"] for row in body["stations"]] == ["ST-A"]
    row = body["stations"][0]
    assert (row["cells"], row["reported"], row["nil"], row["pending"], row["missing"]) == (
        7,
        1,
        2,
        2,
        2,
    )
    by_leaf = {item["indicator"]: item["missing_units"] for item in row["indicators"]}
    assert by_leaf == {"A1": ["A2"], "A2": ["A2"], "B2": []}
    found = station_completeness(
        station=org.station_a,
        visible=token_units(_token),
        framework=fixture.setup.framework,
        period=Q3,
    )
    assert found is not None
    assert body == json.loads(json.dumps(completeness_json(found)))
    # The commission's selector counts the station the same way.
    commission = period_completeness(
        user=admin_a, framework=fixture.setup.framework, period=Q3, with_units=True
    )
    assert commission is not None
    assert completeness_json(commission)["stations"] == body["stations"]


def test_it_answers_the_api_for_the_tokens_station_only(fixture: Fixture, admin_b: User) -> None:
    _token, plain = token_issue(station=fixture.setup.station_b, name="财政", actor=admin_b)
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    body = client.get("/api/completeness?framework=LK&period=2025Q3", **auth).json()
    assert [row["station"] for row in body["stations"]] == ["ST-B"]
    assert body["stations"][0]["indicators"][0]["missing_units"] == ["B2"]
    unknown = client.get("/api/completeness?framework=LK&period=2024Q1", **auth)
    assert unknown.status_code == 404


def test_it_prints_the_selectors_board(fixture: Fixture) -> None:
    out = io.StringIO()
    call_command("completeness", framework="LK", period="2025Q3", format="json", stdout=out)
    printed = json.loads(out.getvalue())
    everyone = User(username="x", is_superuser=True, is_active=True)
    found = period_completeness(
        user=everyone, framework=fixture.setup.framework, period=Q3, with_units=True
    )
    assert found is not None
    assert printed == json.loads(json.dumps(completeness_json(found)))
    assert {row["station"]: row["missing"] for row in printed["stations"]} == {
        "ST-A": 2,
        "ST-B": 1,
    }
    table = io.StringIO()
    call_command("completeness", framework="LK", period="2025Q3", stdout=table)
    lines = table.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[2].split()[:7] == ["ST-A", "黎城县委组织部", "7", "1", "2", "2", "2"]
