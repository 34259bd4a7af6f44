"""The demo's completeness story (``qingfeng.demo.completeness``): every station has
answered for the closed quarters; 县信访局 (ST-PETITION) is late for 2026Q3, which is
still open with its entry deadline passed; the open quarter 2026Q4 is partly filed."""

from __future__ import annotations

import datetime

from django.db.models import Min
from django.urls import reverse

from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.accounts.roles import Role
from qingfeng.demo import records as demo
from qingfeng.demo.completeness import LATE_STATION
from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station
from qingfeng.records.completeness import is_due
from qingfeng.records.models import (
    NIL_RETURN_ACTIVE,
    CollectionPeriod,
    NilReturn,
    NilReturnStatus,
    NilReturnUnit,
    PeriodStatus,
    Record,
)
from qingfeng.records.todo import OwedCells
from qingfeng.scoring.models import Snapshot
from tests.demo_county import DemoCounty

LATE, CURRENT = Period(2026, "Q", 3), Period(2026, "Q", 4)


def owed(framework: Framework, period: Period) -> dict[str, int]:
    """Station code -> the cells it still owes in the collection period (stations that
    answer for some cell)."""
    cells = OwedCells()
    found = {}
    for station in Station.objects.order_by("code"):
        mine = cells.of(framework=framework, station=station, period=period)
        if mine.cells:
            found[station.code] = mine.owed
    return found


def test_the_demo_quarters_are_closed_but_the_late_one_and_the_current_one(
    demo_county: DemoCounty,
) -> None:
    for framework in Framework.objects.all():
        periods = {c.period: c for c in CollectionPeriod.objects.filter(framework=framework)}
        assert {p for p, c in periods.items() if c.status == PeriodStatus.OPEN} == {
            "2026Q3",
            "2026Q4",
        }
        late = periods["2026Q3"]
        assert late.entry_deadline == datetime.date(2026, 10, 15)
        assert is_due(late, today=datetime.date(2026, 10, 16))
        assert periods["2026Q4"].entry_deadline == datetime.date(2027, 1, 15)


def test_every_station_answered_for_the_closed_quarters_and_one_is_late(
    demo_county: DemoCounty,
) -> None:
    lk = Framework.objects.get(code="LK")
    for quarter in demo.QUARTERS[:-1]:
        assert set(owed(lk, quarter).values()) == {0}, quarter
    late = owed(lk, LATE)
    assert late[LATE_STATION] > 0
    assert {code for code, n in late.items() if n} == {LATE_STATION}
    assert not NilReturn.objects.filter(period="2026Q3", station__code=LATE_STATION).exists()
    # Its units' 2026Q3 scores say data are missing; 2026Q2's are complete.
    q3 = Snapshot.objects.filter(version__framework=lk, period="2026Q3")
    assert q3.aggregate(m=Min("completeness"))["m"] < 1
    assert any(s.nodes.get("unreported") for s in q3)
    q2 = Snapshot.objects.filter(version__framework=lk, period="2026Q2")
    assert set(q2.values_list("completeness", flat=True)) == {1.0}


def test_the_open_quarter_is_partly_filed(demo_county: DemoCounty) -> None:
    lk = Framework.objects.get(code="LK")
    current = owed(lk, CURRENT)
    assert current["ST-ORG"] > 0  # the demo clerk's station has work to do
    assert 0 in current.values()  # some stations have filed everything
    statuses = set(NilReturn.objects.filter(period="2026Q4").values_list("status", flat=True))
    assert statuses == {NilReturnStatus.APPROVED, NilReturnStatus.SUBMITTED}


def test_no_nil_return_speaks_for_a_cell_with_records(demo_county: DemoCounty) -> None:
    """A nil return and a record of the same unit, indicator and period never coexist."""
    lines = NilReturnUnit.objects.filter(nil_return__status__in=NIL_RETURN_ACTIVE)
    for framework in Framework.objects.all():
        for period in [*demo.QUARTERS, CURRENT]:
            nil = set(
                lines.filter(framework=framework, period=str(period)).values_list(
                    "unit_id", "indicator_code"
                )
            )
            records = set(
                Record.objects.filter(
                    framework=framework, date__gte=period.start, date__lte=period.end
                ).values_list("unit_id", "indicator_code")
            )
            assert nil and not nil & records, (framework.code, period)
    assert NilReturn.history.filter(history_type="+").count() == NilReturn.objects.count()


def test_the_late_stations_clerk_sees_what_is_overdue(demo_county: DemoCounty) -> None:
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="clerk2"))
    page = client.get(reverse("core:home"))
    periods = page.context["home"].station_periods
    late = next(p for p in periods if p.framework.code == "LK" and p.period == LATE)
    assert periods[0] == late  # the earliest deadline first
    assert late.owed is not None and late.owed.owed == owed(late.framework, LATE)[LATE_STATION]
    body = page.content.decode()
    assert "已逾期" in body and f"尚有 {late.owed.owed} 项未报" in body
    reviewer = RoleAssignment.objects.get(user__username="reviewer2")
    assert (reviewer.role, reviewer.station.code) == (Role.STATION_REVIEWER, LATE_STATION)
