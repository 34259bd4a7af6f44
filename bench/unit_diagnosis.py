"""Time the unit diagnosis (诊断书) of the demo county: build + render, as
``reports.services.render_report`` makes it.

Usage:
    .venv/bin/python bench/unit_diagnosis.py [--var DIR] [--all]

Without ``--var`` it makes a throwaway SQLite database in /tmp/qf-bench-unit, migrates it
and seeds the demo county; with ``--var DIR`` it reads the database already seeded there
(``QINGFENG_VAR_DIR``). Prints the first diagnosis's time (matplotlib's first figure and
the template's first read included), the next ten's (one unit each), and with ``--all``
the 113 units' of LK 2026H1 one after the other in this process (a batch on two cores
takes about half). Targets (issue 15): one diagnosis under 2 s; 113 in 2 minutes on two
cores, about 1 s each. Wall and process CPU time are both printed: the CPU time is
steadier when other jobs share the machine.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
args = sys.argv[1:]
if "--var" in args:
    VAR_DIR = Path(args[args.index("--var") + 1])
    SEED = False
else:
    VAR_DIR = Path("/tmp/qf-bench-unit")
    SEED = True
    shutil.rmtree(VAR_DIR, ignore_errors=True)
    VAR_DIR.mkdir(parents=True)
os.environ["QINGFENG_VAR_DIR"] = str(VAR_DIR)
os.environ.setdefault("QINGFENG_LOG_LEVEL", "ERROR")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

if SEED:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)

from qingfeng.accounts.models import User  # noqa: E402
from qingfeng.framework.models import Framework  # noqa: E402
from qingfeng.lib.periods import Period  # noqa: E402
from qingfeng.reports.kinds import Subject  # noqa: E402
from qingfeng.reports.services import render_report  # noqa: E402
from qingfeng.scoring.models import Snapshot  # noqa: E402

PERIOD = "2026H1"


def main() -> None:
    user = User.objects.get(username="analyst")
    framework = Framework.objects.get(code="LK")
    period = Period.parse(PERIOD)
    units = [
        snapshot.unit
        for snapshot in Snapshot.objects.filter(version__framework=framework, period=PERIOD)
        .select_related("unit")
        .order_by("unit__code")
    ]

    def one(unit: object) -> tuple[float, float]:
        subject = Subject(
            framework=framework,
            period=period,
            region=framework.region,
            unit=unit,  # type: ignore[arg-type]
        )
        wall, cpu = time.perf_counter(), time.process_time()
        render_report(kind="diagnosis", subject=subject, user=user)
        return time.perf_counter() - wall, time.process_time() - cpu

    wall, cpu = one(units[0])
    print(f"first diagnosis: {wall:.2f} s wall, {cpu:.2f} s CPU")
    times = [one(unit) for unit in units[1:11]]
    print(
        f"next {len(times)}: {sum(t[0] for t in times) / len(times):.2f} s wall, "
        f"{sum(t[1] for t in times) / len(times):.2f} s CPU each"
    )
    if "--all" in args:
        start = time.perf_counter()
        for unit in units:
            one(unit)
        total = time.perf_counter() - start
        print(
            f"all {len(units)} one after the other: {total:.1f} s ({total / len(units):.2f} s each)"
        )


if __name__ == "__main__":
    main()
