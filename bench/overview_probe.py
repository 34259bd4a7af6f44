"""Probe the overview's server time on a province of fake snapshots (no records, no engine).

Usage: ``.venv/bin/python bench/overview_probe.py [--reset] [--no-exports]``

Makes (once) a database under ``/tmp/qf-overview``: 1 province, 11 cities, 117 counties,
11,800 units in 6 categories, a 1000-point framework with 10 level-1 nodes x 5 leaves
(60 nodes; one level-1 node applies to half of the categories), and snapshots for 2026Q2
and 2026Q3 with random scores, bands, ranks and rank changes, written straight to the
table. Then times the overview pages and exports through Django's test client as a
province-wide analyst and a county analyst (2 warm-up requests, 7 timed; median, max and
the number of SQL queries). The lead's ``bench/dashboard.py`` times the real thing on the
seeded province; this probe is for quick iterations on the overview alone.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR_DIR = Path("/tmp/qf-overview")
if "--reset" in sys.argv:
    shutil.rmtree(VAR_DIR, ignore_errors=True)
VAR_DIR.mkdir(parents=True, exist_ok=True)
os.environ["QINGFENG_VAR_DIR"] = str(VAR_DIR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
os.environ.setdefault("QINGFENG_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("QINGFENG_DEBUG", "0")
os.environ.setdefault("QINGFENG_HTTPS", "0")
os.environ.setdefault("QINGFENG_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# No collectstatic here: plain static storage (the manifest one needs collected files).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from qingfeng.accounts.models import RoleAssignment, User  # noqa: E402
from qingfeng.accounts.roles import Role, ScopeKind  # noqa: E402
from qingfeng.framework.models import (  # noqa: E402
    Framework,
    FrameworkVersion,
    Indicator,
    VersionStatus,
)
from qingfeng.org import services  # noqa: E402
from qingfeng.org.models import Region, RegionLevel, Unit, UnitCategory  # noqa: E402
from qingfeng.scoring.models import Snapshot  # noqa: E402

CODE = "OVP"
PERIODS = ("2026Q2", "2026Q3")
EXPORTS = ("ranking_xlsx", "heatmap_xlsx", "warnings_xlsx", "results_xlsx")
BANDS = [{"level": "blue", "below": 0.9}, {"level": "yellow", "below": 0.8}]
BANDS.append({"level": "red", "below": 0.6})


def band(ratio: float) -> str:
    for level, below in (("red", 0.6), ("yellow", 0.8), ("blue", 0.9)):
        if ratio < below:
            return level
    return "green"


def seed() -> None:
    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    with transaction.atomic():
        province = services.region_save(
            region=Region(code="P", name="山西省", level=RegionLevel.PROVINCE)
        )
        counties: list[Region] = []
        cities: list[Region] = []
        for c in range(11):
            city = services.region_save(
                region=Region(
                    code=f"P{c:02d}", name=f"第{c + 1}市", level=RegionLevel.CITY, parent=province
                )
            )
            cities.append(city)
            for k in range(11 if c < 7 else 10):
                counties.append(
                    services.region_save(
                        region=Region(
                            code=f"P{c:02d}{k:02d}",
                            name=f"第{c + 1}市第{k + 1}县",
                            level=RegionLevel.COUNTY,
                            parent=city,
                        )
                    )
                )
        categories = [
            UnitCategory.objects.create(code=f"cat{i}", name=f"类别{i}") for i in range(6)
        ]
        units = []
        for i in range(11_800):
            region = cities[i % 11] if i % 20 == 0 else counties[i % len(counties)]
            units.append(
                Unit(
                    code=f"U{i:05d}",
                    name=f"单位{i:05d}",
                    category=categories[i % 6],
                    region=region,
                    path="",
                )
            )
        Unit.objects.bulk_create(units, batch_size=1000)
        framework = Framework.objects.create(code=CODE, name="探针体系", region=province)
        version = FrameworkVersion.objects.create(
            framework=framework,
            number=1,
            name="探针体系",
            year=2026,
            scale=1000,
            status=VersionStatus.PUBLISHED,
            bands=BANDS,
        )
        position = 0
        for g in range(10):
            group = Indicator.objects.create(
                version=version,
                code=f"G{g}",
                name=f"一级指标{g}",
                max=100,
                position=position,
                applies_to=["cat0", "cat1", "cat2"] if g == 9 else [],
            )
            position += 1
            for leaf in range(5):
                Indicator.objects.create(
                    version=version,
                    code=f"G{g}.{leaf}",
                    name=f"二级指标{g}.{leaf}",
                    parent=group,
                    max=20,
                    position=position,
                    rule={"type": "deduct", "per": 2},
                )
                position += 1
        unit_rows = list(Unit.objects.values_list("pk", "category__code"))
        previous: dict[int, int] = {}
        for period in PERIODS:
            rows = []
            for pk, category in unit_rows:
                scores: list[float | None] = []
                maxima: list[float | None] = []
                bands: list[str | None] = []
                raw = applicable = 0.0
                for g in range(10):
                    if g == 9 and category not in ("cat0", "cat1", "cat2"):
                        scores += [None] * 6
                        maxima += [None] * 6
                        bands += [None] * 6
                        continue
                    leaves = [
                        round(20 * min(1, max(0, rng.gauss(0.86, 0.12))), 2) for _ in range(5)
                    ]
                    group_score = round(sum(leaves), 2)
                    scores += [group_score, *leaves]
                    maxima += [100.0] + [20.0] * 5
                    bands += [band(group_score / 100)] + [band(s / 20) for s in leaves]
                    raw += group_score
                    applicable += 100
                rows.append(
                    {
                        "unit_id": pk,
                        "category": category,
                        "total": round(raw * 1000 / applicable, 4),
                        "raw": raw,
                        "applicable_max": applicable,
                        "vetoed": rng.random() < 0.005,
                        "nodes": {"score": scores, "max": maxima, "band": bands},
                    }
                )
            ranked = sorted(rows, key=lambda r: (r["vetoed"], -r["total"]))
            by_category: dict[str, int] = {}
            objects = []
            for rank, row in enumerate(ranked, start=1):
                by_category[row["category"]] = by_category.get(row["category"], 0) + 1
                before = previous.get(row["unit_id"])
                objects.append(
                    Snapshot(
                        version=version,
                        period=period,
                        rank=rank,
                        category_rank=by_category[row["category"]],
                        rank_change=before - rank if before else None,
                        band="red" if row["vetoed"] else band(row["total"] / 1000),
                        **row,
                    )
                )
                previous[row["unit_id"]] = rank
            Snapshot.objects.bulk_create(objects, batch_size=1000)
        analyst = User.objects.create_user(username="probe-province", password="x")
        RoleAssignment.objects.create(
            user=analyst, role=Role.ANALYST, scope_kind=ScopeKind.REGION, region=province
        )
        county_analyst = User.objects.create_user(username="probe-county", password="x")
        RoleAssignment.objects.create(
            user=county_analyst, role=Role.ANALYST, scope_kind=ScopeKind.REGION, region=counties[0]
        )


def timed(client: Client, url: str, runs: int = 7) -> tuple[float, float, int]:
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(samples), max(samples), len(queries)


def main() -> None:
    if not _migrated() or not Framework.objects.filter(code=CODE).exists():
        start = time.perf_counter()
        seed()
        print(f"seeded in {time.perf_counter() - start:.1f}s")
    period = PERIODS[-1]
    base = reverse("dashboard:overview", args=[CODE, period])
    json_base = base + "overview.json"
    cases = [
        ("overview", base),
        ("overview sorted by G3", base + "?sort=G3"),
        ("overview sorted by G9 asc, page 20", base + "?sort=G9&order=asc&page=20"),
        ("overview by name, page 100", base + "?sort=name&page=100"),
        ("overview category cat1", base + "?category=cat1"),
        ("overview by region", base + "?view=regions"),
        ("overview.json", json_base),
        ("heatmap.json sorted by G3", base + "heatmap.json?sort=G3"),
    ]
    for username in ("probe-province", "probe-county"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        print(f"\n{username}\n| page | median ms | max ms | queries |\n|---|---|---|---|")
        for label, url in cases:
            median, worst, queries = timed(client, url)
            print(f"| {label} | {median:.0f} | {worst:.0f} | {queries} |")
        for name in () if "--no-exports" in sys.argv else EXPORTS:
            start = time.perf_counter()
            response = client.get(reverse(f"dashboard:{name}", args=[CODE, period]))
            assert response.status_code == 200
            elapsed = time.perf_counter() - start
            print(f"{name}: {elapsed:.2f}s, {len(response.content) / 1e6:.2f} MB")


def _migrated() -> bool:
    return "framework_framework" in connection.introspection.table_names()


if __name__ == "__main__":
    main()
