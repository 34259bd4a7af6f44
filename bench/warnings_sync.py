"""Time the warning register's sync of a province period (issue 12: < 5 s).

Usage:
    QINGFENG_VAR_DIR=/tmp/qf-register-prov .venv/bin/python manage.py migrate
    QINGFENG_VAR_DIR=/tmp/qf-register-prov .venv/bin/python manage.py seed_demo --scale province
    QINGFENG_VAR_DIR=/tmp/qf-register-prov .venv/bin/python bench/warnings_sync.py

The province gets ``bench/recompute.py``'s 1000-point framework (100 leaves) and 500,000
records in 2026Q3, recomputed once (which syncs). Then, timed: the first sync of an empty
register (every warning created, with its history), a resync changing nothing (three
times), a resync after a tenth of the stored warnings drifted (updated back, with
history), and the register page and the overview for the province administrator.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.recompute import add_records, build_province_framework  # noqa: E402
from qingfeng.accounts.models import User  # noqa: E402
from qingfeng.lib.periods import Period  # noqa: E402
from qingfeng.monitoring.models import Warning  # noqa: E402
from qingfeng.monitoring.services import warnings_sync  # noqa: E402
from qingfeng.records.rescore import period_recompute  # noqa: E402
from qingfeng.scoring.models import Snapshot  # noqa: E402


def timed(label: str, framework: object, period: Period) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    result = warnings_sync(framework=framework, period=period)  # type: ignore[arg-type]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    parts = ", ".join(f"{k} {v:.2f}s" for k, v in result.seconds.items())
    print(
        f"{label}: {elapsed:.2f}s wall, {cpu:.2f}s CPU ({parts}); created {result.created}, "
        f"updated {result.updated}, cleared {result.cleared}, unchanged {result.unchanged}"
    )
    return elapsed


def page(client: Client, url: str, repeat: int = 5) -> float:
    client.get(url)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    print(f"database: {connection.vendor}")
    framework = build_province_framework()
    period = Period.parse("2026Q3")
    add_records(framework, period, 500_000)
    if not Snapshot.objects.filter(version__framework=framework, period=str(period)).exists():
        period_recompute(framework=framework, period=period)
    units = Snapshot.objects.filter(version__framework=framework, period=str(period)).count()
    print(f"{framework.code} {period}: {units} units")
    stored = Warning.objects.filter(framework=framework, period=str(period))
    # An empty register for the period, without a history row per deletion (raw deletes).
    history = Warning.history.filter(framework_id=framework.pk, period=str(period))
    history._raw_delete(history.db)  # type: ignore[attr-defined]
    stored._raw_delete(stored.db)  # type: ignore[attr-defined]
    timed("first sync (empty register)", framework, period)
    print(f"warnings: {stored.count()}, history rows: {Warning.history.count()}")
    resyncs = [timed("resync, nothing changed", framework, period) for _ in range(3)]
    print(f"resync median {statistics.median(resyncs):.2f}s")
    pks = list(stored.values_list("pk", flat=True)[::10])
    Warning.objects.filter(pk__in=pks).update(score=-1.0)
    timed(f"resync after {len(pks)} warnings drifted", framework, period)
    Warning.objects.filter(pk__in=pks[: len(pks) // 2]).update(state="cleared")
    timed("resync after half of them were cleared", framework, period)

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    query = f"?framework={framework.code}&period={period}"
    first = page(client, reverse("monitoring:register") + query)
    print(f"register page (province admin): {first * 1000:.0f} ms")
    last = reverse("monitoring:register") + query + "&page=200"
    print(f"register page 200: {page(client, last) * 1000:.0f} ms")
    overview = reverse("dashboard:overview", args=[framework.code, str(period)])
    print(f"overview (province admin): {page(client, overview, repeat=3) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
