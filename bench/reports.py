"""Time single reports (issue 15): one unit diagnosis and the annual analysis of the demo
county, made exactly as the pages make them (``reports.services.render_report``: the
builder reading the dashboard selectors, the charts, the template rendered).

Usage:

    .venv/bin/python bench/reports.py [--repeat 5]

It seeds the demo county into ``/tmp/qf-bench-reports`` the first time (about 15 s) and
reuses it afterwards. Each report is made once to warm up (imports, matplotlib's font
cache), then ``--repeat`` times; the median and the worst are printed in seconds.
Targets: one diagnosis under 2 s; the annual analysis of the county under 10 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VAR = Path("/tmp/qf-bench-reports")
os.environ.setdefault("QINGFENG_VAR_DIR", str(VAR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from qingfeng.accounts.models import User  # noqa: E402
from qingfeng.framework.models import Framework  # noqa: E402
from qingfeng.lib.periods import Period  # noqa: E402
from qingfeng.org.models import Unit  # noqa: E402
from qingfeng.reports.kinds import Subject  # noqa: E402
from qingfeng.reports.services import render_report  # noqa: E402


def seeded() -> None:
    """The demo county in the bench's own database (seeded once)."""
    VAR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        call_command("seed_demo", verbosity=0)


def timed(label: str, make: Callable[[], int], repeat: int) -> None:
    make()
    seconds = []
    size = 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = make()
        seconds.append(time.perf_counter() - start)
    print(
        f"{label:<46} median {statistics.median(seconds):6.2f} s   "
        f"worst {max(seconds):6.2f} s   ({size // 1024} KB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    seeded()
    analyst = User.objects.get(username="analyst")
    framework = Framework.objects.get(code="LK")
    unit = Unit.objects.filter(snapshots__version__framework=framework).order_by("code").first()
    assert unit is not None

    def diagnosis() -> int:
        subject = Subject(
            framework=framework, period=Period.parse("2026H1"), region=framework.region, unit=unit
        )
        return len(render_report(kind="diagnosis", subject=subject, user=analyst)[1])

    def annual() -> int:
        subject = Subject(framework=framework, period=Period.parse("2025"), region=framework.region)
        return len(render_report(kind="analysis_annual", subject=subject, user=analyst)[1])

    print(f"Demo county, framework {framework.code}, as 'analyst' ({os.cpu_count()} cores)")
    timed(f"diagnosis of {unit.name}, 2026H1", diagnosis, args.repeat)
    timed("annual analysis of the county, 2025", annual, args.repeat)


if __name__ == "__main__":
    main()
