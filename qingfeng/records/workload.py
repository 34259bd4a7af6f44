"""Station workload: per data station, how many records it produced in a period and how.

Definitions (one row per station of the framework's region subtree that the user sees):

- typed / imported / api: records of the station by ``source``, self-assessments excluded;
- self-assessments: the station's records marked ``self_assessment`` (whatever their source);
- returned: records now returned, or returned at least once before (their history has a
  ``returned`` state), so a corrected and approved record still counts as returned work;
- total: typed + imported + api + self-assessments. Demo records count nowhere.

Records without a station (none in practice: entry, upload and API all set it) are left out.
A period keeps the records dated inside it. Everything is one aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Q

from qingfeng.accounts import selectors as scope
from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station
from qingfeng.records.models import Record, RecordSource, RecordStatus

COLUMNS = ("typed", "imported", "api", "self_assessed", "returned", "total")


@dataclass
class WorkloadRow:
    """One station's counts (``station`` is None on the totals row)."""

    station: Station | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))


def _aggregates() -> dict[str, Count]:
    own = Q(self_assessment=False)
    # The history manager is typed as the descriptor by the stubs.
    history = cast(Any, Record.history)
    ever_returned = Q(status=RecordStatus.RETURNED) | Q(
        pk__in=history.filter(status=RecordStatus.RETURNED).values("id")
    )
    return {
        "typed": Count("pk", filter=own & Q(source=RecordSource.TYPED)),
        "imported": Count("pk", filter=own & Q(source=RecordSource.IMPORTED)),
        "api": Count("pk", filter=own & Q(source=RecordSource.API)),
        "self_assessed": Count("pk", filter=Q(self_assessment=True)),
        "returned": Count("pk", filter=ever_returned),
        "total": Count("pk"),
    }


def station_workload(
    *, user: Any, framework: Framework, period: Period | None
) -> tuple[list[WorkloadRow], WorkloadRow]:
    """The rows (stations by code) and the totals row for ``framework`` and ``period``
    (None: every date)."""
    stations = list(scope.visible_stations(user).within(framework.region).order_by("code"))
    records = Record.objects.filter(framework=framework, station__in=[s.pk for s in stations])
    records = records.exclude(source=RecordSource.DEMO)
    if period is not None:
        records = records.filter(date__gte=period.start, date__lte=period.end)
    counted = {
        row.pop("station"): row
        for row in records.order_by().values("station").annotate(**_aggregates())
    }
    rows = []
    totals = WorkloadRow(station=None)
    for station in stations:
        row = WorkloadRow(station=station)
        row.counts.update(counted.get(station.pk, {}))
        for column in COLUMNS:
            totals.counts[column] += row.counts[column]
        rows.append(row)
    return rows, totals
