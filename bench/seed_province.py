"""Time ``manage.py seed_demo --scale province`` on a throwaway SQLite database.

Usage: ``.venv/bin/python bench/seed_province.py [--keep]``

Makes a fresh database under ``/tmp/qf-bench`` (``QINGFENG_VAR_DIR``), migrates it, then
times two runs: a first seeding into the empty database, and a second with ``--reset``
(which first deletes the first run's data). Prints the seconds and the counts. The target
is under 120 s for each run on a 2-core machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path("/tmp/qf-bench")
TARGET_SECONDS = 120


def manage(*args: str) -> tuple[float, str]:
    """Run a manage.py command against the bench database; return (seconds, output)."""
    env = {**os.environ, "QINGFENG_VAR_DIR": str(VAR_DIR), "QINGFENG_LOG_LEVEL": "ERROR"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed ({done.returncode})")
    return elapsed, done.stdout


def main() -> None:
    """Fresh database, migrate, seed the province twice (the second with --reset)."""
    shutil.rmtree(VAR_DIR, ignore_errors=True)
    VAR_DIR.mkdir(parents=True)
    manage("migrate", "--verbosity", "0")
    results = []
    for label, extra in (("empty database", ()), ("with --reset", ("--reset",))):
        seconds, output = manage("seed_demo", "--scale", "province", *extra)
        summary = [line for line in output.splitlines() if line.strip()][-2]
        results.append(seconds)
        print(f"seed_demo --scale province ({label}): {seconds:.1f} s")
        print(f"  {summary}")
    verdict = "OK" if max(results) < TARGET_SECONDS else "TOO SLOW"
    print(f"target < {TARGET_SECONDS} s per run: {verdict}")
    if "--keep" not in sys.argv:
        shutil.rmtree(VAR_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
