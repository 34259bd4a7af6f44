"""What completeness costs a province recompute (issue 13).

Usage (on a COPY of the province bench database; the script writes to it):
    cp -r /tmp/qf-speed-prov /tmp/qf-lead-prov
    QINGFENG_VAR_DIR=/tmp/qf-lead-prov .venv/bin/python manage.py migrate
    QINGFENG_VAR_DIR=/tmp/qf-lead-prov .venv/bin/python bench/completeness_recompute.py

Prepares once: 16 province-level stations owning BENCH's leaves round-robin, 2026Q2 and
2026Q3 closed (due), and approved nil returns for 97 % of 2026Q3's silent tracked cells.
Then scores 2026Q3 with and without the reporting reader, interleaved, twice each, each in
a rolled-back transaction, and prints the timings and the stored completeness.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from qingfeng.framework.models import Framework, FrameworkVersion, Indicator  # noqa: E402
from qingfeng.lib.periods import Period  # noqa: E402
from qingfeng.org.models import Region, Station, StationKind, Unit  # noqa: E402
from qingfeng.records.completeness import reporting_for_scoring, tracked_leaves  # noqa: E402
from qingfeng.records.models import (  # noqa: E402
    CollectionPeriod,
    NilReturn,
    NilReturnStatus,
    NilReturnUnit,
    PeriodStatus,
    Record,
)
from qingfeng.records.periods import new_collection_period  # noqa: E402
from qingfeng.records.selectors import records_for_scoring  # noqa: E402
from qingfeng.scoring.models import Snapshot  # noqa: E402
from qingfeng.scoring.services import score_period  # noqa: E402

PERIOD = Period.parse("2026Q3")


def prepare(framework: Framework, version: FrameworkVersion) -> None:
    """Stations on the leaves, due collection periods and nil returns (once)."""
    province = Region.objects.get(pk=framework.region_id)
    with transaction.atomic():
        if not Station.objects.filter(code__startswith="ST-P-").exists():
            stations = [
                Station.objects.create(
                    code=f"ST-P-{i:02d}",
                    name=f"省级采集站{i}",
                    kind=StationKind.DEPARTMENT,
                    region=province,
                )
                for i in range(16)
            ]
            nodes = Indicator.objects.filter(version=version).order_by("position")
            parents = {node.parent_id for node in nodes}
            for i, leaf in enumerate(node for node in nodes if node.pk not in parents):
                leaf.station = stations[i % 16]
                leaf.save(update_fields=["station"])
        for text in ("2026Q2", "2026Q3"):
            if not CollectionPeriod.objects.filter(framework=framework, period=text).exists():
                new_collection_period(
                    framework=framework, period=Period.parse(text), status=PeriodStatus.CLOSED
                ).save()
        if NilReturn.objects.filter(framework=framework).exists():
            return
        have = set(
            Record.objects.filter(framework=framework, date__gte=PERIOD.start, date__lte=PERIOD.end)
            .values_list("unit_id", "indicator_code")
            .distinct()
        )
        units = list(
            Unit.objects.within(framework.region)
            .filter(active=True)
            .values_list("pk", "category__code")
        )
        rng = random.Random(1)
        lines = []
        for leaf in tracked_leaves(version):
            header = NilReturn.objects.create(
                framework=framework,
                indicator_code=leaf.code,
                period=str(PERIOD),
                station_id=leaf.station_id,
                status=NilReturnStatus.APPROVED,
            )
            for pk, category in units:
                applies = all(category in codes for codes in leaf.applies)  # type: ignore[attr-defined]
                if (pk, leaf.code) not in have and applies and rng.random() < 0.97:
                    lines.append(
                        NilReturnUnit(
                            nil_return=header,
                            unit_id=pk,
                            framework=framework,
                            period=str(PERIOD),
                            indicator_code=leaf.code,
                        )
                    )
        NilReturnUnit.objects.bulk_create(lines, batch_size=5000)
        print(f"prepared: {len(tracked_leaves(version))} tracked leaves, {len(lines)} nil lines")


def main() -> None:
    framework = Framework.objects.get(code="BENCH")
    version = FrameworkVersion.objects.filter(framework=framework).order_by("-number").first()
    assert version is not None
    prepare(framework, version)
    for label, reader in (("without", None), ("with", reporting_for_scoring)) * 2:
        with transaction.atomic():
            started = time.perf_counter()
            result = score_period(
                framework=framework,
                period=PERIOD,
                read_records=records_for_scoring,
                read_reporting=reader,
            )
            seconds = time.perf_counter() - started
            parts = {k: round(v, 2) for k, v in result.seconds.items()}
            print(f"{label} reporting: {seconds:.2f} s {parts}")
            if reader is not None:
                shares = [
                    c
                    for c in Snapshot.objects.filter(
                        version=result.version, period=str(PERIOD)
                    ).values_list("completeness", flat=True)
                    if c is not None
                ]
                mean = sum(shares) / len(shares)
                print(
                    f"  completeness: mean {mean:.4f} over {len(shares)} units, min {min(shares)}"
                )
            transaction.set_rollback(True)


if __name__ == "__main__":
    main()
