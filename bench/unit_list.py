"""Time the unit list page (paginated, filtered) at province scale, server side.

Usage (after `seed_demo --scale province` into the database the settings point at):

    QINGFENG_VAR_DIR=/tmp/qf-bench .venv/bin/python bench/unit_list.py

Each case is requested through Django's test client (the whole view: scope query, filter,
count, page, template), 3 warm-up requests then 20 timed ones; prints median and p95 in ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
os.environ.setdefault("QINGFENG_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from qingfeng.accounts.models import RoleAssignment, User  # noqa: E402
from qingfeng.accounts.roles import Role, ScopeKind  # noqa: E402
from qingfeng.org.models import Region, RegionLevel, Unit, UnitCategory  # noqa: E402


def province_admin() -> User:
    """A commission administrator over the whole province (not a superuser)."""
    user, created = User.objects.get_or_create(username="bench-province")
    if created:
        province = Region.objects.get(parent__isnull=True)
        RoleAssignment.objects.create(
            user=user, role=Role.COMMISSION_ADMIN, scope_kind=ScopeKind.REGION, region=province
        )
    return user


def timed(client: Client, url: str, params: dict[str, str]) -> tuple[float, float, int]:
    for _ in range(3):
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
    samples = []
    for _ in range(20):
        start = time.perf_counter()
        client.get(url, params)
        samples.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], len(queries)


def main() -> None:
    units = Unit.objects.count()
    print(f"database: {connection.vendor}, {units} units, {Region.objects.count()} regions")
    city = Region.objects.filter(level=RegionLevel.CITY).order_by("code").first()
    category = UnitCategory.objects.order_by("code").first()
    cases = [
        ("province admin, first page", "bench-province", {}),
        ("province admin, search 教育", "bench-province", {"q": "教育"}),
        ("province admin, category filter", "bench-province", {"category": str(category.pk)}),
        (
            "province admin, city filter, page 5",
            "bench-province",
            {"region": str(city.pk), "page": "5"},
        ),
        ("province admin, page 200", "bench-province", {"page": "200"}),
        ("county admin (commission), first page", "commission", {}),
        ("discipline group member", "group", {}),
    ]
    province_admin()
    clients: dict[str, Client] = {}
    print(f"{'case':45} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, username, params in cases:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        median, p95, queries = timed(clients[username], "/org/units/", params)
        print(f"{label:45} {median:10.1f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
