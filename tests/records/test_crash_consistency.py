"""Finding 4 of issue 10: records and the recompute of the periods they touch commit in one
transaction, so a failed recompute or a crash leaves either nothing or correct scores."""

from __future__ import annotations

import datetime
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings

from qingfeng.accounts.models import User
from qingfeng.framework.models import Indicator
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.review import records_approve
from qingfeng.records.services import records_import
from qingfeng.scoring.models import Snapshot
from tests.records.conftest import Setup

ROOT = Path(__file__).resolve().parents[2]


def _break_the_framework(setup: Setup) -> None:
    """A leaf whose stored rule the engine refuses (written past the framework checks, as
    a damaged database would hold it): every recompute of the framework raises."""
    group = Indicator.objects.get(version=setup.version, code="A")
    Indicator.objects.create(
        version=setup.version,
        code="A9",
        name="A9",
        max=1,
        parent=group,
        position=99,
        station=setup.org.station_a,
        rule={"type": "no such rule"},
    )


@pytest.mark.django_db
def test_finding_4_a_failed_recompute_stores_no_imported_records(setup: Setup) -> None:
    _break_the_framework(setup)
    with pytest.raises(ValueError, match="unknown rule type"):
        records_import(
            data=b"unit,indicator,date,points\r\nA1,A3,2025-03-01,9\r\n",
            filename="records.csv",
            framework=setup.framework,
        )
    assert not Record.objects.exists()
    assert not Snapshot.objects.exists()


@pytest.mark.django_db
def test_finding_4_a_failed_recompute_undoes_the_approval(setup: Setup, admin_a: User) -> None:
    record = Record.objects.create(
        framework=setup.framework,
        indicator_code="A3",
        unit=setup.org.unit_a1,
        date=datetime.date(2025, 3, 1),
        points=9,
        status=RecordStatus.SUBMITTED,
        station=setup.org.station_a,
    )
    _break_the_framework(setup)
    with pytest.raises(ValueError, match="unknown rule type"):
        records_approve(records=[record], actor=admin_a)
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED
    assert not Snapshot.objects.exists()


# The subprocess test: a file-based SQLite database of its own, a small organisation and
# framework, an import of a few thousand rows killed with SIGKILL at random points.
UNITS = 40
ROWS = 3000

SETUP = f"""
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator, VersionStatus
from qingfeng.org import services
from qingfeng.org.models import Region, RegionLevel, Station, StationKind, Unit, UnitCategory
region = services.region_save(region=Region(code="C", name="C", level=RegionLevel.COUNTY))
dept = services.category_save(category=UnitCategory(code="government", name="G"))
for n in range({UNITS}):
    services.unit_save(unit=Unit(code=f"U{{n}}", name=f"U{{n}}", category=dept, region=region))
station = services.station_save(
    station=Station(code="ST", name="ST", kind=StationKind.DEPARTMENT, region=region)
)
framework = Framework.objects.create(code="LK", name="LK", region=region)
version = FrameworkVersion.objects.create(
    framework=framework, number=1, name="v", year=2025, status=VersionStatus.PUBLISHED
)
group = Indicator.objects.create(version=version, code="A", name="A", max=60, position=0)
Indicator.objects.create(
    version=version, code="A1", name="A1", max=60, parent=group, position=1, station=station,
    rule={{"type": "deduct", "per": 1, "cap": 60}},
)
"""

# Prints the number of records and whether every stored snapshot of the touched periods
# equals a fresh recompute of the same records.
CHECK = """
import datetime
import json
from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.records.models import Record
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.models import Snapshot
FIELDS = ("unit_id", "total", "raw", "applicable_max", "band", "vetoed", "rank", "components")
def stored(period):
    rows = Snapshot.objects.filter(period=period).order_by("unit_id").values_list(*FIELDS)
    return [list(row) for row in rows]
framework = Framework.objects.get(code="LK")
periods = ["2025", "2025H1", "2025Q1", "2025Q2"]
before = {period: stored(period) for period in periods}
for period in periods:
    period_recompute(framework=framework, period=Period.parse(period))
after = {period: stored(period) for period in periods}
print(json.dumps({"records": Record.objects.count(), "consistent": before == after,
                  "scored": all(before.values())}))
"""


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the subprocess uses a file-based SQLite database of its own",
)
def test_finding_4_kill_9_during_an_import_leaves_nothing_or_correct_scores(
    tmp_path: Path,
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(QINGFENG_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="qingfeng.settings")
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "shell", "-c", SETUP)
    lines = ["unit,indicator,date,points"]
    for n in range(ROWS):
        lines.append(f"U{n % UNITS},A1,2025-{1 + n % 6:02d}-{1 + n % 28:02d},{1 + n % 3}")
    data = tmp_path / "records.csv"
    data.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    database = tmp_path / "qingfeng.sqlite3"
    pristine = tmp_path / "pristine.sqlite3"
    pristine.write_bytes(database.read_bytes())

    # Time one full import, then kill runs at random points spread over it (before the
    # write starts, during the write or the recompute, around the commit), and one run the
    # moment its records become visible to another connection: "right after the commit",
    # where storing the records before recomputing their periods left them unscored.
    command = [sys.executable, "manage.py", "import_records", str(data)]
    command += ["--station", "ST", "--framework", "LK"]
    clock = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True, timeout=120)
    full = time.monotonic() - clock
    outcomes = []
    rng = random.Random()
    points = [rng.uniform(0.1, 0.4), rng.uniform(0.4, 0.8), rng.uniform(0.8, 1.1), None]
    for share in points:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        database.write_bytes(pristine.read_bytes())
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if share is None:
            _wait_for_records(database, process)
        else:
            time.sleep(full * share)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        checked = json.loads(_manage(env, "shell", "-c", CHECK).stdout.strip().splitlines()[-1])
        outcomes.append(checked["records"])
        assert checked["records"] in (0, ROWS), (share, checked)
        if checked["records"]:
            assert checked["scored"] and checked["consistent"], (share, checked)
    print(f"import {full:.1f} s; records after each kill: {outcomes}")


def _wait_for_records(database: Path, process: subprocess.Popen[bytes]) -> None:
    """Return as soon as the import's records are committed (or the import has ended)."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
                if connection.execute("SELECT COUNT(*) FROM records_record").fetchone()[0]:
                    return
        except sqlite3.OperationalError:  # locked for a moment by the writer
            pass
        time.sleep(0.002)


# The approval: the same organisation and framework, APPROVALS submitted records entered by a
# clerk and already scored (submitted records do not count), then a reviewer approves all
# of them in one call, killed with SIGKILL at random points.
APPROVALS = 1000

SUBMITTED = f"""
import datetime
from qingfeng.accounts.models import User
from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station, Unit
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.rescore import period_recompute
clerk = User.objects.create_user(username="clerk", password="x")
User.objects.create_user(username="reviewer", password="x")
framework = Framework.objects.get(code="LK")
station = Station.objects.get(code="ST")
units = list(Unit.objects.order_by("code"))
Record.objects.bulk_create(
    Record(
        framework=framework, indicator_code="A1", unit=units[n % len(units)],
        date=datetime.date(2025, 1 + n % 6, 1 + n % 28), quantity=1 + n % 3,
        status=RecordStatus.SUBMITTED, station=station, created_by=clerk,
    )
    for n in range({APPROVALS})
)
for period in ["2025", "2025H1", "2025Q1", "2025Q2"]:
    period_recompute(framework=framework, period=Period.parse(period))
"""

APPROVE = """
from qingfeng.accounts.models import User
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.review import records_approve
submitted = Record.objects.filter(status=RecordStatus.SUBMITTED).select_related("framework")
reviewer = User.objects.get(username="reviewer")
print("approving", flush=True)
records_approve(records=submitted, actor=reviewer)
print("approved", flush=True)
"""

# Prints how many records are approved and whether every stored snapshot equals a fresh
# recompute (CHECK, whose record count is replaced by the approved count).
CHECK_APPROVED = CHECK.replace(
    '"records": Record.objects.count()',
    '"records": Record.objects.filter(status="approved").count()',
)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the subprocess uses a file-based SQLite database of its own",
)
def test_finding_4_kill_9_during_an_approval_leaves_nothing_or_correct_scores(
    tmp_path: Path,
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(QINGFENG_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="qingfeng.settings")
    _manage(env, "migrate", "--verbosity", "0")
    _manage(env, "shell", "-c", SETUP + SUBMITTED)
    database = tmp_path / "qingfeng.sqlite3"
    pristine = tmp_path / "pristine.sqlite3"
    pristine.write_bytes(database.read_bytes())
    scored = json.loads(_manage(env, "shell", "-c", CHECK_APPROVED).stdout.splitlines()[-1])
    assert scored == {"records": 0, "consistent": True, "scored": True}

    # Time the approval itself (from the moment the script says it starts), then kill
    # runs at random points spread over it: during the status writes, the recompute, and
    # around the commit.
    command = [sys.executable, "manage.py", "shell", "-c", APPROVE]
    full = _approve(command, env, kill_after=None)
    done = json.loads(_manage(env, "shell", "-c", CHECK_APPROVED).stdout.splitlines()[-1])
    assert done == {"records": APPROVALS, "consistent": True, "scored": True}

    outcomes = []
    rng = random.Random()
    # The last run is killed the moment the approval call returns (just after its commit).
    shares = (rng.uniform(0.0, 0.4), rng.uniform(0.4, 0.8), rng.uniform(0.8, 1.05), None)
    for share in shares:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        database.write_bytes(pristine.read_bytes())
        _approve(command, env, kill_after=full * share if share is not None else "returned")
        checked = json.loads(
            _manage(env, "shell", "-c", CHECK_APPROVED).stdout.strip().splitlines()[-1]
        )
        outcomes.append(checked["records"])
        # Either the approval never happened (all still submitted, the earlier scores
        # intact) or all of it did, with scores that count the approved records.
        assert checked["records"] in (0, APPROVALS), (share, checked)
        assert checked["scored"] and checked["consistent"], (share, checked)
    print(f"approval {full:.1f} s; approved after each kill: {outcomes}")


def _approve(command: list[str], env: dict[str, str], *, kill_after: float | str | None) -> float:
    """Run the approval script; with ``kill_after`` seconds, SIGKILL it that long after it
    starts approving; with "returned", the moment the approval call has returned. Returns
    the seconds from the start of the approval to its return."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    # Django's shell may print notes of its own first.
    for line in process.stdout:
        if line.strip() == "approving":
            break
    else:
        raise AssertionError("the approval script never started")
    clock = time.monotonic()
    if isinstance(kill_after, float):
        time.sleep(kill_after)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=120)
        return kill_after
    assert process.stdout.readline().strip() == "approved"
    elapsed = time.monotonic() - clock
    if kill_after == "returned":
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=120)
        return elapsed
    assert process.wait(timeout=120) == 0
    return elapsed
