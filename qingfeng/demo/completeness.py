"""The demo's nil returns (零报告), so that its completeness tells a story (issue 13):

- every data station has answered for every closed quarter: for each tracked leaf
  (``records.completeness.tracked_leaves``) and each unit it answers for with no approved
  record in the quarter, an approved nil return says "nothing to report";
- 2026Q3 (the demo's last scored quarter) is still open and its entry deadline
  (2026-10-15) has passed: every station has filed for it except ``LATE_STATION`` (县信访局),
  which is late, so its units show as unreported and its clerk can still file;
- the open current quarter (2026Q4) is partly filed: every other station with tracked
  leaves has filed its nil returns (``PARTIAL_REVIEWED``'s still wait for review), the
  others (the demo clerk's 县委组织部 among them) have not yet.

Rows are written directly, in bulk (one ``executemany`` per table, as the demo's records
are), each nil return with its "created" history row; the lines (``NilReturnUnit``) have
no history of their own. The completeness rules are called, never copied.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from qingfeng.demo import CHANGE_REASON
from qingfeng.demo.pending import CLERK_STATION
from qingfeng.demo.records import _insert
from qingfeng.framework.models import Framework, FrameworkVersion
from qingfeng.framework.selectors import version_in_force
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station, Unit
from qingfeng.records.completeness import (
    UnitIndex,
    leaf_applies,
    record_pairs,
    station_regions,
    tracked_leaves,
)
from qingfeng.records.models import (
    NilReturn,
    NilReturnStatus,
    NilReturnUnit,
    RecordSource,
    RecordStatus,
)

LATE_STATION = "ST-PETITION"  # 县信访局: has not reported for the late quarter
NOTE = "本季度无相关情况，零报告"


def _cells(
    version: FrameworkVersion | None, index: UnitIndex, categories: list[str]
) -> dict[tuple[str, str], list[int]]:
    """(station code, leaf code) -> the unit ids the station answers for on the leaf."""
    if version is None:
        return {}
    leaves = tracked_leaves(version)
    regions = station_regions(int(leaf.station_id or 0) for leaf in leaves)
    codes = dict(Station.objects.filter(pk__in=regions).values_list("pk", "code"))
    found: dict[tuple[str, str], list[int]] = {}
    for leaf in leaves:
        station = int(leaf.station_id or 0)
        inside = index.within(regions[station])
        units = [
            int(index.ids[row])
            for row in np.flatnonzero(inside).tolist()
            if leaf_applies(leaf, categories[row])
        ]
        if units:
            found[(codes[station], leaf.code)] = units
    return found


def _filed_partly(stations: Sequence[str]) -> tuple[set[str], str]:
    """The stations that have filed for the open quarter (every other one by code, not
    the demo clerk's nor the late one), and the one whose returns still wait for review."""
    candidates = [code for code in sorted(stations) if code not in (CLERK_STATION, LATE_STATION)]
    filed = set(candidates[::2])
    return filed, min(filed) if filed else ""


def demo_nil_returns_create(
    *, frameworks: Sequence[Framework], closed: Sequence[Period], late: Period
) -> int:
    """Seed the approved nil returns of the ``closed`` quarters and of the ``late`` one
    (every station but ``LATE_STATION``); returns how many nil returns were created. Run
    before the demo is scored: the scores count them."""
    return _create(frameworks=frameworks, periods=[*closed, late], late=late, open_now=None)


def demo_nil_returns_partial(*, frameworks: Sequence[Framework], period: Period) -> int:
    """Seed the nil returns of the open quarter ``period`` for some stations (see the
    module), on the cells with no record in any state; returns how many. Run after the
    demo's work in progress (``demo.pending``), whose records they must leave alone."""
    return _create(frameworks=frameworks, periods=[period], late=None, open_now=period)


def _create(
    *,
    frameworks: Sequence[Framework],
    periods: Sequence[Period],
    late: Period | None,
    open_now: Period | None,
) -> int:
    now = timezone.now()
    headers: list[dict[str, object]] = []
    lines: list[dict[str, object]] = []
    first = (NilReturn.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    station_ids = dict(Station.objects.values_list("code", "pk"))
    for framework in frameworks:
        rows = sorted(
            Unit.objects.within(framework.region)
            .filter(active=True)
            .values_list("pk", "category__code")
        )
        index = UnitIndex.of(np.array([pk for pk, _c in rows], dtype=np.int64))
        categories = [c for _pk, c in rows]
        by_version: dict[int | None, dict[tuple[str, str], list[int]]] = {}
        for period in periods:
            version = version_in_force(framework=framework, period=period)
            key = version.pk if version is not None else None
            if key not in by_version:  # the demo's quarters share one version
                by_version[key] = _cells(version, index, categories)
            cells = by_version[key]
            statuses: list[str] = [RecordStatus.APPROVED]
            filed: set[str] = set()
            waiting = ""
            if period == open_now:  # work in progress there: leave any record's cell alone
                statuses = list(RecordStatus.values)
                filed, waiting = _filed_partly(sorted({station for station, _leaf in cells}))
            entered = set(
                record_pairs(
                    framework=framework, start=period.start, end=period.end, statuses=statuses
                )
            )
            for (station, leaf), units in sorted(cells.items()):
                if period == late and station == LATE_STATION:
                    continue
                if period == open_now and station not in filed:
                    continue
                nil_units = [unit for unit in units if (unit, leaf) not in entered]
                if not nil_units:
                    continue
                pk = first + len(headers)
                submitted = period == open_now and station == waiting
                headers.append(
                    {
                        "id": pk,
                        "framework_id": framework.pk,
                        "indicator_code": leaf,
                        "period": str(period),
                        "station_id": station_ids[station],
                        "status": (
                            NilReturnStatus.SUBMITTED if submitted else NilReturnStatus.APPROVED
                        ).value,
                        "source": RecordSource.DEMO.value,
                        "note": NOTE,
                        "created_at": now,
                        "reviewed_at": None if submitted else now,
                    }
                )
                lines.extend(
                    {
                        "nil_return_id": pk,
                        "unit_id": unit,
                        "framework_id": framework.pk,
                        "period": str(period),
                        "indicator_code": leaf,
                    }
                    for unit in nil_units
                )
    _insert(NilReturn, headers)
    history = {"history_date": now, "history_type": "+", "history_change_reason": CHANGE_REASON}
    _insert(NilReturn.history.model, [row | history for row in headers])  # type: ignore[attr-defined]
    _insert(NilReturnUnit, lines)
    _reset_sequence()
    return len(headers)


def _reset_sequence() -> None:
    """The ids were given: move the sequence past them (PostgreSQL)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [NilReturn]):
            cursor.execute(sql)


def demo_nil_returns_reset() -> None:
    """Delete every nil return (before the frameworks and stations they refer to), each
    with its "deleted" history row; their lines go with them."""
    deleted = {
        "history_date": timezone.now(),
        "history_type": "-",
        "history_change_reason": CHANGE_REASON,
    }
    rows = [row | deleted for row in NilReturn.objects.values()]
    _insert(NilReturn.history.model, rows)  # type: ignore[attr-defined]
    with connection.cursor() as cursor:
        for model in (NilReturnUnit, NilReturn):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
