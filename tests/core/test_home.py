"""The home page is each role's to-do list: what waits for the user, counted within their
scope, each item linking to where the work is done (see tests/core/home_fixtures.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qingfeng.lib.periods import Period
from qingfeng.org import services as org_services
from qingfeng.org.models import Unit
from qingfeng.records.models import CollectionPeriod, Record, RecordStatus
from qingfeng.records.periods import period_open
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
from tests.conftest import client_for, record
from tests.core import home_fixtures
from tests.core.home_fixtures import Work
from tests.dashboard import conftest as dashboard_fixtures

# The fixtures live beside their data; this module borrows them.
results = dashboard_fixtures.results
work = home_fixtures.work


def _home(work: Work, role: str) -> tuple[Any, str]:
    response = client_for(work.users[role]).get(reverse("core:home"))
    assert response.status_code == 200
    return response.context["home"], response.content.decode()


# ---------------------------------------------------------------------------- clerk


def test_a_clerk_sees_the_open_period_returned_records_and_drafts(work: Work) -> None:
    home, body = _home(work, "clerk")
    org = work.results.org
    (open_period,) = home.station_periods
    assert (open_period.framework.code, open_period.period, open_period.station) == (
        "T",
        work.period,
        org.station_a,
    )
    assert open_period.indicators == 1  # A1 is ST-A's only leaf
    assert open_period.ends == work.period.end
    mine = Record.objects.filter(created_by=work.users["clerk"])
    by_status = dict(mine.values_list("status").annotate(n=Count("pk")))
    assert open_period.counts == {
        RecordStatus.DRAFT: by_status[RecordStatus.DRAFT],
        RecordStatus.SUBMITTED: by_status[RecordStatus.SUBMITTED],
        RecordStatus.APPROVED: 0,
        RecordStatus.RETURNED: by_status[RecordStatus.RETURNED],
    }
    assert home.own_counts[RecordStatus.DRAFT] == 2
    assert home.own_counts[RecordStatus.RETURNED] == 1
    assert home.own_counts[RecordStatus.SUBMITTED] == 3
    assert [r.pk for r in home.returned] == [work.returned.pk]
    # Each item links to where the work is done.
    entry = (
        f"{reverse('records:entry')}?station={org.station_a.pk}&amp;"
        f"framework={work.results.scored.framework.pk}&amp;period={work.period}"
    )
    assert entry in body
    assert reverse("records:entry_edit", args=[work.returned.pk]) in body
    assert f"{reverse('records:my_records')}?status=draft" in body
    assert f"{reverse('records:my_records')}?status=returned" in body
    # A period in words, the return reason, and no analysis or unit results.
    assert "第" in body and "季度" in body
    assert "佐证材料不清晰" in body
    assert "黎侯镇 · 指标A1" in body  # the returned record by its unit and indicator names
    assert 'data-testid="headline"' not in body
    assert 'data-testid="home-own-units"' not in body
    assert 'data-testid="home-review"' not in body


def test_the_linked_lists_hold_what_the_home_page_counts(work: Work) -> None:
    home, _body = _home(work, "clerk")
    client = client_for(work.users["clerk"])
    for status in (RecordStatus.DRAFT, RecordStatus.RETURNED, RecordStatus.SUBMITTED):
        page = client.get(reverse("records:my_records"), {"status": status})
        assert len(page.context["rows"]) == home.own_counts[status]


def test_another_stations_clerk_sees_none_of_it(work: Work) -> None:
    home, body = _home(work, "clerk_b")
    (open_period,) = [p for p in home.station_periods if p.station == work.station_b] or [None]
    # ST-B owns no leaf of T: no open period to enter, and none of ST-A's records.
    assert open_period is None
    assert home.own_counts[RecordStatus.DRAFT] == 0
    assert home.own_counts[RecordStatus.SUBMITTED] == 1  # its own B1 record
    assert "佐证材料不清晰" not in body


# ---------------------------------------------------------------------------- reviewer


def test_a_reviewer_sees_the_queue_by_station_within_its_scope(work: Work) -> None:
    home, body = _home(work, "reviewer")
    org = work.results.org
    # County A's submitted records (ST-A's three); B1's record is county B's.
    assert [(q.station, q.count) for q in home.queue] == [(org.station_a, 3)]
    assert (
        home.queue_total
        == Record.objects.filter(status=RecordStatus.SUBMITTED, unit__region=org.county_a).count()
    )
    link = f"{reverse('records:review')}?station=ST-A"
    assert link in body
    queue = client_for(work.users["reviewer"]).get(link)
    assert len(queue.context["rows"]) == 3
    assert 'data-testid="home-entry"' not in body


# ---------------------------------------------------------------------------- unit people


def _snapshot(work: Work, unit: Unit, period: str = "2025Q4") -> Snapshot:
    return Snapshot.objects.get(unit=unit, period=period, version=work.results.scored.version)


def test_a_liaison_sees_its_units_results_and_open_self_assessments(work: Work) -> None:
    home, body = _home(work, "liaison")
    org = work.results.org
    shown = {(r.unit.code, r.period): r for r in home.own_results}
    assert set(shown) == {("A1", "2025Q4"), ("A1-1", "2025Q4")}  # not A2, not B1
    for unit in (org.unit_a1, org.unit_a1_sub):
        result = shown[(unit.code, "2025Q4")]
        stored = _snapshot(work, unit)
        assert (result.snapshot.total, result.snapshot.band, result.snapshot.vetoed) == (
            stored.total,
            stored.band,
            stored.vetoed,
        )
        assert reverse("dashboard:portrait", args=["T", "2025Q4", unit.pk]) in body
    # A1 was vetoed in 2025Q4 (B2): a warning, shown as such.
    assert shown[("A1", "2025Q4")].in_warning
    assert "一票否决" in body or "否决" in body
    (item,) = home.self_assessments
    assert item.leaf.code == "B1" and item.period == work.period
    assert [u.code for u in item.units] == ["A1", "A1-1"]
    assert [u.code for u in item.done] == ["A1"]
    assert home.self_assessments_open == 1
    link = reverse(
        "records:self_assessment_new", args=[work.results.scored.framework.pk, work.period, "B1"]
    )
    assert link in body
    assert 'data-testid="headline"' not in body
    assert 'data-testid="unit-count"' not in body  # no organisation counts


def test_a_leader_sees_only_its_own_unit(work: Work) -> None:
    home, body = _home(work, "leader")
    assert [(r.unit.code, r.framework.code) for r in home.own_results] == [("A1", "T")]
    assert home.own_results[0].snapshot.total == _snapshot(work, work.results.org.unit_a1).total
    assert home.self_assessments == []
    assert 'data-testid="home-entry"' not in body
    assert home.org is None and 'data-testid="home-org"' not in body  # no counts of zero


# ---------------------------------------------------------------------------- analysis


def _band_counts(work: Work, units: list[Unit], period: str) -> dict[str, int]:
    snapshots = Snapshot.objects.filter(unit__in=units, period=period, total__isnull=False)
    return dict(snapshots.values_list("band").annotate(n=Count("pk")))


def test_an_analyst_sees_the_latest_periods_headline_figures(work: Work) -> None:
    home, body = _home(work, "analyst")
    org = work.results.org
    (headline,) = home.headlines
    assert (headline.framework.code, headline.period) == ("T", "2025Q4")
    county_a = [org.unit_a1, org.unit_a1_sub, org.unit_a2]
    expected = _band_counts(work, county_a, "2025Q4")
    assert {band: n for band, n in headline.figures.bands if n} == expected
    q4 = {u.code: _snapshot(work, u) for u in county_a}
    q3 = {u.code: _snapshot(work, u, "2025Q3") for u in county_a}
    warned = {code for code, s in q4.items() if s.vetoed or s.band not in ("", "green")}
    assert headline.warnings == len(warned)
    was_warned = {code for code, s in q3.items() if s.vetoed or s.band not in ("", "green")}
    assert headline.new_warnings == len(warned - was_warned)
    assert {s.unit.code for s in headline.severe} == warned
    ranked = sorted(q4.values(), key=lambda s: -(s.rank or 0))
    assert [s.unit.code for s in headline.lowest] == [s.unit.code for s in ranked]
    assert reverse("dashboard:overview", args=["T", "2025Q4"]) in body
    assert "平顺县财政局" not in body  # county B's unit
    assert 'data-testid="home-entry"' not in body


def test_each_analyst_counts_only_its_own_units(work: Work) -> None:
    home_b, body_b = _home(work, "analyst_b")
    (headline,) = home_b.headlines
    assert headline.figures.units == 1  # B1 only
    assert "黎城县教育局" not in body_b
    group, _ = _home(work, "group")
    (headline,) = group.headlines
    assert headline.figures.units == 1  # the group covers A2 only
    assert [s.unit.code for s in headline.lowest] == ["A2"]


def test_leadership_sees_the_headlines_without_work_to_do(work: Work) -> None:
    home, body = _home(work, "leadership")
    assert [h.framework.code for h in home.headlines] == ["T"]
    assert home.queue == [] and not home.reviews
    assert 'data-testid="home-entry"' not in body
    assert 'data-testid="home-periods"' not in body


# ---------------------------------------------------------------------------- administrators


def test_a_commission_administrator_sees_all_of_it_for_its_region(work: Work) -> None:
    home, body = _home(work, "commission")
    org = work.results.org
    assert [(q.station, q.count) for q in home.queue] == [(org.station_a, 3)]
    assert [h.figures.units for h in home.headlines] == [3]
    (region_period,) = home.region_periods
    in_a = Record.objects.filter(unit__region=org.county_a, date__gte=work.period.start)
    assert region_period.counts[RecordStatus.SUBMITTED] == in_a.filter(status="submitted").count()
    assert region_period.counts[RecordStatus.DRAFT] == in_a.filter(status="draft").count()
    assert f"{reverse('records:period_list')}?framework=T" in body
    assert home.org is not None and home.org.units == 3
    assert home.system is None  # the installation is the system administrator's
    # Not a liaison: no self-assessment to-do for every unit of the county.
    assert home.self_assessments == []
    assert 'data-testid="home-self-assessment"' not in body


def test_a_system_administrator_sees_counts_and_admin_tasks(work: Work) -> None:
    home, body = _home(work, "admin")
    assert home.system is not None
    from qingfeng.accounts.models import User

    assert home.system.users == User.objects.filter(is_active=True).count()
    assert home.system.open_periods == 1
    assert home.system.published == 1
    assert reverse("accounts:user_list") in body
    assert reverse("admin:index") in body
    # The whole installation's queue: ST-A's three and ST-B's one.
    assert sorted((q.station.code, q.count) for q in home.queue) == [("ST-A", 3), ("ST-B", 1)]


# ---------------------------------------------------------------------------- cost


def _queries(work: Work, role: str) -> int:
    client = client_for(work.users[role])
    client.get(reverse("core:home"))  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("core:home")).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_whatever_the_number_of_units(work: Work) -> None:
    roles = ["clerk", "reviewer", "liaison", "analyst", "commission", "admin"]
    before = {role: _queries(work, role) for role in roles}
    org, scored = work.results.org, work.results.scored
    for i in range(12):
        unit = org_services.unit_save(
            unit=Unit(
                code=f"A9{i:02d}", name=f"新增单位{i}", category=org.category, region=org.county_a
            )
        )
        record(scored, unit, "B1", "2025-12-05", value=40 + i)
        record(
            scored,
            unit,
            "A1",
            work.period.start.isoformat(),
            quantity=1,
            status="submitted",
            station=org.station_a,
            created_by=work.users["clerk"],
        )
    for quarter in ("2025Q3", "2025Q4"):
        period_recompute(framework=scored.framework, period=Period.parse(quarter))
    after = {role: _queries(work, role) for role in roles}
    assert after == before
    assert max(after.values()) <= 60


# ---------------------------------------------------------------------------- deadlines


def test_a_clerk_sees_the_entry_deadline_and_what_the_station_still_owes(work: Work) -> None:
    org = work.results.org
    # ST-A answers for A1 (a deduction leaf) over county A's units; one unit's submitted
    # record is withdrawn to a draft: a draft does not count as entered.
    Record.objects.filter(
        unit=org.unit_a1_sub, indicator_code="A1", status=RecordStatus.SUBMITTED
    ).update(status=RecordStatus.DRAFT)
    home, body = _home(work, "clerk")
    (open_period,) = home.station_periods
    cells = Unit.objects.filter(region=org.county_a, active=True).count()
    assert (open_period.owed.cells, open_period.owed.owed) == (cells, 1)
    assert (open_period.owed.units, open_period.owed.leaves) == (1, 1)
    deadline = work.period.end + datetime.timedelta(days=15)
    assert open_period.entry_deadline == deadline
    assert open_period.days_left == (deadline - timezone.localdate()).days > 0
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in body
    assert f"还剩 {open_period.days_left} 天" in body
    assert "尚有 1 项未报" in body
    # What is owed can be answered by a nil return: the link opens the form on this period.
    nil_link = f"/records/nil-returns/new/?station={org.station_a.pk}&amp;framework="
    assert nil_link in body and f"period={work.period}" in body


def test_an_overdue_period_says_how_late_it_is(work: Work) -> None:
    collection = CollectionPeriod.objects.get(period=str(work.period))
    past = timezone.localdate() - datetime.timedelta(days=4)
    CollectionPeriod.objects.filter(pk=collection.pk).update(
        entry_deadline=past, review_deadline=past
    )
    # Every unit has a record awaiting review: nothing is owed, so nothing is to do.
    home, body = _home(work, "clerk")
    assert home.station_periods == []
    Record.objects.filter(
        unit=work.results.org.unit_a1_sub, indicator_code="A1", status=RecordStatus.SUBMITTED
    ).update(status=RecordStatus.DRAFT)
    home, body = _home(work, "clerk")
    (open_period,) = home.station_periods
    assert open_period.days_overdue == 4 and open_period.owed.owed == 1
    assert "已逾期 4 天" in body
    reviewer_home, reviewer_body = _home(work, "reviewer")
    (due,) = reviewer_home.review_due
    assert (due.period, due.records, due.nil_returns, due.days_overdue) == (work.period, 2, 0, 4)
    assert "审核截止日期" in reviewer_body and "已逾期 4 天" in reviewer_body


def test_the_clerks_periods_come_by_entry_deadline(work: Work) -> None:
    framework = work.results.scored.framework
    earlier = period_open(framework=framework, period=str(work.period.previous()), actor=None)
    home, _body = _home(work, "clerk")
    assert [p.period for p in home.station_periods] == [work.period.previous(), work.period]
    assert home.station_periods[0].entry_deadline == earlier.entry_deadline
