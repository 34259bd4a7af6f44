"""Time the problem ledger's file exchange and feedback on the demo county.

Usage:
    .venv/bin/python bench/ledger_io.py [--problems 50000] [--import-rows 2000]

It builds a throwaway SQLite database in /tmp/qf-ledger-bench (QINGFENG_VAR_DIR): migrate,
seed_demo (the county), then adds ``--problems`` problems over the county's units (bulk,
without steps: only the export and the feed read them) and times

- the .xlsx export of the whole ledger as the commission administrator sees it
  (``rectification.export.ledger_workbook``, the streaming writer);
- the import of a sheet of ``--import-rows`` problems (``problems_import``, each row
  through ``problem_create`` with its step and history, in one transaction);
- the feedback of LK's two fed leaves for 2026Q3 (``feed_ledger``, with the recompute).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import shutil
import sys
import time
from pathlib import Path

VAR_DIR = Path("/tmp/qf-ledger-bench")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["QINGFENG_VAR_DIR"] = str(VAR_DIR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
os.environ["QINGFENG_DEBUG"] = "0"
os.environ.setdefault("QINGFENG_SECRET_KEY", "bench-only-" + "x" * 40)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=int, default=50_000)
    parser.add_argument("--import-rows", type=int, default=2_000)
    args = parser.parse_args()
    shutil.rmtree(VAR_DIR, ignore_errors=True)
    VAR_DIR.mkdir(parents=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from openpyxl import Workbook, load_workbook

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)

    from qingfeng.accounts.models import User
    from qingfeng.framework.models import Framework
    from qingfeng.lib.periods import Period
    from qingfeng.org.models import Unit
    from qingfeng.rectification.export import ledger_workbook
    from qingfeng.rectification.feedback import feed_ledger
    from qingfeng.rectification.import_services import problems_import
    from qingfeng.rectification.models import Problem, ProblemSource, ProblemState
    from qingfeng.rectification.selectors import visible_problems

    rng = random.Random(12)
    units = list(Unit.objects.filter(active=True))
    sources = [ProblemSource.INSPECTION, ProblemSource.AUDIT, ProblemSource.SUPERVISION]
    start = datetime.date(2026, 1, 1)
    problems = []
    for n in range(args.problems):
        due = start + datetime.timedelta(days=rng.randrange(365))
        closed = rng.random() < 0.6
        closed_day = due + datetime.timedelta(days=rng.randrange(-30, 20))
        problems.append(
            Problem(
                number=f"2025-{n + 1:06d}",
                unit=rng.choice(units),
                source=rng.choice(sources),
                description=f"=问题描述 {n}，" + "整改" * rng.randrange(1, 20),
                due=due,
                state=ProblemState.CLOSED if closed else ProblemState.OPEN,
                closed_at=timezone.make_aware(
                    datetime.datetime.combine(closed_day, datetime.time(15))
                )
                if closed
                else None,
            )
        )
    Problem.objects.bulk_create(problems, batch_size=2000)
    commission = User.objects.get(username="commission")

    began = time.perf_counter()
    data = ledger_workbook(problems=visible_problems(commission).order_by("due", "id"))
    export = time.perf_counter() - began
    rows = sum(1 for _ in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows())
    print(f"export: {rows - 1} problems, {len(data) / 2**20:.1f} MB in {export:.2f} s")

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["单位", "问题来源", "问题描述", "整改期限", "外部编号"])
    for n in range(args.import_rows):
        sheet.append(
            [rng.choice(units).code, "审计", f"审计发现问题 {n}", "2026年12月31日", f"SJ-{n}"]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    began = time.perf_counter()
    result = problems_import(data=buffer.getvalue(), filename="b.xlsx", actor=commission)
    took = time.perf_counter() - began
    per_row = 1000 * took / max(result.created, 1)
    print(f"import: {result.created} problems in {took:.2f} s ({per_row:.1f} ms a row)")
    began = time.perf_counter()
    again = problems_import(data=buffer.getvalue(), filename="b.xlsx", actor=commission)
    print(f"re-import: {again.skipped} skipped in {time.perf_counter() - began:.2f} s")

    lk = Framework.objects.get(code="LK")
    began = time.perf_counter()
    fed = feed_ledger(framework=lk, period=Period(2026, "Q", 3), allow_closed=True)
    print(
        f"feed LK 2026Q3: {fed.created} created, {fed.updated} updated in "
        f"{time.perf_counter() - began:.2f} s (with the recompute)"
    )


if __name__ == "__main__":
    main()
