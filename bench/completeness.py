"""Time the completeness board (issue 13) for a province period.

Usage (on a copy of the province bench database, ``bench/seed_province.py --keep`` then
``bench/recompute.py province``: 11,728 active units, framework BENCH with 100 leaves,
1,000,000 approved records over 2026Q2–Q3):

    QINGFENG_VAR_DIR=/tmp/qf-board-bench .venv/bin/python bench/completeness.py

The first run prepares the database (idempotent): 16 province-level data stations
(省直监测站01–16) own the BENCH leaves in turn (so each of the 40 deduct and bonus leaves,
the tracked ones, answers for every unit of the province), every record gets its leaf's
station, the collection periods 2026Q2 and 2026Q3 are opened (their entry deadlines have
passed, so both are due), and approved nil returns are filed for a share of the cells
without records that differs by station (from all of them to none, so some stations are
complete and some late). Then it times, five times each (median):

- ``period_completeness`` for 2026Q3 as the province commission sees it (the board's
  work for one period: every station and leaf);
- the whole commission board page (2026Q3 and 2026Q2 side by side, rendered);
- a station's own view of 2026Q3 with the names of its missing units, for its clerk.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
os.environ.setdefault("QINGFENG_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Case, Value, When  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from qingfeng.accounts.models import RoleAssignment, User  # noqa: E402
from qingfeng.accounts.roles import Role, ScopeKind  # noqa: E402
from qingfeng.framework.models import Framework, Indicator  # noqa: E402
from qingfeng.framework.selectors import version_in_force  # noqa: E402
from qingfeng.lib.periods import Period  # noqa: E402
from qingfeng.org.models import Region, Station, StationKind, Unit  # noqa: E402
from qingfeng.records.completeness import record_pairs, tracked_leaves  # noqa: E402
from qingfeng.records.completeness_board import period_completeness  # noqa: E402
from qingfeng.records.models import (  # noqa: E402
    CollectionPeriod,
    NilReturn,
    NilReturnStatus,
    NilReturnUnit,
    PeriodStatus,
    RecordStatus,
)
from qingfeng.records.periods import new_collection_period  # noqa: E402

STATIONS = 16
PERIODS = ("2026Q2", "2026Q3")


def prepare() -> tuple[Framework, User, User]:
    """Stations, periods, records' stations and nil returns (once), and two users."""
    framework = Framework.objects.get(code="BENCH")
    province = Region.objects.get(parent__isnull=True)
    stations = []
    for n in range(1, STATIONS + 1):
        station, _ = Station.objects.get_or_create(
            code=f"BENCH-S{n:02d}",
            defaults={
                "name": f"省直监测站{n:02d}",
                "kind": StationKind.DEPARTMENT,
                "region": province,
            },
        )
        stations.append(station)
    version = version_in_force(framework=framework, period=Period.parse("2026Q3"))
    assert version is not None
    leaves = list(
        Indicator.objects.filter(version=version, rule__isnull=False).order_by("position")
    )
    leaves = [leaf for leaf in leaves if (leaf.rule or {}).get("type")]
    owner = {leaf.code: stations[n % STATIONS] for n, leaf in enumerate(leaves)}
    if not CollectionPeriod.objects.filter(framework=framework).exists():
        started = time.perf_counter()
        with transaction.atomic():
            for leaf in leaves:
                Indicator.objects.filter(pk=leaf.pk).update(station=owner[leaf.code])
            framework.records.update(
                station=Case(
                    *(When(indicator_code=code, then=Value(s.pk)) for code, s in owner.items())
                )
            )
            for period in PERIODS:
                new_collection_period(
                    framework=framework, period=Period.parse(period), status=PeriodStatus.OPEN
                ).save()
            _nil_returns(framework, stations)
        print(f"prepared in {time.perf_counter() - started:.1f} s")
    commission, _ = User.objects.get_or_create(username="bench-commission")
    RoleAssignment.objects.get_or_create(
        user=commission, role=Role.COMMISSION_ADMIN, scope_kind=ScopeKind.REGION, region=province
    )
    clerk, _ = User.objects.get_or_create(username="bench-clerk")
    RoleAssignment.objects.get_or_create(
        user=clerk, role=Role.STATION_CLERK, scope_kind=ScopeKind.STATION, station=stations[0]
    )
    return framework, commission, clerk


def _nil_returns(framework: Framework, stations: list[Station]) -> None:
    """Approved nil returns for a share of each tracked leaf's cells without an approved
    record: station n files for (n mod 4) / 3 of them (0, ⅓, ⅔, all)."""
    rng = random.Random(13)
    version = version_in_force(framework=framework, period=Period.parse("2026Q3"))
    assert version is not None
    units = list(Unit.objects.filter(active=True).values_list("pk", flat=True))
    for text in PERIODS:
        period = Period.parse(text)
        reported = set(record_pairs(framework=framework, start=period.start, end=period.end))
        lines = []
        for leaf in tracked_leaves(version):
            station = next(s for s in stations if s.pk == leaf.station_id)
            share = (stations.index(station) % 4) / 3
            silent = [u for u in units if (u, leaf.code) not in reported]
            chosen = [u for u in silent if rng.random() < share]
            if not chosen:
                continue
            header = NilReturn.objects.create(
                framework=framework,
                indicator_code=leaf.code,
                period=text,
                station=station,
                status=NilReturnStatus.APPROVED,
            )
            lines += [
                NilReturnUnit(
                    nil_return=header,
                    unit_id=u,
                    framework=framework,
                    period=text,
                    indicator_code=leaf.code,
                )
                for u in chosen
            ]
        NilReturnUnit.objects.bulk_create(lines, batch_size=5000)
        print(f"{text}: {len(lines):,} nil return lines")


def timed(label: str, call: Callable[[], object], runs: int = 5) -> None:
    """Wall and CPU time (SQLite runs in this process, so CPU includes the queries and
    reads what the machine's other load does to the wall figure), median of ``runs``."""
    walls, cpus = [], []
    queries = 0
    for _ in range(runs):
        before = len(connection.queries)
        started, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        queries = len(connection.queries) - before
    print(
        f"{label}: wall median {statistics.median(walls) * 1000:.0f} ms "
        f"(min {min(walls) * 1000:.0f}, max {max(walls) * 1000:.0f}), "
        f"CPU median {statistics.median(cpus) * 1000:.0f} ms; {queries} queries"
    )


def main() -> None:
    framework, commission, clerk = prepare()
    q3 = Period.parse("2026Q3")
    found = period_completeness(user=commission, framework=framework, period=q3)
    assert found is not None
    cells = sum(row.counts.cells for row in found.stations)
    late = sum(row.late for row in found.stations)
    totals = {
        kind: sum(getattr(row.counts, kind) for row in found.stations)
        for kind in ("reported", "nil", "pending", "missing")
    }
    print(f"2026Q3: {len(found.stations)} stations ({late} late), {cells:,} cells, {totals}")
    approved = framework.records.filter(
        status=RecordStatus.APPROVED, date__gte=q3.start, date__lte=q3.end
    ).count()
    print(f"approved records in 2026Q3: {approved:,}")
    connection.force_debug_cursor = True
    timed(
        "record_pairs 2026Q3 (the rules' read)",
        lambda: record_pairs(framework=framework, start=q3.start, end=q3.end),
    )
    timed(
        "period_completeness 2026Q3, province commission",
        lambda: period_completeness(user=commission, framework=framework, period=q3),
    )
    station = found.stations[0].station
    own = Station.objects.get(code="BENCH-S01")
    timed(
        f"station view 2026Q3 with missing units ({own.name}, clerk)",
        lambda: period_completeness(
            user=clerk, framework=framework, period=q3, station=own, with_units=True
        ),
    )
    connection.force_debug_cursor = False
    board = Client()
    board.force_login(commission)
    url = reverse("records:completeness") + "?framework=BENCH"
    assert board.get(url).status_code == 200
    timed("board page (2 periods), commission", lambda: board.get(url))
    own_client = Client()
    own_client.force_login(clerk)
    detail = reverse("records:completeness_station", args=["BENCH", "2026Q3", own.pk])
    assert own_client.get(detail).status_code == 200
    timed("station page 2026Q3, clerk", lambda: own_client.get(detail))
    print(f"worst station: {station.name}")


if __name__ == "__main__":
    main()
