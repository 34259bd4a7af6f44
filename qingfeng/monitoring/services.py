"""Writes of the warning register: syncing the stored warnings of one period with its
stored snapshots (``warnings_sync``), called after every recompute of the period
(``records.rescore.period_recompute``) and by ``manage.py sync_warnings``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.monitoring.models import Warning, WarningState
from qingfeng.monitoring.selectors_sync import Expected, coverage, expected_warnings

BATCH = 2000
ID_BATCH = 500  # ids in one ``IN (…)``: well within SQLite's limit on parameters

# The fields a sync may change on a stored warning (``synced_at`` says when it last did).
SYNCED_FIELDS = ["node_name", "band", "severity", "score", "max", "rank", "state", "cleared_at"]
HISTORY_REASON = "sync"


@dataclass
class SyncResult:
    """What one sync did: ``synced`` is False (with ``reason``) when the register does
    not hold the period (not ended, not of the policy's kind, no version in force)."""

    framework: str
    period: str
    synced: bool
    reason: str = ""
    created: int = 0
    updated: int = 0  # changed figures, or raised again after being cleared
    reactivated: int = 0  # of ``updated``: cleared warnings raised again
    cleared: int = 0
    unchanged: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.cleared


class _Table:
    """Plain rows of ``Warning`` and of its history, written with one ``executemany``
    each: a province period holds ~100,000 warnings, and building model instances for
    ``bulk_create_with_history`` / ``bulk_update_with_history`` cost a minute where
    these take seconds. The rows are exactly what those would write (every change with
    its history row: "+" created, "~" changed, the change reason "sync")."""

    def __init__(self) -> None:
        self.connection = connections[Warning.objects.db]
        self.quote = self.connection.ops.quote_name
        self.fields = {f.attname: f for f in Warning._meta.concrete_fields}
        self.names = list(self.fields)  # id first
        self.history = get_history_manager_for_model(Warning).model

    def compared(self, *, framework: Framework, period: Period) -> list[tuple[Any, ...]]:
        """The period's stored rows, only the columns a sync compares (``COMPARED``
        order): a province period holds ~130,000 warnings, and converting their three
        timestamps took a third of the sync when nothing had changed."""
        rows = Warning.objects.filter(framework=framework, period=str(period)).order_by()
        return self._fetch(rows.values_list(*COMPARED))

    def whole(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """The rows with these ids, every column (``names`` keys), as the database gives
        them: what a changed warning's update and history row start from."""
        found: dict[int, dict[str, Any]] = {}
        for start in range(0, len(ids), ID_BATCH):
            rows = Warning.objects.filter(pk__in=ids[start : start + ID_BATCH]).order_by()
            for values in self._fetch(rows.values_list(*self.names)):
                found[values[0]] = dict(zip(self.names, values, strict=True))
        return found

    def _fetch(self, rows: Any) -> list[tuple[Any, ...]]:
        # A raw cursor: the values go back to the database as they came, so Django's
        # per-row converters would only cost time.
        sql, params = rows.query.sql_with_params()
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def prep(self, name: str, value: Any) -> Any:
        return self.fields[name].get_db_prep_save(value, self.connection)

    def execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])

    def insert(self, names: list[str], rows: list[tuple[Any, ...]], *, history: bool) -> None:
        if not rows:
            return
        table = (self.history if history else Warning)._meta.db_table
        columns = ", ".join(self.quote(name) for name in names)
        marks = ", ".join(["%s"] * len(names))
        self.execute_many(f"INSERT INTO {self.quote(table)} ({columns}) VALUES ({marks})", rows)

    def update(self, rows: list[tuple[Any, ...]]) -> None:
        """``rows``: the ``SYNCED_FIELDS`` and ``synced_at`` values, then the id."""
        if not rows:
            return
        sets = ", ".join(f"{self.quote(name)} = %s" for name in [*SYNCED_FIELDS, "synced_at"])
        table = self.quote(Warning._meta.db_table)
        self.execute_many(f"UPDATE {table} SET {sets} WHERE {self.quote('id')} = %s", rows)

    def write_history(self, rows: list[dict[str, Any]], kind: str, now: Any) -> None:
        """One history row per warning row (``names`` keys, database values)."""
        extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
        date = self.history._meta.get_field("history_date").get_db_prep_save(now, self.connection)
        self.insert(
            [*self.names, *extra],
            [(*(row[n] for n in self.names), date, HISTORY_REASON, kind, None) for row in rows],
            history=True,
        )


# The columns a sync compares (``_Table.compared``), and their positions in its rows.
COMPARED = [
    "id", "unit_id", "node_code", "node_name", "kind", "band", "severity", "score", "max",
    "rank", "state",
]  # fmt: skip
ID, UNIT, NODE, NAME, KIND, BAND, SEVERITY, SCORE, MAX, RANK, STATE = range(len(COMPARED))


def _same(row: tuple[Any, ...], expected: Expected) -> bool:
    """The stored row is active with the expected figures (floats compare exactly: both
    are the snapshot's stored, rounded values)."""
    return (
        row[STATE] == "active"
        and row[SEVERITY] == expected.severity
        and row[SCORE] == expected.score
        and row[MAX] == expected.max
        and row[BAND] == expected.band
        and row[RANK] == expected.rank
        and row[NAME] == expected.node_name
    )


@transaction.atomic
def warnings_sync(*, framework: Framework, period: Period) -> SyncResult:
    """Make the stored warnings of ``framework``'s ``period`` match its stored snapshots
    (of the version in force), for an ended period of the kind the version's policy names;
    otherwise do nothing and say why.

    The snapshots are read in one pass (``selectors_sync.expected_warnings``). New
    warnings are created active; existing ones get the new score, max, band, severity and
    rank, and are raised again if they had been cleared; active ones the snapshots no
    longer call for become cleared (``cleared_at`` set), never deleted, so their responses
    stay. Everything in bulk, each change with its history row; a sync that changes
    nothing writes nothing (so a second run adds no row and no history)."""
    result = SyncResult(framework=framework.code, period=str(period), synced=False)
    covered = coverage(framework=framework, period=period)
    if not covered.registered or covered.version is None:
        result.reason = covered.reason
        return result
    result.synced = True
    clock = time.perf_counter()
    expected = {
        item.key: item
        for item in expected_warnings(version=covered.version, period=period, policy=covered.policy)
    }
    result.seconds["read_snapshots"] = time.perf_counter() - clock

    clock = time.perf_counter()
    table = _Table()
    now = timezone.now()
    now_db = table.prep("synced_at", now)
    names = table.names
    # {id: the new values} of each stored warning that changes.
    changes: dict[int, dict[str, Any]] = {}
    seen: set[tuple[int, str, str]] = set()
    for values in table.compared(framework=framework, period=period):
        key = (values[UNIT], values[NODE], values[KIND])
        seen.add(key)
        item = expected.get(key)
        if item is None:
            if values[STATE] == "active":
                changes[values[ID]] = {
                    "state": str(WarningState.CLEARED),
                    "cleared_at": now_db,
                    "synced_at": now_db,
                }
                result.cleared += 1
            continue
        if _same(values, item):
            result.unchanged += 1
            continue
        if values[STATE] != "active":
            result.reactivated += 1
        changes[values[ID]] = dict(
            state=str(WarningState.ACTIVE),
            cleared_at=None,
            synced_at=now_db,
            node_name=item.node_name,
            band=item.band,
            severity=item.severity,
            score=table.prep("score", item.score),
            max=table.prep("max", item.max),
            rank=item.rank,
        )
        result.updated += 1
    stored = table.whole(list(changes))
    changed = [{**stored[pk], **values} for pk, values in changes.items()]
    new = [item for key, item in expected.items() if key not in seen]
    result.created = len(new)
    result.seconds["compare"] = time.perf_counter() - clock

    clock = time.perf_counter()
    table.update([(*(row[n] for n in [*SYNCED_FIELDS, "synced_at"]), row["id"]) for row in changed])
    table.write_history(changed, "~", now)
    if new:
        fixed = {
            "framework_id": framework.pk,
            "period": str(period),
            "state": str(WarningState.ACTIVE),
            "raised_at": now_db,
            "cleared_at": None,
            "synced_at": now_db,
        }
        rows = [
            {
                **fixed,
                "unit_id": item.unit_id,
                "node_code": item.node_code,
                "node_name": item.node_name,
                "kind": str(item.kind),
                "band": item.band,
                "severity": item.severity,
                "score": table.prep("score", item.score),
                "max": table.prep("max", item.max),
                "rank": item.rank,
            }
            for item in new
        ]
        columns = names[1:]  # without the id
        table.insert(columns, [tuple(row[n] for n in columns) for row in rows], history=False)
        result.seconds["insert"] = time.perf_counter() - clock
        # The new rows' ids, for their history rows.
        ids = {
            (unit, node, kind): pk
            for pk, unit, node, kind in Warning.objects.filter(
                framework=framework, period=str(period)
            ).values_list("id", "unit_id", "node_code", "kind")
        }
        for row in rows:
            row["id"] = ids[(row["unit_id"], row["node_code"], row["kind"])]
        result.seconds["select_ids"] = time.perf_counter() - clock - result.seconds["insert"]
        table.write_history(rows, "+", now)
    result.seconds["store"] = time.perf_counter() - clock
    return result
