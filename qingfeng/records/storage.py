"""Storing many new records at once (a file import, an API batch), with their history.

``records_insert`` writes the records and one "created" history row for each with plain
``INSERT``s (``COPY`` on PostgreSQL) instead of ``bulk_create_with_history``: no model
instance is built, no value goes through a field's preparation one by one, and SQLite is
not held to Django's 999 parameters per statement. A 100,000-row upload spent about three
quarters of its time in ``bulk_create_with_history``.

The rows written are exactly what ``bulk_create_with_history`` wrote: every column of the
record (the fields a row leaves out get their model default, ``created_at`` the time of
the insert), and a history row with the same values, ``history_type`` "+", the given user
and change reason, and that same time as ``history_date``. The records' rows of the search
index (``qingfeng.lib.search_index``) are written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from qingfeng.lib import search_index
from qingfeng.records.models import Record

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

__all__ = ["RecordValues", "records_insert"]

# A new record by ``Record`` field attribute name (``unit_id``, ``date``, ``points``, …),
# without ``id`` and ``created_at``; fields left out get their model default.
RecordValues = dict[str, Any]

# Set by the insert itself, never by the caller.
_SET_HERE = frozenset({"id", "created_at"})


def records_insert(
    *, rows: list[RecordValues], history_user: User | None, change_reason: str | None = None
) -> list[int]:
    """Insert ``rows`` as new records, each with its "created" history row naming
    ``history_user`` and ``change_reason``; the new ids, in the order of ``rows``.

    Atomic: both tables are written in one transaction (the caller's, if it has one).
    """
    if not rows:
        return []
    real = connections[DEFAULT_DB_ALIAS]
    now = timezone.now()
    history = get_history_manager_for_model(Record).model
    record_fields = [f for f in Record._meta.concrete_fields if f.attname != "id"]
    values = _columns(record_fields, rows, now, real)
    extra = {
        "history_date": now,
        "history_type": "+",
        "history_user_id": None if history_user is None else history_user.pk,
        "history_change_reason": change_reason,
    }
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        if real.vendor == "postgresql":
            ids = _reserve_ids(real, len(rows))
            _copy(real, Record._meta.db_table, ["id", *values], [ids, *values.values()])
        else:
            ids = _insert_numbered(real, values, len(rows))
        _history_from_records(real, history, ids, extra)
        # Plain INSERTs pass no model's save: the search index is written here.
        fields = search_index.source("record").fields
        search_index.index_rows(
            kind="record",
            rows=(
                (pk, [row.get(name) for name in fields]) for pk, row in zip(ids, rows, strict=True)
            ),
        )
    return ids


def _columns(
    fields: list[Any], rows: list[RecordValues], now: Any, real: Any
) -> dict[str, list[Any]]:
    """The values of each field (by column name) for every row, ready for the database:
    defaults for the fields the rows leave out, ``now`` for ``created_at``, and dates and
    times in SQLite's text form (PostgreSQL takes them as they are)."""
    postgres = real.vendor == "postgresql"
    unknown = set(rows[0]) - {f.attname for f in fields} | (set(rows[0]) & _SET_HERE)
    if unknown:
        raise ValueError(f"not record fields: {', '.join(sorted(unknown))}")
    columns: dict[str, list[Any]] = {}
    for field in fields:
        name = field.attname
        kind = field.get_internal_type()
        if name == "created_at" or name not in rows[0]:
            value = now if name == "created_at" else field.get_default()
            if not postgres:
                value = field.get_db_prep_save(value, real)
            columns[field.column] = [value] * len(rows)
            continue
        column = [row[name] for row in rows]
        if not postgres and kind in ("DateField", "DateTimeField"):
            adapt: Callable[[Any], Any] = (
                real.ops.adapt_datefield_value
                if kind == "DateField"
                else real.ops.adapt_datetimefield_value
            )
            column = [None if value is None else adapt(value) for value in column]
        columns[field.column] = column
    return columns


def _history_from_records(real: Any, history: Any, ids: list[int], extra: dict[str, Any]) -> None:
    """One history row per record of ``ids``, copied by the database from the rows just
    stored (one ``INSERT … SELECT``: nothing to send row by row), with ``extra``'s
    history columns (the same for every row)."""
    quote = real.ops.quote_name
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    record_columns = {f.name: f.column for f in Record._meta.concrete_fields}
    names, sources, params = [], [], []
    for field in fields:
        names.append(quote(field.column))
        if field.attname in extra:
            sources.append("%s")
            params.append(field.get_db_prep_save(extra[field.attname], real))
        else:
            sources.append(quote(record_columns[field.name]))
    if real.vendor == "postgresql":
        # Sequence values of concurrent inserts may interleave with ours: name the rows.
        where, params = f"{quote('id')} = ANY(%s)", [*params, ids]
    else:
        # SQLite numbered them one after the other (``_insert_numbered``).
        where, params = f"{quote('id')} BETWEEN %s AND %s", [*params, ids[0], ids[-1]]
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(names)}) "
        f"SELECT {', '.join(sources)} FROM {quote(Record._meta.db_table)} WHERE {where}"
    )
    with real.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount not in (-1, len(ids)):
            raise RuntimeError("a history row is missing")


def _reserve_ids(real: Any, count: int) -> list[int]:
    """PostgreSQL: ``count`` ids taken from the records' sequence (safe with concurrent
    inserts: a sequence never hands out the same value twice)."""
    table = Record._meta.db_table
    with real.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _insert_numbered(real: Any, values: dict[str, list[Any]], count: int) -> list[int]:
    """SQLite: insert the rows letting the database number them; their ids.

    The transaction holds SQLite's write lock (the settings begin every transaction
    ``IMMEDIATE``, and the insert takes it in any case), so nobody else inserts meanwhile
    and the table's AUTOINCREMENT numbers the rows one after the other, ending at
    ``last_insert_rowid()``. That is checked, not assumed: a gap would fail the import."""
    table = Record._meta.db_table
    _executemany(real, table, list(values), list(values.values()))
    quote = real.ops.quote_name
    with real.cursor() as cursor:
        cursor.execute("SELECT last_insert_rowid()")
        last = int(cursor.fetchone()[0])
        first = last - count + 1
        cursor.execute(
            f"SELECT COUNT(*) FROM {quote(table)} WHERE {quote('id')} BETWEEN %s AND %s",
            [first, last],
        )
        if cursor.fetchone()[0] != count:
            raise RuntimeError("the new records were not numbered one after the other")
    return list(range(first, last + 1))


def _executemany(real: Any, table: str, columns: list[str], values: list[list[Any]]) -> None:
    quote = real.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    rows = list(zip(*values, strict=True))
    with real.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def _copy(real: Any, table: str, columns: list[str], values: list[list[Any]]) -> None:
    """PostgreSQL: the rows through ``COPY`` (several times faster than ``executemany``);
    a constraint it breaks raises Django's ``IntegrityError``, as an ``INSERT`` would."""
    quote = real.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with (
        real.wrap_database_errors,
        real.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
    ):
        for row in zip(*values, strict=True):
            copy.write_row(row)
