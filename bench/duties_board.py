"""Time the region light board (issue 14): ``duties.boards.region_board``, the selector the
view ``/duties/board/`` calls, over synthetic duty lists.

Usage:

    # a county, 300 leaders × 20 tasks × 4 quarters (24,000 dues), on a throwaway SQLite
    .venv/bin/python bench/duties_board.py --scale county
    # a province, 40,000 leaders × 20 × 4 (3.2 M dues), on PostgreSQL (an empty database)
    DATABASE_URL=postgres://postgres:pg@127.0.0.1:5432/qingfeng_duties \\
        .venv/bin/python bench/duties_board.py --scale province [--explain]

Without ``DATABASE_URL`` the SQLite file is made afresh under ``/tmp/qf-bench-duties``.
The data (regions, units, leaders, a duty list per leader with 20 quarterly tasks and
their 80 dues, a pseudo-random mix of on time, late and not done) is written with bulk
inserts (``INSERT … SELECT`` for the tasks and dues); a database that already holds the
dues is reused. The board is timed as a commission administrator over the whole province
(a region scope, so the visibility rule is a real condition), at the root and at one
county, 3 warm-up calls then 10 timed ones (median and p95 in ms). Targets: county under
300 ms (SQLite), province under 1 s (PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALES = {
    # scale: (cities, counties per city, units per county, leaders per unit)
    "county": (1, 1, 38, 8),  # 304 leaders (the 300 of the issue, 8 to a unit)
    "province": (10, 10, 50, 8),  # 40,000 leaders
}
TASKS = 20
YEAR = 2026
TODAY = datetime.date(2026, 10, 15)
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="county")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE (PostgreSQL)")
    return parser.parse_args()


ARGS = parse()
if "DATABASE_URL" not in os.environ:
    var = Path("/tmp/qf-bench-duties")
    if var.exists():
        for old in var.glob("qingfeng.sqlite3*"):
            old.unlink()
    var.mkdir(parents=True, exist_ok=True)
    os.environ["QINGFENG_VAR_DIR"] = str(var)
elif "qingfeng_perf" in os.environ["DATABASE_URL"]:
    raise SystemExit("not on qingfeng_perf: use a database of your own")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
os.environ.setdefault("QINGFENG_LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import CharField, Value  # noqa: E402
from django.db.models.functions import Cast, Concat  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from qingfeng.accounts.models import RoleAssignment, User  # noqa: E402
from qingfeng.accounts.roles import Role, ScopeKind  # noqa: E402
from qingfeng.duties.boards import region_board  # noqa: E402
from qingfeng.duties.models import DutyCategory, DutyList, SubjectKind, TaskDue  # noqa: E402
from qingfeng.org import services as org_services  # noqa: E402
from qingfeng.org.models import (  # noqa: E402
    Person,
    Region,
    RegionLevel,
    Unit,
    UnitCategory,
)


def build(scale: str) -> None:
    """The synthetic province (or county): regions through the services (they keep the
    paths), everything else by bulk inserts."""
    cities, counties, units_per, leaders_per = SCALES[scale]
    started = time.perf_counter()
    province = org_services.region_save(
        region=Region(code="BP", name="基准省", level=RegionLevel.PROVINCE)
    )
    category = org_services.category_save(category=UnitCategory(code="bench", name="基准单位"))
    county_regions = []
    for c in range(cities):
        city = org_services.region_save(
            region=Region(
                code=f"BP{c:02d}", name=f"基准市{c}", level=RegionLevel.CITY, parent=province
            )
        )
        for k in range(counties):
            county_regions.append(
                org_services.region_save(
                    region=Region(
                        code=f"BP{c:02d}{k:02d}",
                        name=f"基准县{c}-{k}",
                        level=RegionLevel.COUNTY,
                        parent=city,
                    )
                )
            )
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"U{county.code}-{u:03d}",
                name=f"{county.name}单位{u}",
                category=category,
                region=county,
            )
            for county in county_regions
            for u in range(units_per)
        ],
        batch_size=2000,
    )
    # Root units: the path is the unit's own key (what ``org.services`` would write).
    Unit.objects.filter(path="").update(
        path=Concat(Value("/"), Cast("id", CharField()), Value("/"))
    )
    units = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    Person.objects.bulk_create(
        [
            Person(code=f"P{unit}-{n}", name=f"领导{unit}-{n}")
            for unit in units
            for n in range(leaders_per)
        ],
        batch_size=5000,
    )
    people = iter(Person.objects.order_by("pk").values_list("pk", flat=True))
    DutyList.objects.bulk_create(
        [
            DutyList(
                kind=SubjectKind.PRINCIPAL if n == 0 else SubjectKind.MEMBER,
                unit_id=unit,
                person_id=next(people),
                year=YEAR,
            )
            for unit in units
            for n in range(leaders_per)
        ],
        batch_size=5000,
    )
    categories = list(DutyCategory.objects.order_by("order").values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(TASKS):
            cursor.execute(
                "INSERT INTO duties_dutytask (category_id, title, measures, recurrence, "
                'required_count, department, "order", duty_list_id, due_date) '
                "SELECT %s, %s, '', 'quarterly', 1, '', %s, id, NULL FROM duties_dutylist",
                [categories[i % len(categories)], f"基准任务{i + 1}", i],
            )
        for q, (month, day) in enumerate(QUARTER_ENDS, start=1):
            due = datetime.date(YEAR, month, day)
            starts = datetime.date(YEAR, month - 2, 1)
            # Six in ten done five days early, one in ten ten days late, three not done.
            cursor.execute(
                "INSERT INTO duties_taskdue (kind, unit_id, person_id, discipline_group_id, "
                "task_id, duty_list_id, year, starts, due, completed_on) "
                "SELECT l.kind, l.unit_id, l.person_id, NULL, t.id, l.id, %s, %s, %s, "
                "CASE WHEN (t.id + %s) %% 10 < 6 THEN %s "
                "WHEN (t.id + %s) %% 10 = 6 THEN %s ELSE NULL END "
                "FROM duties_dutytask t JOIN duties_dutylist l ON l.id = t.duty_list_id",
                [
                    YEAR,
                    starts,
                    due,
                    q,
                    due - datetime.timedelta(days=5),
                    q,
                    due + datetime.timedelta(days=10),
                ],
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE duties_taskdue")
            cursor.execute("VACUUM ANALYZE duties_dutylist")
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"built in {time.perf_counter() - started:.1f} s")


def province_admin() -> User:
    """A commission administrator over the whole province (a region scope)."""
    user, created = User.objects.get_or_create(username="bench-duties")
    if created:
        RoleAssignment.objects.create(
            user=user,
            role=Role.COMMISSION_ADMIN,
            scope_kind=ScopeKind.REGION,
            region=Region.objects.get(code="BP"),
        )
    return user


def timed(label: str, user: User, region: Region) -> None:
    def run() -> int:
        board = region_board(user=user, region=region, year=YEAR, today=TODAY)
        return board.totals.total

    for _ in range(3):
        total = run()
    samples = []
    for _ in range(10):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        run()
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(
        f"{label:<34} {total:>9,} dues  median {statistics.median(samples):7.1f} ms  "
        f"p95 {p95:7.1f} ms  {len(queries)} queries"
    )


def explain(user: User, region: Region) -> None:
    """EXPLAIN ANALYZE of the board's grouped count (the query that reads the dues)."""
    with CaptureQueriesContext(connection) as queries:
        region_board(user=user, region=region, year=YEAR, today=TODAY)
    heavy = [q["sql"] for q in queries.captured_queries if "duties_taskdue" in q["sql"]]
    with connection.cursor() as cursor:
        for sql in heavy:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(row[0] for row in cursor.fetchall()))
            print()


def main() -> None:
    call_command("migrate", verbosity=0)
    expected = TASKS * 4 * SCALES[ARGS.scale][2] * SCALES[ARGS.scale][3]
    expected *= SCALES[ARGS.scale][0] * SCALES[ARGS.scale][1]
    if TaskDue.objects.count() != expected:
        if TaskDue.objects.exists():
            raise SystemExit("the database holds other dues: use an empty one")
        build(ARGS.scale)
    print(
        f"database: {connection.vendor}; {Unit.objects.count():,} units, "
        f"{DutyList.objects.count():,} lists, {TaskDue.objects.count():,} dues"
    )
    user = province_admin()
    province = Region.objects.get(code="BP")
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    assert county is not None
    timed("province root (per city)", user, province)
    timed("one county (per unit)", user, county)
    superuser, _ = User.objects.get_or_create(username="bench-duties-root", is_superuser=True)
    timed("province root, superuser", superuser, province)
    if ARGS.explain and connection.vendor == "postgresql":
        explain(user, province)


if __name__ == "__main__":
    main()
