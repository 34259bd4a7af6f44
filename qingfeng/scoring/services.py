"""Scoring in the database: take a period's units and approved records, run the pure
engine, and store one snapshot per unit (replacing the previous ones for that version and
period). Kept column-wise with numpy from the rows to the engine so a province recomputes
in seconds.

Scoring does not read records itself: the caller passes a ``RecordReader``
(``scoring.inputs``), so that the apps collecting data depend on scoring and not the other
way round. ``qingfeng.records.rescore`` is that caller for collected records.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from qingfeng.framework.models import Framework, FrameworkVersion
from qingfeng.framework.selectors import engine_framework, version_in_force
from qingfeng.lib.periods import Period, periods_containing
from qingfeng.org.models import Unit
from qingfeng.scoring import engine
from qingfeng.scoring.inputs import ABSENT, RecordColumns, RecordReader, ReportingReader
from qingfeng.scoring.models import Snapshot

SCORE_DECIMALS = 4


@dataclass
class RecomputeResult:
    """What a recompute did, with timings for the benchmark and the command's output."""

    framework: str
    period: str
    version: FrameworkVersion | None
    units: int = 0
    records: int = 0
    ignored_records: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    # What the caller's sync of the warning register did (``records.rescore``), if any.
    warnings: Any = None


def _units_of(framework: Framework) -> tuple[np.ndarray, list[str], list[str]]:
    """Ids (sorted), categories and codes of the framework's active units."""
    rows = list(
        Unit.objects.within(framework.region)
        .filter(active=True)
        .order_by("pk")
        .values_list("pk", "category__code", "code")
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    return ids, [r[1] for r in rows], [r[2] for r in rows]


def _column(values: Sequence[float] | np.ndarray) -> np.ndarray:
    array = np.array(values, dtype=np.float64)
    array[array == ABSENT] = np.nan
    return array


def _engine_records(
    *, columns: RecordColumns, unit_ids: np.ndarray, codes: list[str]
) -> tuple[engine.Records, int]:
    """The rows as engine arrays (units indexed like ``unit_ids``, indicators like
    ``codes``), and how many were ignored because their unit is not assessed or their
    indicator is not a leaf of this version."""
    count = len(columns)
    if not count:
        return engine.Records.empty(), 0
    ids, unit, code, grade = columns.id, columns.unit, columns.code, columns.grade
    points, quantity, value = columns.points, columns.quantity, columns.value
    record_units = np.array(unit, dtype=np.int64)
    if len(unit_ids):
        unit_index = np.minimum(np.searchsorted(unit_ids, record_units), len(unit_ids) - 1)
        known_unit = unit_ids[unit_index] == record_units
    else:
        unit_index, known_unit = record_units * 0, np.zeros(count, dtype=bool)
    leaf_of = {c: i for i, c in enumerate(codes)}
    leaf_index = np.array([leaf_of.get(c, -1) for c in code], dtype=np.int64)
    keep = known_unit & (leaf_index >= 0)
    grades = np.array(grade, dtype=object)
    grades[grades == ""] = None
    records = engine.Records(
        unit=unit_index[keep].astype(np.int64),
        indicator=leaf_index[keep],
        points=_column(points)[keep],
        quantity=_column(quantity)[keep],
        value=_column(value)[keep],
        grade=grades[keep],
        id=np.array(ids, dtype=np.int64)[keep],
    )
    return records, int((~keep).sum())


def _leaf_codes(fw: engine.Framework) -> list[str]:
    """Codes indexed like ``fw.indicators``, with groups replaced by an impossible code so
    records can only land on leaves."""
    parents = {ind.parent for ind in fw.indicators if ind.parent}
    return [ind.code if ind.code not in parents else "\0group" for ind in fw.indicators]


def _round(value: float) -> float | None:
    return None if value != value else round(float(value), SCORE_DECIMALS)


@transaction.atomic
def score_period(
    *,
    framework: Framework,
    period: Period,
    read_records: RecordReader,
    read_reporting: ReportingReader | None = None,
) -> RecomputeResult:
    """Score and store every unit's snapshot for ``period`` with the version in force, on
    the records ``read_records`` returns (read only when a version is in force), marking
    the leaves ``read_reporting`` says nobody reported on (docs/completeness.md).

    Snapshots of that version and period are replaced; those of other versions are kept
    (they are how the period was scored before a framework change).
    """
    result = RecomputeResult(framework=framework.code, period=str(period), version=None)
    version = version_in_force(framework=framework, period=period)
    if version is None:
        return result
    result.version = version
    clock = time.perf_counter()
    fw = engine_framework(version)
    unit_ids, categories, _unit_codes = _units_of(framework)
    result.seconds["load_framework_units"] = time.perf_counter() - clock

    clock = time.perf_counter()
    columns = read_records(framework=framework, period=period)
    records, ignored = _engine_records(columns=columns, unit_ids=unit_ids, codes=_leaf_codes(fw))
    result.seconds["read_records"] = time.perf_counter() - clock
    result.units, result.records, result.ignored_records = len(unit_ids), len(records.id), ignored

    clock = time.perf_counter()
    reporting = _reporting(read_reporting, framework, version, period, unit_ids, fw)
    result.seconds["read_reporting"] = time.perf_counter() - clock

    clock = time.perf_counter()
    scored = engine.score(fw, categories, records, reporting)
    result.seconds["engine"] = time.perf_counter() - clock

    clock = time.perf_counter()
    previous_rank = dict(
        Snapshot.objects.filter(
            version__framework=framework, period=str(period.previous()), rank__isnull=False
        )
        .order_by("unit_id", "version__number")
        .values_list("unit_id", "rank")
    )
    # Made lazily: on PostgreSQL each row is sent as soon as it is made, so the server
    # parses the ones before it meanwhile (its JSON parsing is most of the store).
    snapshots = _snapshots(version, period, fw, scored, unit_ids, categories, previous_rank)
    Snapshot.objects.filter(version=version, period=str(period)).delete()
    _insert_snapshots(snapshots)
    _refresh_rank_change(framework=framework, period=period.next())
    result.seconds["store"] = time.perf_counter() - clock
    return result


def _reporting(
    read_reporting: ReportingReader | None,
    framework: Framework,
    version: FrameworkVersion,
    period: Period,
    unit_ids: np.ndarray,
    fw: engine.Framework,
) -> engine.Reporting | None:
    if read_reporting is None:
        return None
    codes = [indicator.code for indicator in fw.indicators]
    return read_reporting(
        framework=framework, version=version, period=period, unit_ids=unit_ids, codes=codes
    )


def scores_with(
    *,
    version: FrameworkVersion,
    period: Period,
    read_records: RecordReader,
    read_reporting: ReportingReader | None = None,
) -> list[dict[str, Any]]:
    """Every unit's snapshot values for ``period`` scored with ``version`` (any status,
    a draft included) exactly as ``score_period`` scores the version in force, but
    nothing is stored: what publishing ``version`` would make of the period. One dict per
    unit, keyed by the Snapshot fields' attribute names (``rank_change`` left empty, the
    JSON fields as their text)."""
    framework = version.framework
    fw = engine_framework(version)
    unit_ids, categories, _unit_codes = _units_of(framework)
    columns = read_records(framework=framework, period=period)
    records, _ignored = _engine_records(columns=columns, unit_ids=unit_ids, codes=_leaf_codes(fw))
    reporting = _reporting(read_reporting, framework, version, period, unit_ids, fw)
    scored = engine.score(fw, categories, records, reporting)
    return list(_snapshots(version, period, fw, scored, unit_ids, categories, {}))


def _insert_snapshots(snapshots: Iterable[dict[str, Any]]) -> None:
    """Insert with one ``executemany`` (``COPY`` on PostgreSQL), each value prepared by its
    own model field except the JSON ones, which ``_snapshots`` has encoded already.

    The rows are plain dicts keyed by column attribute rather than model instances: a
    province's ~12,000 snapshots are derived data with no history, and skipping model
    construction, signals and pk handling halves the cost of ``bulk_create``.
    """
    now = timezone.now()  # what auto_now would have set
    stamped = ({**snapshot, "computed_at": now} for snapshot in snapshots)
    # The real connection, not the ``django.db.connection`` proxy: each attribute read
    # through the proxy costs a lookup, and there are ~200,000 here.
    real = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in Snapshot._meta.concrete_fields if not f.primary_key]
    quote = real.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    if real.vendor == "postgresql":
        _copy_snapshots(real, fields, columns, stamped)
        return
    prepare = [
        (f.attname, _as_text if isinstance(f, models.JSONField) else f.get_db_prep_save)
        for f in fields
    ]
    rows = [tuple(prep(snapshot[name], real) for name, prep in prepare) for snapshot in stamped]
    if not rows:
        return
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(Snapshot._meta.db_table)} ({columns}) VALUES ({marks})"
    with real.cursor() as cursor:
        cursor.executemany(sql, rows)


def _as_text(value: str, _connection: Any) -> str:
    """A JSON column's value as ``_snapshots`` encoded it (SQLite keeps JSON as text)."""
    return value


def _copy_snapshots(
    real: Any, fields: list[Any], columns: str, snapshots: Iterable[dict[str, Any]]
) -> None:
    """PostgreSQL: the same rows through ``COPY``, about three times faster than
    ``executemany`` for a province (JSON columns go as their text, which the server parses
    into jsonb; the other values are plain numbers, strings, booleans and a timestamp)."""
    names = [f.attname for f in fields]
    table = real.ops.quote_name(Snapshot._meta.db_table)
    # Django's cursor wraps psycopg's, which has the COPY protocol. The queued writer sends
    # from a thread, so the server parses rows while Python formats the next ones.
    from psycopg.copy import QueuedLibpqWriter  # PostgreSQL only

    sql = f"COPY {table} ({columns}) FROM STDIN"
    with (
        real.cursor() as cursor,
        cursor.cursor.copy(sql, writer=QueuedLibpqWriter(cursor.cursor)) as copy,
    ):
        for snapshot in snapshots:
            copy.write_row([snapshot[name] for name in names])


def _refresh_rank_change(*, framework: Framework, period: Period) -> None:
    """The next period's stored rank change compares with this one: bring it up to date."""
    later = list(
        Snapshot.objects.filter(version__framework=framework, period=str(period)).only(
            "pk", "unit_id", "rank", "rank_change"
        )
    )
    if not later:
        return
    before = dict(
        Snapshot.objects.filter(
            version__framework=framework, period=str(period.previous()), rank__isnull=False
        )
        .order_by("unit_id", "version__number")
        .values_list("unit_id", "rank")
    )
    changed = []
    for snapshot in later:
        previous = before.get(snapshot.unit_id)
        change = previous - snapshot.rank if (previous and snapshot.rank) else None
        if change != snapshot.rank_change:
            snapshot.rank_change = change
            changed.append(snapshot)
    Snapshot.objects.bulk_update(changed, ["rank_change"], batch_size=1000)


def _snapshots(
    version: FrameworkVersion,
    period: Period,
    fw: engine.Framework,
    scored: engine.Result,
    unit_ids: np.ndarray,
    categories: list[str],
    previous_rank: dict[int, int | None],
) -> Iterator[dict[str, Any]]:
    """One row per unit, keyed by the Snapshot fields' attribute names, made as they are
    asked for. The JSON fields (``components``, ``nodes``, ``level_one``, ``record_ids``)
    hold their JSON text, ready for the database."""
    # Node values are stored as lists aligned with the version's tree order (null where a
    # node does not apply or was not assessed). A province holds 1.3 million node scores:
    # orjson writes each unit's rows straight from the numpy arrays, ten times faster than
    # converting them to Python lists for the standard encoder.
    absent = ~scored.applicable
    node_scores = _rounded(scored.score, absent)
    node_maxima = _rounded(scored.max, absent)
    bands = scored.band.tolist()
    starts = np.searchsorted(scored.record_unit, np.arange(len(unit_ids) + 1)).tolist()
    record_ids = np.ascontiguousarray(scored.record_id, dtype=np.int64)
    component_codes = [c.code for c in fw.components]
    totals, raws = scored.total.tolist(), scored.raw.tolist()
    # Whole columns to Python values at once: a numpy scalar read (and rounded) unit by
    # unit costs ten times more. ``np.round`` rounds as the scalar's ``round`` did.
    applicable_max = scored.applicable_max.tolist()
    rounded_max = np.round(scored.applicable_max, SCORE_DECIMALS).tolist()
    ranks, category_ranks = scored.rank.tolist(), scored.category_rank.tolist()
    vetoed = scored.vetoed.tolist()
    percents = scored.component_percent.tolist()
    completeness = np.round(scored.completeness, SCORE_DECIMALS).tolist()
    # The level-1 columns picked out in numpy (a look-up per unit and node cost 0.05–0.1 s
    # of the store at province scale).
    top = [i for i, node in enumerate(fw.indicators) if node.parent is None]
    top_scores = np.ascontiguousarray(node_scores[:, top])
    top_maxima = np.ascontiguousarray(node_maxima[:, top])
    top_bands = scored.band[:, top].tolist()
    # Sparse: the few unreported leaves of a unit by index (most units have none).
    unreported_units, unreported_nodes = np.nonzero(scored.unreported)
    unreported: dict[int, list[int]] = {}
    for u, n in zip(unreported_units.tolist(), unreported_nodes.tolist(), strict=True):
        unreported.setdefault(u, []).append(n)
    period_code = str(period)
    for u, unit_id in enumerate(unit_ids.tolist()):
        rank = int(ranks[u]) or None
        before = previous_rank.get(unit_id)
        has_max = bool(applicable_max[u])
        nodes: dict[str, Any] = {"score": node_scores[u], "max": node_maxima[u], "band": bands[u]}
        if u in unreported:
            nodes["unreported"] = unreported[u]
        yield {
            "version_id": version.pk,
            "period": period_code,
            "unit_id": unit_id,
            "category": categories[u],
            "total": _round(totals[u]),
            "raw": _round(raws[u]) if has_max else None,
            "applicable_max": float(rounded_max[u]),
            "band": scored.unit_band[u] or "",
            "vetoed": bool(vetoed[u]),
            "rank": rank,
            "category_rank": int(category_ranks[u]) or None,
            "rank_change": (before - rank) if (before and rank) else None,
            "components": _json_text(
                {c: _round(percents[u][i]) for i, c in enumerate(component_codes)}
            ),
            "nodes": _json_text(nodes),
            "level_one": _json_text(
                {"score": top_scores[u], "max": top_maxima[u], "band": top_bands[u]}
            ),
            "record_ids": _json_text(record_ids[starts[u] : starts[u + 1]]),
            "completeness": None if completeness[u] != completeness[u] else completeness[u],
        }


def _rounded(values: np.ndarray, absent: np.ndarray) -> np.ndarray:
    """[unit, node] floats rounded for storage, NaN where ``absent`` (written as null), in
    C order so each unit's row is one contiguous array for the encoder."""
    rounded = np.round(values, SCORE_DECIMALS)
    rounded[absent] = np.nan
    return np.ascontiguousarray(rounded)


def _json_text(value: Any) -> str:
    """``value`` as compact JSON, numpy arrays included; NaN and infinities become null
    (a stored score is finite or absent)."""
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def touched_periods(*, framework: Framework, dates: Iterable[datetime.date]) -> list[Period]:
    """The periods to rescore after records dated on ``dates`` changed, in order: the
    quarter, half and year containing each date, and its month when that month has been
    scored before."""
    touched: set[Period] = set()
    scored_periods = set(
        Snapshot.objects.filter(version__framework=framework)
        .values_list("period", flat=True)
        .distinct()
    )
    for day in set(dates):
        for period in periods_containing(day):
            if period.kind != "M" or str(period) in scored_periods:
                touched.add(period)
    return sorted(touched)
