"""Time one report batch of the demo county's units through the real Huey worker.

Usage:
    .venv/bin/python bench/reports_batch.py [KIND] [--workers 2] [--worker-type thread|process]
                                            [--framework LK] [--period 2026H2] [--fresh]

KIND is a unit kind of report (booklet by default; diagnosis once its builder exists).
Uses a SQLite database in /tmp/qf-bench-batch (``QINGFENG_VAR_DIR``), seeded with the
demo county on the first run (``--fresh`` starts again); the queue is a SQLite file there
too. Starts ``manage.py run_huey`` (the worker production runs) as a child process with
the given workers, starts the batch as the demo's commission account over the county
(``batches.batch_start``, as the page does), and prints the wall time from the start to
the batch's ``done``, the time per unit and the failures. Target (issue 15): 113
diagnoses under 2 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path("/tmp/qf-bench-batch")

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("kind", nargs="?", default="booklet")
parser.add_argument("--workers", type=int, default=2)
parser.add_argument("--worker-type", choices=["thread", "process"], default="thread")
parser.add_argument(
    "--parts", type=int, default=0, help="tasks per batch (default: batches.batch_parts())"
)
parser.add_argument("--framework", default="LK")
parser.add_argument("--period", default="2026H2")
parser.add_argument("--fresh", action="store_true", help="seed a new demo database")
args = parser.parse_args()

if args.fresh:
    shutil.rmtree(VAR_DIR, ignore_errors=True)
VAR_DIR.mkdir(parents=True, exist_ok=True)
os.environ["QINGFENG_VAR_DIR"] = str(VAR_DIR)
os.environ["QINGFENG_HUEY_FILE"] = str(VAR_DIR / "huey.sqlite3")
os.environ.pop("QINGFENG_HUEY_REDIS_URL", None)
os.environ.setdefault("QINGFENG_LOG_LEVEL", "ERROR")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from qingfeng.accounts.models import User  # noqa: E402
from qingfeng.framework.models import Framework  # noqa: E402
from qingfeng.lib.periods import Period  # noqa: E402
from qingfeng.org.models import Region, Unit  # noqa: E402
from qingfeng.reports.batches import batch_parts, batch_start  # noqa: E402
from qingfeng.reports.models import Report, ReportBatch  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        print("Seeding the demo county (once)…", flush=True)
        call_command("seed_demo", verbosity=0)
    framework = Framework.objects.get(code=args.framework)
    period = Period.parse(args.period)
    region = Region.objects.get(level="county")
    actor = User.objects.get(username="commission")
    # Each run generates every report afresh (a regeneration replaces them anyway).
    Report.objects.filter(kind=args.kind, framework=framework, period=str(period)).delete()
    ReportBatch.objects.all().delete()

    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/python"),
            "manage.py",
            "run_huey",
            "--workers",
            str(args.workers),
            "--worker-type",
            args.worker_type,
            "--no-periodic",
            "--max-delay",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # the worker's start (Django setup) is not the batch's time
        began = time.perf_counter()
        with transaction.atomic():
            batch = batch_start(
                kind=args.kind,
                framework=framework,
                period=period,
                region=region,
                actor=actor,
                parts=args.parts or None,
            )
        while True:
            batch.refresh_from_db()
            if batch.status == "done":
                break
            if worker.poll() is not None:
                sys.exit(f"the worker stopped ({worker.returncode})")
            time.sleep(0.2)
        took = time.perf_counter() - began
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=60)
    made = batch.reports.count()
    print(
        f"{args.kind} × {batch.total} units ({args.framework} {period}), "
        f"{args.workers} {args.worker_type} worker(s), {args.parts or batch_parts()} part(s): "
        f"{took:.1f} s "
        f"({took / max(batch.total, 1):.2f} s a unit); made {made}, "
        f"failed {len(batch.failures)}"
    )
    for failure in batch.failures[:5]:
        print(f"  {failure['unit']} {failure['name']}: {failure['error']}")


if __name__ == "__main__":
    main()
