"""Time the one-stop query (一站查询) on the province.

Usage (after ``bench/dashboard.py province``, which leaves 2026Q2 and 2026Q3 with 500,000
records each; any ``DATABASE_URL`` works, SQLite by default):

    QINGFENG_VAR_DIR=/tmp/qf-bench .venv/bin/python bench/search.py [--runs 10] [--check]

The bench records have no notes: the first run gives deductions a problem type and a
problem note and awards an award note, drawn from the demo's texts
(``qingfeng.demo.records_texts``), by plain SQL (400,642 of the million records), then
rebuilds the index with ``manage.py rebuild_search_index`` (timed). Each query is then
requested through Django's test client as a province-wide analyst, 2 warm-up requests then
``--runs`` timed ones: the whole page, and the results alone (what the page fetches while
the user types, htmx). ``--check`` also counts every group with the index switched off
(``search_index.matching`` returning None: the plain ``LIKE`` scan; slow) and asserts the
counts are equal.

The script also runs from a checkout without the index (copy it into that checkout's
``bench/``): it then times that checkout's page, the "before" figures.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
os.environ.setdefault("QINGFENG_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("QINGFENG_DEBUG", "0")
os.environ.setdefault("QINGFENG_HTTPS", "0")
os.environ.setdefault("QINGFENG_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

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
from qingfeng.dashboard import search as selectors  # noqa: E402
from qingfeng.demo.records_texts import AWARDS, BONUS_NOTES, NOTES  # noqa: E402

try:
    from qingfeng.lib import search_index
except ImportError:  # a checkout from before the index: time its page as it is
    search_index = None  # type: ignore[assignment]
from qingfeng.org.models import Region  # noqa: E402
from qingfeng.records.models import Record  # noqa: E402

QUERIES = ("教育", "违规", "公车私用", "党组织", "酒")


def province_analyst() -> User:
    user, created = User.objects.get_or_create(username="bench-analyst")
    if created:
        province = Region.objects.get(parent__isnull=True)
        RoleAssignment.objects.create(
            user=user, role=Role.ANALYST, scope_kind=ScopeKind.REGION, region=province
        )
    return user


def add_notes() -> bool:
    """Give the bench records notes (once); True if it did."""
    if Record.objects.exclude(note="").exists():
        return False
    rng = random.Random(17)
    problems = [(kind, note) for kind, notes in NOTES.items() for note in notes]
    awards = [note for notes in AWARDS.values() for note in notes] + list(BONUS_NOTES)
    rows = []
    values = Record.objects.values_list("pk", "quantity", "grade").iterator(chunk_size=20000)
    for pk, quantity, grade in values:
        if quantity is not None:
            kind, note = rng.choice(problems)
            rows.append((kind, note, pk))
        elif grade:
            rows.append(("", rng.choice(awards), pk))
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE records_record SET problem_type = %s, note = %s WHERE id = %s", rows
        )
    print(f"notes written on {len(rows):,} records in {time.perf_counter() - start:.1f}s")
    return True


def timed(
    client: Client, params: dict[str, str], runs: int, **headers: str
) -> tuple[float, float, float, int]:
    """(median wall ms, max wall ms, median CPU ms of this process, queries) of a request.
    The CPU time is the honest figure on a shared machine: other jobs stretch the wall
    time, not the work (on SQLite the database works in this process; on PostgreSQL its
    share is in the server, outside this figure)."""
    url = reverse("dashboard:search")
    for _ in range(2):
        assert client.get(url, params, **headers).status_code == 200
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        client.get(url, params, **headers)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params, **headers)
    return statistics.median(walls), max(walls), statistics.median(cpus), len(queries)


def counts(user: User, text: str) -> tuple[int, int, int]:
    query = selectors.SearchQuery(text=text)
    return (
        selectors.found_units(user=user, query=query).count(),
        selectors.found_people(user=user, query=query).count(),
        selectors.found_records(user=user, query=query).count(),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--check", action="store_true", help="compare with a full scan")
    parser.add_argument("--queries", nargs="*", default=list(QUERIES))
    args = parser.parse_args()
    total = Record.objects.count()
    print(f"database: {connection.vendor}; {total:,} records")
    notes_added = add_notes()
    if search_index is not None and (notes_added or sum(search_index.counts().values()) == 0):
        start = time.perf_counter()
        call_command("rebuild_search_index", verbosity=0)
        print(f"rebuild_search_index: {time.perf_counter() - start:.1f}s")
    user = province_analyst()
    client = Client()
    client.force_login(user)
    print(
        "| query | page: wall median (max), CPU median, ms | results only (htmx): same "
        "| units / people / records |"
    )
    print("|---|---|---|---|")
    for text in args.queries:
        params = {"q": text}
        page = timed(client, params, args.runs)
        results = timed(client, params, args.runs, HTTP_HX_REQUEST="true")
        found = counts(user, text)
        if args.check and search_index is not None:
            matching = search_index.matching
            search_index.matching = lambda **kwargs: None  # type: ignore[assignment]
            try:
                assert counts(user, text) == found, text
            finally:
                search_index.matching = matching  # type: ignore[assignment]
        print(
            f"| {text} ({len(text)}) | {page[0]:.0f} ({page[1]:.0f}), CPU {page[2]:.0f}; "
            f"{page[3]} queries | {results[0]:.0f} ({results[1]:.0f}), CPU {results[2]:.0f} "
            f"| {found[0]:,} / {found[1]:,} / {found[2]:,} |"
        )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
