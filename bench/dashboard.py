"""Time the analysis pages (overview, portrait and friends), server side.

Usage:

    .venv/bin/python bench/dashboard.py county
        the demo county (makes its own database under /tmp/qf-dash-county with seed_demo
        unless it exists), framework LK, as the demo analyst;
    QINGFENG_VAR_DIR=/tmp/qf-bench .venv/bin/python bench/dashboard.py province
        the province database of bench/seed_province.py --keep after bench/recompute.py
        province (framework BENCH, 2026Q3 with 500,000 records); this script adds 2026Q2
        (another 500,000 records) so that trends and rank changes exist, then times the
        pages as a province-wide analyst.

Each page is requested through Django's test client (the whole view: scope, selectors,
template), 2 warm-up requests then 10 timed ones; prints median and p95 in ms and the
number of SQL queries. ``--only=WORD[,WORD]`` times only the cases whose label contains
one of the words (e.g. ``--only=problems,sorted,results.xlsx``). Targets (issue 5):
overview and portrait under 150 ms for the county, under 1 s for the province.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCALE = sys.argv[1] if len(sys.argv) > 1 else "county"
if SCALE == "county":
    os.environ.setdefault("QINGFENG_VAR_DIR", "/tmp/qf-dash-county")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
os.environ.setdefault("QINGFENG_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("QINGFENG_DEBUG", "0")  # production: no per-query SQL kept
os.environ.setdefault("QINGFENG_HTTPS", "0")  # the test client speaks plain HTTP
os.environ.setdefault("QINGFENG_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")

VAR_DIR = Path(os.environ["QINGFENG_VAR_DIR"])
if SCALE == "county" and not (VAR_DIR / "qingfeng.sqlite3").exists():
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], check=True)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# No collectstatic here: plain static storage (the manifest one needs collected files).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from qingfeng.accounts.models import RoleAssignment, User  # noqa: E402
from qingfeng.accounts.roles import Role, ScopeKind  # noqa: E402
from qingfeng.framework.models import Framework  # noqa: E402
from qingfeng.lib.periods import Period  # noqa: E402
from qingfeng.org.models import Region  # noqa: E402
from qingfeng.records.rescore import period_recompute  # noqa: E402

try:  # issue 17; absent from older trees, so that this script times them too
    from qingfeng.records.models import ProblemTallyMonth
    from qingfeng.records.tallies import problem_tallies_rebuild
except ImportError:
    problem_tallies_rebuild = None  # type: ignore[assignment]
from qingfeng.scoring.models import Snapshot  # noqa: E402


def timed(client: Client, url: str, params: dict[str, str]) -> tuple[float, float, int]:
    for _ in range(2):
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(10):
        start = time.perf_counter()
        client.get(url, params)
        samples.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    samples.sort()
    return statistics.median(samples), samples[-1], len(queries)


def province_analyst() -> User:
    user, created = User.objects.get_or_create(username="bench-analyst")
    if created:
        province = Region.objects.get(parent__isnull=True)
        RoleAssignment.objects.create(
            user=user, role=Role.ANALYST, scope_kind=ScopeKind.REGION, region=province
        )
    return user


def prepare_province() -> tuple[Framework, str]:
    sys.path.insert(0, str(ROOT / "bench"))
    from recompute import add_records, build_province_framework  # type: ignore[import-not-found]

    framework = build_province_framework()
    # Recomputed in order, so that 2026Q3 stores its rank change against 2026Q2.
    for text in ("2026Q2", "2026Q3"):
        period = Period.parse(text)
        add_records(framework, period, 500_000)  # nothing when the quarter has them
        start = time.perf_counter()
        period_recompute(framework=framework, period=period)
        print(f"recomputed {text} in {time.perf_counter() - start:.1f}s")
    # The records above go in past the services: count the problem tallies once (issue 17).
    if problem_tallies_rebuild and not ProblemTallyMonth.objects.filter(framework=framework):
        start = time.perf_counter()
        months = problem_tallies_rebuild(framework=framework)
        print(f"problem tallies of {months} months in {time.perf_counter() - start:.1f}s")
    return framework, "2026Q3"


def main() -> None:
    if SCALE == "province":
        framework, period = prepare_province()
        user = province_analyst()
    else:
        framework, period = Framework.objects.get(code="LK"), "2026Q3"
        user = User.objects.get(username="analyst")
    client = Client()
    client.force_login(user)
    snapshots = Snapshot.objects.filter(version__framework=framework, period=period)
    print(f"database: {connection.vendor}; {framework.code} {period}: {snapshots.count()} units")
    middle = snapshots.order_by("rank").values_list("unit_id", flat=True)[snapshots.count() // 2]
    first_level = framework.versions.first().indicators.filter(parent__isnull=True).first()
    code = framework.code
    cases = [
        ("overview", reverse("dashboard:overview", args=[code, period]), {}),
        (
            "overview sorted by a level-1 indicator",
            reverse("dashboard:overview", args=[code, period]),
            {"sort": first_level.code},
        ),
        (
            "overview by region",
            reverse("dashboard:overview", args=[code, period]),
            {"view": "regions"},
        ),
        ("overview.json", reverse("dashboard:overview_json", args=[code, period]), {}),
        ("heatmap.json", reverse("dashboard:heatmap_json", args=[code, period]), {}),
        ("portrait", reverse("dashboard:portrait", args=[code, period, middle]), {}),
        ("portrait.json", reverse("dashboard:portrait_json", args=[code, period, middle]), {}),
        (
            "compare one indicator",
            reverse("dashboard:compare_indicator", args=[code, period]),
            {"node": first_level.code},
        ),
        ("problems", reverse("dashboard:problems", args=[code, period]), {}),
        (
            "problems.json summary",
            reverse("dashboard:problems_json", args=[code, period]),
            {"part": "summary"},
        ),
        (
            "problems.json trend (8 quarters)",
            reverse("dashboard:problems_json", args=[code, period]),
            {"part": "trend"},
        ),
        ("search 教育", reverse("dashboard:search"), {"q": "教育"}),
    ]
    only = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--only=")), "")
    wanted = [word for word in only.split(",") if word]

    def chosen(label: str) -> bool:
        return not wanted or any(word in label for word in wanted)

    print("| page | median ms | max ms | queries |\n|---|---|---|---|")
    for label, url, params in cases:
        if not chosen(label):
            continue
        median, worst, queries = timed(client, url, params)
        print(f"| {label} | {median:.0f} | {worst:.0f} | {queries} |")
    for label, name in (
        ("ranking.xlsx", "dashboard:ranking_xlsx"),
        ("results.xlsx", "dashboard:results_xlsx"),
    ):
        if not chosen(label):
            continue
        start = time.perf_counter()
        response = client.get(reverse(name, args=[code, period]))
        assert response.status_code == 200
        print(
            f"{label}: {(time.perf_counter() - start):.2f}s, {len(response.content) / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
