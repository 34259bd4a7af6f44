"""Reads of scores, always through the user's scope where a user is involved."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Case, Count, FloatField, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from qingfeng.accounts import selectors as scope
from qingfeng.framework.models import Framework, FrameworkVersion
from qingfeng.framework.selectors import ordered_indicators, version_in_force
from qingfeng.lib.periods import Period, latest_ended, period_sort_key
from qingfeng.scoring.models import Snapshot


def period_snapshots(*, framework: Framework, period: Period) -> QuerySet[Snapshot]:
    """All snapshots of the version in force for the period (no scope: for commands)."""
    version = version_in_force(framework=framework, period=period)
    if version is None:
        return Snapshot.objects.none()
    return Snapshot.objects.filter(version=version, period=str(period))


def visible_snapshots(*, user: Any, framework: Framework, period: Period) -> QuerySet[Snapshot]:
    """The period's snapshots of the units the user sees."""
    return period_snapshots(framework=framework, period=period).filter(
        unit__in=scope.visible_units(user).values("pk")
    )


def scored_periods(framework: Framework) -> list[str]:
    """Periods with stored scores, newest end first; among periods ending together the
    longer first (2026, 2026H2, 2026Q4): ``lib.periods.period_sort_key``."""
    periods = set(
        Snapshot.objects.filter(version__framework=framework)
        .order_by()  # without it the model's default ordering joins the DISTINCT
        .values_list("period", flat=True)
        .distinct()
    )
    return sorted(periods, key=period_sort_key)


def latest_period(framework: Framework) -> str | None:
    """The framework's latest scored period that has ended (a period in progress has only
    part of its data), else its latest scored one; None when nothing is scored yet. The one
    answer to "which period do we show by default", for every page."""
    return latest_ended(scored_periods(framework), today=timezone.localdate())


def score_rows(snapshots: QuerySet[Snapshot], version: FrameworkVersion) -> list[dict[str, Any]]:
    """The docs/design.md JSON shape, one object per unit, ordered by rank (unranked last).

    ``completeness`` is the unit's share of reported tracked leaves (None: nothing owed);
    an unreported leaf carries ``"unreported": true`` under ``nodes``, and is listed even
    when the strict rule left it without a score (score, max and band null)."""
    codes = node_codes(version)
    rows = []
    for snap in snapshots.select_related("unit").order_by("rank", "unit__code"):
        nodes: dict[str, dict[str, Any]] = {
            code: {"score": score, "max": maximum, "band": band}
            for code, (score, maximum, band) in snap.node_results(codes).items()
        }
        for code in unreported_codes(nodes=snap.nodes, codes=codes):
            nodes.setdefault(code, {"score": None, "max": None, "band": None})["unreported"] = True
        # Tree order, whichever way a node got in (the strict rule's unreported leaves).
        nodes = {code: nodes[code] for code in codes if code in nodes}
        rows.append(
            {
                "unit": snap.unit.code,
                "category": snap.category,
                "total": snap.total,
                "raw": snap.raw,
                "applicable_max": snap.applicable_max,
                "band": snap.band or None,
                "rank": snap.rank,
                "category_rank": snap.category_rank,
                "vetoed": snap.vetoed,
                "completeness": snap.completeness,
                "nodes": nodes,
            }
        )
    rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["unit"]))
    return rows


def node_codes(version: FrameworkVersion) -> list[str]:
    """The version's indicator codes in tree order (the order of a snapshot's node lists)."""
    return [node.code for node in ordered_indicators(version)]


# ---------------------------------------------------------------------------- completeness


def unreported_indexes(nodes: dict[str, Any] | None) -> list[int]:
    """The tree-order indexes of the leaves a snapshot's ``nodes`` mark unreported (no data
    station reported on them for the unit: docs/completeness.md); [] when none."""
    return list((nodes or {}).get("unreported") or [])


def unreported_codes(*, nodes: dict[str, Any] | None, codes: list[str]) -> list[str]:
    """The codes of the leaves a snapshot marks unreported, in tree order; ``codes`` are the
    version's codes in tree order (``node_codes``)."""
    return [codes[i] for i in unreported_indexes(nodes) if 0 <= i < len(codes)]


def is_fully_reported(completeness: float | None) -> bool:
    """Whether a unit's data is complete: every tracked leaf it is owed was reported, or
    nothing is owed at all (None: no data station answers for it, so nothing is missing)."""
    return completeness is None or completeness >= 1.0


def completeness_percent(completeness: float | None) -> int | None:
    """A completeness (0–1) in whole per cent as the pages show it: rounded down, so only
    complete data reads 100 % (0.996 reads 99 %); None when nothing is owed."""
    if completeness is None:
        return None
    if is_fully_reported(completeness):
        return 100
    return min(math.floor(completeness * 100), 99)


def fully_reported_q(prefix: str = "") -> Q:
    """The snapshots of fully reported units (``is_fully_reported``) as a filter."""
    return Q(**{f"{prefix}completeness__isnull": True}) | Q(**{f"{prefix}completeness__gte": 1.0})


@dataclass(frozen=True)
class PeriodCompleteness:
    """The completeness of a set of snapshots (one period's units, under a page's filters).

    ``rate`` is the mean of the units' completeness over the units that are owed something
    (None when none is): each unit weighs the same, whatever the number of leaves it is
    owed; a share of all owed (unit, leaf) cells would need each unit's owed count, which
    snapshots do not store. ``owed`` counts those units, ``incomplete`` those with a leaf
    unreported."""

    rate: float | None
    owed: int
    incomplete: int

    @property
    def complete(self) -> bool:
        """Nothing owed is missing (also when nothing was owed)."""
        return self.incomplete == 0

    @property
    def percent(self) -> int | None:
        """``rate`` as the pages show it (``completeness_percent``)."""
        return completeness_percent(self.rate)


COMPLETENESS_AGGREGATES = {
    "completeness_rate": Avg("completeness"),
    "completeness_owed": Count("pk", filter=Q(completeness__isnull=False)),
    "completeness_incomplete": Count("pk", filter=Q(completeness__lt=1.0)),
}


def completeness_of(values: dict[str, Any]) -> PeriodCompleteness:
    """``PeriodCompleteness`` from an aggregate that included ``COMPLETENESS_AGGREGATES``
    (so a page that aggregates its snapshots anyway reads it in the same query)."""
    return PeriodCompleteness(
        rate=values["completeness_rate"],
        owed=values["completeness_owed"],
        incomplete=values["completeness_incomplete"],
    )


def period_completeness(snapshots: QuerySet[Snapshot]) -> PeriodCompleteness:
    """The completeness of ``snapshots`` (see ``PeriodCompleteness``): one aggregate."""
    return completeness_of(snapshots.aggregate(**COMPLETENESS_AGGREGATES))


class NodeItem(KeyTextTransform):
    """``nodes[kind][index]`` of a snapshot as a plain SQL value (NULL for a JSON null), so
    the database can filter, sort and average stored node scores without Python.

    On SQLite one ``JSON_EXTRACT``: Django's key transform adds two ``JSON_TYPE`` calls per
    value there (to tell JSON true/false/null apart), which the numbers, nulls and band
    names stored in ``nodes`` never need; it made the province's overview 40 % slower.
    """

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        lhs, params, keys = self.preprocess_lhs(compiler, connection)
        path = "$" + "".join(f"[{k}]" if k.isdigit() else f".{json.dumps(k)}" for k in keys)
        return f"JSON_EXTRACT({lhs}, %s)", (*params, path)


def node_item(kind: str, index: int, field: str = "nodes") -> NodeItem:
    """The stored score, max or band (``kind``) of the node at ``index`` in tree order
    (``field="level_one"``: of the level-1 node at ``index`` among the level-1 nodes)."""
    return NodeItem(str(index), KeyTransform(kind, field))


def node_value(kind: str, index: int, field: str = "nodes") -> Cast:
    """A node's stored score or applicable max as a float expression."""
    return Cast(node_item(kind, index, field), FloatField())


def node_ratio(index: int, field: str = "nodes") -> Any:
    """score / applicable max of the node at ``index`` (NULL when not applicable or not
    assessed)."""
    return node_value("score", index, field) / NullIf(node_value("max", index, field), Value(0.0))


def level_one_item(kind: str, index: int, position: int) -> Case:
    """``node_item`` of the level-1 node at ``index`` (tree order; ``position`` among the
    level-1 nodes) read from the snapshot's small ``level_one`` lists, or from ``nodes``
    for a snapshot stored before those existed."""
    return Case(
        When(level_one__isnull=True, then=node_item(kind, index)),
        default=node_item(kind, position, "level_one"),
    )


def level_one_value(kind: str, index: int, position: int) -> Case:
    """``node_value`` of a level-1 node, as ``level_one_item`` reads it."""
    return Case(
        When(level_one__isnull=True, then=node_value(kind, index)),
        default=node_value(kind, position, "level_one"),
        output_field=FloatField(),
    )


def level_one_ratio(index: int, position: int) -> Case:
    """``node_ratio`` of a level-1 node, as ``level_one_item`` reads it."""
    return Case(
        When(level_one__isnull=True, then=node_ratio(index)),
        default=node_ratio(position, "level_one"),
    )
