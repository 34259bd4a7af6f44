"""Station workload: counts by source, self-assessments and returned records, per station."""

from __future__ import annotations

from django.urls import reverse

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import Role
from qingfeng.lib.periods import Period
from qingfeng.org import services as org_services
from qingfeng.org.models import Station, StationKind
from qingfeng.records.models import RecordSource
from qingfeng.records.review import record_return, record_submit
from qingfeng.records.workload import station_workload
from tests.conftest import Org, Scored, client_for, make_user, record


def build(org: Org, scored: Scored, actor: User) -> Station:
    """ST-A in 2025Q1: typed 3 (one returned now, one returned and resubmitted), imported 2,
    api 1, self-assessment 1, demo 1 (ignored); one typed record in Q2. ST-B: 1 api."""
    station_b = org_services.station_save(
        station=Station(
            code="ST-B", name="平顺县财政局", kind=StationKind.DEPARTMENT, region=org.county_b
        )
    )
    a = org.station_a
    typed = RecordSource.TYPED
    record(scored, org.unit_a1, "A1", "2025-01-05", station=a, source=typed)
    record(scored, org.unit_a1, "A1", "2025-01-06", station=a, source=typed, status="returned")
    again = record(
        scored, org.unit_a2, "A1", "2025-02-06", station=a, source=typed, status="submitted"
    )
    record_return(record=again, reason="补充佐证", actor=actor)
    record_submit(record=again, actor=actor)
    for day in ("2025-02-01", "2025-02-02"):
        record(scored, org.unit_a1, "A1", day, station=a, source=RecordSource.IMPORTED)
    record(scored, org.unit_a2, "A1", "2025-03-01", station=a, source=RecordSource.API)
    record(scored, org.unit_a2, "A2", "2025-03-02", station=a, source=typed, self_assessment=True)
    record(scored, org.unit_a2, "A1", "2025-03-03", station=a, source=RecordSource.DEMO)
    record(scored, org.unit_a1, "A1", "2025-04-01", station=a, source=typed)
    record(scored, org.unit_b1, "A1", "2025-03-01", station=station_b, source=RecordSource.API)
    return station_b


def test_it_counts_per_source_and_returned(org: Org, scored: Scored, sysadmin: User) -> None:
    build(org, scored, sysadmin)
    rows, totals = station_workload(
        user=sysadmin, framework=scored.framework, period=Period.parse("2025Q1")
    )
    by_code = {row.station.code: row.counts for row in rows if row.station}
    assert by_code["ST-A"] == {
        "typed": 3,
        "imported": 2,
        "api": 1,
        "self_assessed": 1,
        "returned": 2,
        "total": 7,
    }
    assert by_code["ST-B"]["api"] == 1 and by_code["ST-B"]["total"] == 1
    assert totals.counts["total"] == 8 and totals.counts["api"] == 2
    year, _ = station_workload(user=sysadmin, framework=scored.framework, period=None)
    assert {r.station.code: r.counts["typed"] for r in year if r.station}["ST-A"] == 4


def test_it_shows_only_stations_in_scope(org: Org, scored: Scored, admin_a: User) -> None:
    build(org, scored, admin_a)
    page = client_for(admin_a).get(
        reverse("records:workload"), {"framework": "T", "period": "2025Q1"}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-station="ST-A"' in body and 'data-station="ST-B"' not in body
    assert (
        client_for(admin_a).get(reverse("records:workload"), {"framework": "X"}).status_code == 404
    )


def test_it_shows_the_current_quarter_by_default_and_reports_a_bad_period(
    org: Org, scored: Scored
) -> None:
    analyst = make_user("analyst", Role.ANALYST, region=org.city)
    client = client_for(analyst)
    page = client.get(reverse("records:workload"), {"framework": "T"})
    assert page.status_code == 200 and 'data-station="ST-A"' in page.content.decode()
    bad = client.get(reverse("records:workload"), {"framework": "T", "period": "2025Q9"})
    assert "“2025Q9”不是考核周期" in bad.content.decode()
