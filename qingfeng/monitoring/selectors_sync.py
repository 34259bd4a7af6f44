"""What the warning register should hold for one period, read off the stored snapshots in
one pass (``monitoring.services.warnings_sync`` makes the stored warnings match it), and
whether the register holds a period at all.

Kept apart from ``monitoring.selectors`` (the register's reads for the pages) because
it reads the snapshots, not the register.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Case, F, When
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework, FrameworkVersion
from qingfeng.framework.selectors import ordered_indicators, severity_of, version_in_force
from qingfeng.lib.periods import Period
from qingfeng.monitoring.models import WarningKind, WarningPolicy
from qingfeng.monitoring.policy import policy_for
from qingfeng.scoring.models import Snapshot

# (unit pk, node code ("" = the total), kind): the register's key within a period.
Key = tuple[int, str, str]


@dataclass(frozen=True)
class Expected:
    """One warning as the snapshots say it should be."""

    unit_id: int
    node_code: str
    node_name: str
    kind: str
    band: str
    severity: int
    score: float | None
    max: float | None
    rank: int | None

    @property
    def key(self) -> Key:
        return (self.unit_id, self.node_code, self.kind)


@dataclass(frozen=True)
class Coverage:
    """Whether the register holds a framework's period: only ended periods of the kind
    the version's policy names; ``reason`` says why not, in words for the pages."""

    version: FrameworkVersion | None
    policy: WarningPolicy | None
    registered: bool
    reason: str = ""


def registered_in(*, policy: WarningPolicy, period: Period, today: datetime.date) -> bool:
    """Whether the register holds ``period`` under ``policy``: ended before ``today``
    and of the policy's kind (``coverage`` for one period, this for many)."""
    return period.kind == policy.period_kind and period.end < today


def coverage(
    *, framework: Framework, period: Period, today: datetime.date | None = None
) -> Coverage:
    """Whether the register holds ``period`` of ``framework`` (see ``Coverage``)."""
    version = version_in_force(framework=framework, period=period)
    if version is None:
        return Coverage(None, None, False, _("no published version is in force"))
    policy = policy_for(version)
    if period.kind != policy.period_kind:
        return Coverage(
            version,
            policy,
            False,
            _("this version raises warnings for %(kind)s periods only")
            % {"kind": policy.get_period_kind_display()},
        )
    today = today or timezone.localdate()
    if period.end >= today:
        return Coverage(version, policy, False, _("the period has not ended"))
    return Coverage(version, policy, True)


def expected_warnings(*, version: FrameworkVersion, period: Period, policy: Any) -> list[Expected]:
    """Every warning the snapshots of ``version`` and ``period`` call for: unit totals
    in a warning band, vetoed units (kind veto, instead of their total's band warning,
    as the overview lists them), level-1 nodes in a warning band and, when the policy has
    ``call_in_last``, the last N units of each category by category rank (kind call_in).

    One query over the period's snapshots, read with a plain cursor; the level-1 nodes
    come from each snapshot's small ``level_one`` lists (``nodes``, ten times larger, is
    read only for a snapshot stored before those lists existed)."""
    severity = severity_of(version)
    vetoed_severity = max(severity.values(), default=0) + 1
    scale = float(version.scale)
    top_nodes = [
        (i, node) for i, node in enumerate(ordered_indicators(version)) if node.parent_id is None
    ]
    # (index in the tree, index among the level-1 nodes, code, name)
    level_one = [
        (i, position, node.code, node.name) for position, (i, node) in enumerate(top_nodes)
    ]
    snapshots = (
        Snapshot.objects.filter(version=version, period=str(period))
        .order_by()
        .annotate(older_nodes=Case(When(level_one__isnull=True, then=F("nodes")), default=None))
    )
    fixed = ("unit_id", "band", "vetoed", "total", "category", "category_rank", "level_one")
    # A plain cursor and one ``json.loads`` a row: cheaper than Django's converters, and
    # than extracting 30 values in SQL (SQLite parses the row's JSON once per value).
    sql, params = snapshots.values_list(*fixed, "older_nodes").query.sql_with_params()
    with connections[snapshots.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: list[Expected] = []
    by_category: dict[str, list[tuple[int, int, str, int, float | None]]] = defaultdict(list)
    for unit_id, band, vetoed, total, category, category_rank, top, nodes in rows:
        band = band or ""
        level = severity.get(band, 0)
        if vetoed:
            found.append(
                Expected(
                    unit_id, "", "", WarningKind.VETO, band, vetoed_severity, total, scale,
                    category_rank,
                )
            )  # fmt: skip
        elif level > 0:
            found.append(
                Expected(
                    unit_id, "", "", WarningKind.BAND, band, level, total, scale, category_rank
                )
            )  # fmt: skip
        lists = _decoded(top if top is not None else nodes)
        bands, scores, maxima = (lists.get(key) or [] for key in ("band", "score", "max"))
        for i, position, code, name in level_one:
            at = position if top is not None else i
            node_band = (bands[at] if at < len(bands) else None) or ""
            node_level = severity.get(node_band, 0)
            if node_level > 0:
                found.append(
                    Expected(
                        unit_id, code, name, WarningKind.BAND, node_band, node_level,
                        scores[at], maxima[at], category_rank,
                    )
                )  # fmt: skip
        if category_rank is not None:
            by_category[category].append((category_rank, unit_id, band, level, total))
    last = policy.call_in_last or 0
    if last > 0:
        for ranked in by_category.values():
            ranked.sort(reverse=True)  # the last rank first
            for category_rank, unit_id, band, level, total in ranked[:last]:
                found.append(
                    Expected(
                        unit_id,
                        "",
                        "",
                        WarningKind.CALL_IN,
                        band,
                        level,
                        total,
                        scale,
                        category_rank,
                    )
                )
    return found


def _decoded(value: Any) -> dict[str, Any]:
    """A JSON column as a plain cursor gives it: text, or already decoded, or NULL."""
    if isinstance(value, str):
        return json.loads(value)
    return value or {}
