"""Reads of records for the entry pages: which stations a clerk enters for, which
indicators a station owns, which units an indicator is entered for, and which records a
user may see or change. Everything derives from ``qingfeng.accounts.selectors``. Also
what scoring reads of them (``records_for_scoring``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import FloatField, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework, FrameworkVersion, Indicator
from qingfeng.framework.selectors import ordered_indicators, version_in_force
from qingfeng.lib.periods import Period
from qingfeng.org.models import Station, Unit
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.periods import FrozenRecords
from qingfeng.scoring.inputs import ABSENT, RecordColumns


def clerk_stations(user: Any) -> QuerySet[Station]:
    """Stations the user enters records for: the stations of their station-scope
    assignments granting ENTER_RECORDS; an administrator holding ENTER_RECORDS over a
    region (or everything) may pick any station they see there."""
    return scope.visible_stations(user, Capability.ENTER_RECORDS).select_related("region")


def leaves(version: FrameworkVersion) -> list[Indicator]:
    """The version's leaf indicators in tree order, each with ``applies`` set to the
    non-empty ``applies_to`` lists of itself and its ancestors (all must hold)."""
    found = []
    for node, applies in leaves_with_applies(ordered_indicators(version)):
        node.applies = applies  # type: ignore[attr-defined]
        found.append(node)
    return found


def leaves_with_applies(
    nodes: Sequence[Indicator],
) -> list[tuple[Indicator, tuple[frozenset[str], ...]]]:
    """The leaves among ``nodes`` (a whole version's, in tree order), each with the
    non-empty ``applies_to`` lists of itself and its ancestors (all must hold)."""
    by_pk = {node.pk: node for node in nodes}
    parents = {node.parent_id for node in nodes}
    found = []
    for node in nodes:
        if node.pk in parents:
            continue
        applies: list[frozenset[str]] = []
        current: Indicator | None = node
        while current is not None:
            if current.applies_to:
                applies.append(frozenset(str(code) for code in current.applies_to))
            current = by_pk.get(current.parent_id) if current.parent_id else None
        found.append((node, tuple(applies)))
    return found


def station_leaves(*, framework: Framework, station: Station, period: Period) -> list[Indicator]:
    """The leaves of the version in force for ``period`` whose data station is ``station``."""
    version = version_in_force(framework=framework, period=period)
    if version is None:
        return []
    return [leaf for leaf in leaves(version) if leaf.station_id == station.pk]


def self_assessed_leaves(*, framework: Framework, period: Period) -> list[Indicator]:
    """The self-assessed leaves of the version in force for ``period``."""
    version = version_in_force(framework=framework, period=period)
    if version is None:
        return []
    return [leaf for leaf in leaves(version) if leaf.self_assessed]


def applies_to_unit(leaf: Indicator, unit: Unit) -> bool:
    """Whether the leaf (from ``leaves``) applies to the unit's category."""
    code = unit.category.code
    return all(code in allowed for allowed in getattr(leaf, "applies", ()))


def entry_units(
    *, user: Any, framework: Framework, leaf: Indicator, station: Station | None
) -> list[Unit]:
    """Units a record of ``leaf`` may be entered for: active units the user acts on
    (ENTER_RECORDS, or SELF_ASSESS without a station), inside the framework's region and
    the station's, of a category the indicator applies to."""
    if station is None:
        units = scope.visible_units(user, Capability.SELF_ASSESS)
    else:
        units = scope.visible_units(user, Capability.ENTER_RECORDS).within(station.region)
    units = units.filter(active=True).within(framework.region)
    return [
        unit
        for unit in units.select_related("category", "region").order_by("code")
        if applies_to_unit(leaf, unit)
    ]


def entry_frameworks(user: Any, station: Station) -> list[Framework]:
    """Frameworks the user sees whose region contains the station (their units are
    assessed by them), by code."""
    from qingfeng.framework.selectors import visible_frameworks

    return [
        framework
        for framework in visible_frameworks(user).select_related("region").order_by("code")
        if framework.region.contains(station.region)
    ]


def visible_records(user: Any, capability: Capability = Capability.VIEW_ORG) -> QuerySet[Record]:
    """Records of the units the user sees (or acts on, with another capability)."""
    return Record.objects.filter(unit__in=scope.visible_units(user, capability))


def editable_records(user: Any) -> QuerySet[Record]:
    """The user's own draft or returned records of units they may still enter for (a
    station's units, or their own unit's self-assessment)."""
    entered = Q(
        self_assessment=False,
        unit__in=scope.visible_units(user, Capability.ENTER_RECORDS),
    )
    assessed = Q(
        self_assessment=True,
        unit__in=scope.visible_units(user, Capability.SELF_ASSESS),
    )
    return Record.objects.filter(
        entered | assessed,
        created_by=user,
        status__in=[RecordStatus.DRAFT, RecordStatus.RETURNED],
    )


class IndicatorNames:
    """Indicator of a record by code, from the version in force for the record's year;
    one version load per framework and year."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], dict[str, Indicator]] = {}

    def get(self, record: Record) -> Indicator | None:
        key = (record.framework_id, record.date.year)
        if key not in self._cache:
            version = version_in_force(
                framework=record.framework, period=Period(record.date.year, "Y", 1)
            )
            nodes = ordered_indicators(version) if version is not None else []
            self._cache[key] = {node.code: node for node in nodes}
        return self._cache[key].get(record.indicator_code)


def is_nil_answer(*, record: Record, indicator: Indicator | None) -> bool:
    """A unit's "no problem" answer (docs/design.md, "A nil answer"): a self-assessment of
    a deduction with 0 points and no quantity."""
    return (
        record.self_assessment
        and indicator is not None
        and (indicator.rule or {}).get("type") == "deduct"
        and record.points == 0
        and record.quantity is None
    )


@dataclass(frozen=True)
class OwnRecord:
    """One of the user's records as "my records" lists it: whether the user may still
    edit, submit or delete it, and the closed collection period that freezes it."""

    record: Record
    editable: bool
    frozen_in: Period | None
    nil_answer: bool = False


def own_record_rows(*, user: Any, records: Sequence[Record]) -> list[OwnRecord]:
    """``records`` (the user's, one page of them) with what the user may do with each: a
    draft or returned record is editable unless a closed collection period freezes it
    (``records.periods.refuse_frozen`` would refuse the change), so the page never offers a
    button that can only fail."""
    changeable = set(
        editable_records(user)
        .filter(pk__in=[record.pk for record in records])
        .values_list("pk", flat=True)
    )
    frozen = FrozenRecords()
    names = IndicatorNames()
    rows = []
    for record in records:
        frozen_in = frozen.closed_period(record) if record.pk in changeable else None
        editable = record.pk in changeable and frozen_in is None
        nil = record.self_assessment and is_nil_answer(record=record, indicator=names.get(record))
        rows.append(
            OwnRecord(record=record, editable=editable, frozen_in=frozen_in, nil_answer=nil)
        )
    return rows


def records_for_scoring(*, framework: Framework, period: Period) -> RecordColumns:
    """The approved records of ``framework`` dated within ``period``, column by column as
    scoring reads them (``scoring.inputs.RecordColumns``, absent numbers as ``ABSENT``),
    in no set order."""
    absent = Value(ABSENT, output_field=FloatField())
    query = Record.objects.filter(
        framework=framework,
        status=RecordStatus.APPROVED,
        date__gte=period.start,
        date__lte=period.end,
    ).values_list(
        "id",
        "unit_id",
        "indicator_code",
        Coalesce("points", absent),
        Coalesce("quantity", absent),
        Coalesce("value", absent),
        "grade",
    )
    # A raw cursor: these columns need none of Django's per-row converters, and skipping
    # its row iterator saves a quarter of the read at province scale (bench/recompute.py).
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _aggregated_columns(cursor, sql, params)
        cursor.execute(sql, params)
        return RecordColumns.from_rows(cursor.fetchall())


# PostgreSQL: how each of the seven columns is gathered into one value. The numbers go as
# packed big-endian binary (``int8send``/``float8send`` concatenated), which numpy reads
# straight from the bytes: no Python number per record and column (0.15 s of a province's
# 500,000 records); the codes and grades, which scoring needs as strings, as arrays.
_GATHERED = (
    "string_agg(int8send(c0::bigint), '')",
    "string_agg(int8send(c1::bigint), '')",
    "array_agg(c2)",
    "string_agg(float8send(c3::float8), '')",
    "string_agg(float8send(c4::float8), '')",
    "string_agg(float8send(c5::float8), '')",
    "array_agg(c6)",
)


def _unpacked(packed: bytes, dtype: str) -> np.ndarray:
    """A column packed by ``_GATHERED`` (``dtype`` ">i8" or ">f8") in native order."""
    return np.frombuffer(packed, dtype=dtype).astype(dtype[1:])


def _aggregated_columns(cursor: Any, sql: str, params: Any) -> RecordColumns:
    """The records of ``sql`` gathered by the database into one row of seven columns (the
    aggregates of one query see the rows in the same order), read in binary."""
    names = ", ".join(f"c{k}" for k in range(7))
    # In binary: psycopg hands bytea over as it is and unpacks binary arrays in C. Django's
    # own cursors bind parameters on the client, which cannot ask for binary results; a
    # plain psycopg cursor on the same connection (same transaction) can.
    from psycopg import Cursor  # PostgreSQL only

    with Cursor(cursor.cursor.connection) as binary:
        binary.execute(
            f"SELECT {', '.join(_GATHERED)} FROM ({sql}) AS records ({names})", params, binary=True
        )
        found = binary.fetchone()
    if found is None or found[0] is None:  # no record: NULL aggregates
        return RecordColumns.from_rows([])
    ids, units, codes, points, quantities, values, grades = found
    return RecordColumns(
        id=_unpacked(ids, ">i8"),
        unit=_unpacked(units, ">i8"),
        code=codes,
        points=_unpacked(points, ">f8"),
        quantity=_unpacked(quantities, ">f8"),
        value=_unpacked(values, ">f8"),
        grade=grades,
    )
