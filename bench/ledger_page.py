"""Time the problem ledger's page with 50,000 problems (target: under 300 ms).

Usage (its own var dir; the first run migrates, seeds the demo county and bulk-creates the
problems, later runs reuse them):

    QINGFENG_VAR_DIR=/tmp/qf-bench-ledger .venv/bin/python bench/ledger_page.py

Each case is requested through Django's test client (the whole view: scope, board,
rows, template), 3 warm-up requests then 20 timed ones; prints median and p95 in ms and
the number of queries, for the commission administrator (the county), a station clerk
and a unit liaison.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
os.environ.setdefault("QINGFENG_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("QINGFENG_VAR_DIR", "/tmp/qf-bench-ledger")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from qingfeng.accounts.models import User  # noqa: E402
from qingfeng.org.models import Station, Unit  # noqa: E402
from qingfeng.rectification.models import Problem, ProblemSource, ProblemState  # noqa: E402

COUNT = 50_000
TEXTS = (
    "专项资金未按规定用途使用",
    "公务接待无公函、超标准",
    "干部选拔任用程序不规范",
    "节日期间违规发放购物卡",
    "信访件办理超期未答复",
    "校园安全隐患排查台账不全",
)


def ensure_data() -> None:
    """The demo county, then ``COUNT`` problems spread over its units, stations, states
    and deadlines (bulk-created: bench data, no history rows)."""
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        call_command("seed_demo", verbosity=0)
    have = Problem.objects.count()
    if have >= COUNT:
        return
    rng = random.Random(12)
    units = list(Unit.objects.filter(active=True).values_list("pk", flat=True))
    stations = list(Station.objects.values_list("pk", flat=True))
    sources = [s for s in ProblemSource if s not in (ProblemSource.WARNING, ProblemSource.RECORD)]
    states = list(ProblemState)
    today = timezone.localdate()
    now = timezone.now()
    batch = []
    for i in range(have, COUNT):
        state = rng.choice(states)
        due = today + datetime.timedelta(days=rng.randint(-200, 200))
        closed_at = None
        if state == ProblemState.CLOSED:
            closed_at = now - datetime.timedelta(days=rng.randint(0, 300))
        batch.append(
            Problem(
                number=f"B-{i:07d}",
                unit_id=rng.choice(units),
                station_id=rng.choice(stations),
                source=rng.choice(sources),
                problem_type=rng.choice(("四风", "审计发现", "信访举报", "选人用人")),
                description=f"{rng.choice(TEXTS)}（第{i}号）",
                responsible_person="责任人",
                due=due,
                state=state,
                closed_at=closed_at,
                closed_on=timezone.localdate(closed_at) if closed_at else None,
            )
        )
    Problem.objects.bulk_create(batch, batch_size=5000)
    connection.cursor().execute("ANALYZE")


def timed(client: Client, url: str) -> tuple[float, float, float, int]:
    """Median and p95 wall time, median CPU time (ms; the CPU time holds on a loaded
    machine), and the number of queries."""
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    samples, cpu = [], []
    for _ in range(20):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    return statistics.median(samples), p95, statistics.median(cpu), len(queries)


def main() -> None:
    started = time.perf_counter()
    ensure_data()
    print(f"data ready: {Problem.objects.count()} problems ({time.perf_counter() - started:.1f} s)")
    cases = [
        ("commission", "/problems/", "first page"),
        ("commission", "/problems/?state=rectifying", "state = rectifying"),
        ("commission", "/problems/?overdue=yes", "overdue"),
        ("commission", "/problems/?overdue=yes&page=20", "overdue, page 20"),
        ("commission", "/problems/?q=购物卡", "text search"),
        ("commission", "/problems/?source=audit&problem_type=四风", "source + type"),
        ("clerk", "/problems/", "station clerk, first page"),
        ("liaison", "/problems/", "unit liaison, first page"),
    ]
    print(f"load average {os.getloadavg()[0]:.1f}")
    header = (
        f"{'user':<11} {'case':<28} {'median ms':>9} {'p95 ms':>8} {'CPU ms':>7} {'queries':>7}"
    )
    print(header)
    for username, url, label in cases:
        client = Client()
        client.force_login(User.objects.get(username=username))
        median, p95, cpu, queries = timed(client, url)
        print(f"{username:<11} {label:<28} {median:9.1f} {p95:8.1f} {cpu:7.1f} {queries:7d}")


if __name__ == "__main__":
    main()
