"""Writes of the warning register: syncing the stored warnings of one period with its
stored snapshots (``warnings_sync``), called after every recompute of the period
(``records.rescore.period_recompute``) and by ``manage.py sync_warnings``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.monitoring.models import Warning, WarningState
from qingfeng.monitoring.selectors_sync import Expected, coverage, expected_warnings

# The fields a sync may change on a stored warning (``synced_at`` says when it last did).
SYNCED_FIELDS = ["node_name", "band", "severity", "score", "max", "rank", "state", "cleared_at"]
HISTORY_REASON = "sync"
BATCH = 1000


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


def _differs(stored: Warning, expected: Expected) -> bool:
    return (
        stored.state != WarningState.ACTIVE
        or stored.node_name != expected.node_name
        or stored.band != expected.band
        or stored.severity != expected.severity
        or stored.score != expected.score
        or stored.max != expected.max
        or stored.rank != expected.rank
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
    stored = {
        (w.unit_id, w.node_code, w.kind): w
        for w in Warning.objects.filter(framework=framework, period=str(period))
    }
    now = timezone.now()
    changed: list[Warning] = []
    for key, warning in stored.items():
        item = expected.get(key)
        if item is None:
            if warning.state == WarningState.ACTIVE:
                warning.state = WarningState.CLEARED
                warning.cleared_at = now
                warning.synced_at = now
                changed.append(warning)
                result.cleared += 1
            continue
        if not _differs(warning, item):
            result.unchanged += 1
            continue
        if warning.state != WarningState.ACTIVE:
            result.reactivated += 1
        warning.state, warning.cleared_at, warning.synced_at = WarningState.ACTIVE, None, now
        warning.node_name, warning.band, warning.severity = item.node_name, item.band, item.severity
        warning.score, warning.max, warning.rank = item.score, item.max, item.rank
        changed.append(warning)
        result.updated += 1
    created = [
        Warning(
            framework=framework,
            period=str(period),
            unit_id=item.unit_id,
            node_code=item.node_code,
            node_name=item.node_name,
            kind=item.kind,
            band=item.band,
            severity=item.severity,
            score=item.score,
            max=item.max,
            rank=item.rank,
            state=WarningState.ACTIVE,
        )
        for key, item in expected.items()
        if key not in stored
    ]
    result.created = len(created)
    result.seconds["compare"] = time.perf_counter() - clock

    clock = time.perf_counter()
    if created:
        bulk_create_with_history(
            created,
            Warning,
            batch_size=BATCH,
            default_change_reason=HISTORY_REASON,
            default_date=now,
        )
    if changed:
        bulk_update_with_history(
            changed,
            Warning,
            [*SYNCED_FIELDS, "synced_at"],
            batch_size=BATCH,
            default_change_reason=HISTORY_REASON,
            default_date=now,
        )
    result.seconds["store"] = time.perf_counter() - clock
    return result
