"""Time one API batch of 10,000 records, through the real request path.

Usage:
    .venv/bin/python bench/api.py [--keep]

Makes a throwaway SQLite database in /tmp/qf-bench-api (``QINGFENG_VAR_DIR``), migrates
it, seeds the demo county (``seed_demo``), reopens 2026Q3 of the LK framework, issues a
token for the data station owning the most LK leaves, and POSTs one batch of 10,000
records (spread over the station's leaves and the units they apply to) with Django's test
client to /api/frameworks/LK/records. Then the same batch again (all skipped as existing).
Targets: < 10 s for the first POST (issue 4), < 2 s (issue 10). The request goes through
Django's test client: the whole server side (middleware, token, ninja's body parsing and
schema, the import's checks, the insert) without a socket; the process's CPU time is
printed beside the wall time, steadier when other jobs share the machine.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

VAR_DIR = Path("/tmp/qf-bench-api")
BATCH = 10_000

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
shutil.rmtree(VAR_DIR, ignore_errors=True)
VAR_DIR.mkdir(parents=True)
os.environ["QINGFENG_VAR_DIR"] = str(VAR_DIR)
os.environ.setdefault("QINGFENG_LOG_LEVEL", "ERROR")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from qingfeng.accounts.models import User  # noqa: E402
from qingfeng.api.tokens import token_issue  # noqa: E402
from qingfeng.framework.models import Framework  # noqa: E402
from qingfeng.org.models import Station, Unit  # noqa: E402
from qingfeng.records.imports import RecordChecker  # noqa: E402
from qingfeng.records.models import CollectionPeriod, Record, RecordSource  # noqa: E402
from qingfeng.records.periods import period_open, period_reopen  # noqa: E402

QUARTER_START = datetime.date(2026, 7, 1)


def values_for(rule: dict[str, object], maximum: float) -> dict[str, object] | None:
    """Numbers a record of this rule accepts (None: skip the leaf, e.g. a veto)."""
    kind = rule.get("type")
    if kind == "deduct":
        return {"quantity": 1} if rule.get("per") is not None else {"points": 1}
    if kind == "bonus":
        grades = list(rule.get("grades") or {})  # type: ignore[call-overload]
        if grades:
            return {"grade": grades[0]}
        return {"quantity": 1} if rule.get("per") is not None else {"points": 1}
    if kind == "direct":
        return {"points": min(1.0, maximum)}
    if kind in ("rate", "survey"):
        return {"value": 90}
    return None


def main() -> None:
    keep = "--keep" in sys.argv
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    print(f"migrate + seed_demo: {time.perf_counter() - started:.1f} s")

    framework = Framework.objects.get(code="LK")
    admin = User.objects.create_superuser("bench-admin", password="bench-password-2026")
    existing = CollectionPeriod.objects.filter(framework=framework, period="2026Q3").first()
    if existing is None:
        period_open(framework=framework, period="2026Q3", actor=admin)
    elif existing.status != "open":
        period_reopen(collection=existing, reason="API bench", actor=admin)

    checker = RecordChecker(framework=framework)
    version = checker._version(2026)
    assert version is not None
    owners = Counter(leaf.indicator.station_id for leaf in version.leaves.values())
    owners.pop(None, None)
    station_id, leaf_count = owners.most_common(1)[0]
    station = Station.objects.select_related("region").get(pk=station_id)
    units = list(
        Unit.objects.within(station.region)
        .within(framework.region)
        .filter(active=True)
        .select_related("category")
        .order_by("code")
    )
    pairs = []
    for leaf in version.leaves.values():
        if leaf.indicator.station_id != station_id:
            continue
        values = values_for(leaf.indicator.rule or {}, leaf.indicator.max)
        if values is None:
            continue
        for unit in units:
            if all(unit.category.code in ok for ok in leaf.applies):
                pairs.append((unit.code, leaf.indicator.code, values))
    print(
        f"station {station.code} ({station.name}): {leaf_count} leaves; "
        f"{len(units)} units; {len(pairs)} (unit, leaf) pairs"
    )
    items = []
    for n in range(BATCH):
        unit, code, values = pairs[n % len(pairs)]
        day = QUARTER_START + datetime.timedelta(days=n % 92)
        items.append(
            {
                "external_id": f"bench-{n:05d}",
                "unit": unit,
                "indicator": code,
                "date": day.isoformat(),
                "note": "bench",
                **values,
            }
        )
    body = json.dumps({"records": items}, ensure_ascii=False)
    _token, plain = token_issue(station=station, name="bench", actor=admin)
    client = Client(HTTP_HOST="localhost")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}

    start, cpu = time.perf_counter(), time.process_time()
    response = client.post(
        "/api/frameworks/LK/records", body, content_type="application/json", **headers
    )
    first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
    answer = response.json()
    if response.status_code != 201:
        print(response.status_code, json.dumps(answer, ensure_ascii=False)[:2000])
        raise SystemExit(1)
    stored = Record.objects.filter(source=RecordSource.API, station=station).count()
    print(
        f"POST {BATCH:,} records ({len(body) / 2**20:.1f} MiB): {first:.2f} s "
        f"(CPU {first_cpu:.2f} s; target < 2 s) · created {answer['created']:,} · stored {stored:,}"
    )

    start = time.perf_counter()
    again = client.post(
        "/api/frameworks/LK/records", body, content_type="application/json", **headers
    )
    second = time.perf_counter() - start
    print(
        f"same batch again: {second:.2f} s · status {again.status_code} · "
        f"created {again.json()['created']} · existing {again.json()['existing']:,}"
    )
    if not keep:
        shutil.rmtree(VAR_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
