"""The search index of the one-stop query (一站查询): Chinese words of any length found
without scanning every row.

Every indexed object (a unit, a person, a record …) is one row of the table
``search_index``. Its text fields are cut into *runs* of letters and digits (punctuation
and spaces end a run), lower-cased, and each run into overlapping character bigrams plus
its last character alone: "教育局" gives ``教育 育局 局``. So every character of the text
begins a token, and

- a query run of two or more characters is found by its bigrams (all of them present);
- a query of one character by the tokens that begin with it (a prefix query).

The index only *narrows*: the callers keep their ``icontains`` filter on the real columns,
so a row is shown only if its stored text really contains the words, whatever the index
says (a stale index row can cost time, never a wrong result; a missing one would hide a
match, which is why every write keeps the index in step, see below).

Storage, by database (``connection.vendor``):

- SQLite: an FTS5 virtual table, ``tokenize='ascii'`` (it splits on ASCII punctuation and
  spaces only, and the tokens written here contain none), ``detail=none`` (no positions:
  the bigrams are ANDed, the caller's filter checks the order);
- PostgreSQL: a ``tsvector`` column of the same tokens (``array_to_tsvector``: no parser,
  no dictionary, no locale) with a GIN index; queries are ``tsquery`` ANDs and prefixes.
  ``pg_trgm`` was not used: its index cannot serve a pattern of fewer than three
  characters, and two-character words are the common Chinese query.

The row id is ``object id * 16 + source code``: one table for every kind of object, a row
found or replaced by its primary key.

Keeping it in step: a model that is a source inherits ``SearchIndexed``, whose ``save`` and
``delete`` write its index row in the same transaction (so do the services and the test
fixtures, which all save through the ORM); bulk writers that bypass ``save`` (the record
importer's ``records_insert``, the demo seed) call ``index_rows`` or ``rebuild``;
``manage.py rebuild_search_index`` rebuilds everything. A queryset ``update()`` of an
indexed field goes through ``SearchIndexedQuerySet``; a ``bulk_create`` elsewhere must
call ``index_rows`` itself.

Adding a source (problems of the ledger, documents …) is one entry of ``SOURCES`` (a new
code, the model label, the text fields), ``SearchIndexed`` as the model's first base, and a
``pk__in=matching(kind=…, text=…)`` filter where that model is searched; then run
``rebuild_search_index`` once. See docs/search.md.

This module imports no app (models are named by label); the apps import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL

TABLE = "search_index"
# The table as migration core 0002 creates it (a full rebuild on SQLite drops and creates
# it again: deleting a million FTS5 rows one by one takes far longer). Keep them equal.
SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(body, tokenize = 'ascii', detail = none, "
    "columnsize = 0)"
)
POSTGRESQL_CREATE = (
    f"CREATE TABLE {TABLE} (id bigint PRIMARY KEY, body tsvector NOT NULL)",
    f"CREATE INDEX {TABLE}_body ON {TABLE} USING gin (body)",
)
# Low bits of a row id that name the source (so up to 15 sources; 0 is never used).
CODE_BITS = 4
CHUNK = 5000

# A run: letters and digits of any script (str.isalnum), no underscore.
_RUN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Source:
    """One kind of object the index holds: ``code`` (1–15) is part of its rows' ids,
    ``model`` an ``app_label.ModelName``, ``fields`` the text fields indexed."""

    kind: str
    code: int
    model: str
    fields: tuple[str, ...]

    def model_class(self) -> type[models.Model]:
        """The model, looked up by label (lib imports no app)."""
        return apps.get_model(self.model)


SOURCES: tuple[Source, ...] = (
    Source("unit", 1, "org.Unit", ("code", "name")),
    Source("person", 2, "org.Person", ("code", "name")),
    Source("record", 3, "records.Record", ("indicator_code", "problem_type", "note")),
    Source("fulfilment", 4, "duties.Fulfilment", ("content",)),
    Source("personal_report", 5, "duties.PersonalReport", ("destination", "description")),
)


def source(kind: str) -> Source:
    """The source of this kind (``KeyError`` if none is registered)."""
    for item in SOURCES:
        if item.kind == kind:
            return item
    raise KeyError(kind)


def _source_of_model(model: type[models.Model]) -> Source:
    label = model._meta.label
    for item in SOURCES:
        if item.model == label:
            return item
    raise KeyError(label)


# ---- tokens ------------------------------------------------------------------------------


def runs(text: str) -> list[str]:
    """The runs of letters and digits of ``text``, lower-cased."""
    return _RUN.findall(text.lower())


def tokens(texts: Iterable[str | None]) -> list[str]:
    """The index tokens of some texts: of each run its bigrams and its last character."""
    found: list[str] = []
    for text in texts:
        if not text:
            continue
        for run in runs(text):
            found.extend(run[i : i + 2] for i in range(len(run) - 1))
            found.append(run[-1])
    return found


def query_terms(text: str) -> tuple[list[str], list[str]]:
    """(tokens that must all be present, characters some token must begin with) for a
    query: the bigrams of its runs of two or more characters, and its one-character runs."""
    whole: set[str] = set()
    prefixes: set[str] = set()
    for run in runs(text):
        if len(run) == 1:
            prefixes.add(run)
        else:
            whole.update(run[i : i + 2] for i in range(len(run) - 1))
    # A one-character run inside a bigram already required says nothing more.
    prefixes = {p for p in prefixes if not any(p in token for token in whole)}
    return sorted(whole), sorted(prefixes)


# ---- reading ---------------------------------------------------------------------------


def matching(*, kind: str, text: str) -> RawSQL | None:
    """The ids of the objects of ``kind`` whose index row has every token of ``text``, as
    a subquery for ``filter(pk__in=…)``; None when ``text`` has no letter or digit (then
    the caller's own filter must do the whole search).

    A superset of the true matches: keep the ``icontains`` filter beside it."""
    whole, prefixes = query_terms(text)
    if not whole and not prefixes:
        return None
    code = source(kind).code
    if connection.vendor == "postgresql":
        parts = [_pg_lexeme(t) for t in whole] + [f"{_pg_lexeme(p)}:*" for p in prefixes]
        sql = (
            f"SELECT id >> {CODE_BITS} FROM {TABLE} "
            f"WHERE body @@ %s::tsquery AND (id & {(1 << CODE_BITS) - 1}) = %s"
        )
        return RawSQL(sql, (" & ".join(parts), code))
    parts = [f'"{t}"' for t in whole] + [f'"{p}"*' for p in prefixes]
    sql = (
        f"SELECT rowid >> {CODE_BITS} FROM {TABLE} "
        f"WHERE {TABLE} MATCH %s AND (rowid & {(1 << CODE_BITS) - 1}) = %s"
    )
    return RawSQL(sql, (" AND ".join(parts), code))


def _pg_lexeme(token: str) -> str:
    """A token quoted for tsvector/tsquery text (tokens hold no quote: belt and braces)."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


# ---- writing ---------------------------------------------------------------------------


def _row_id(code: int, pk: int) -> int:
    return (pk << CODE_BITS) | code


def index_rows(*, kind: str, rows: Iterable[tuple[int, Sequence[str | None]]]) -> None:
    """Write (replace) the index rows of objects of ``kind``, given as (id, texts) with
    the texts in the order of the source's fields. An object without any token loses its
    row. Runs in the caller's transaction."""
    code = source(kind).code
    chunk: list[tuple[int, list[str]]] = []
    for pk, texts in rows:
        chunk.append((_row_id(code, pk), tokens(texts)))
        if len(chunk) >= CHUNK:
            _write(chunk)
            chunk = []
    if chunk:
        _write(chunk)


def unindex(*, kind: str, ids: Iterable[int]) -> None:
    """Remove the index rows of these objects of ``kind``."""
    code = source(kind).code
    row_ids = [_row_id(code, pk) for pk in ids]
    key = "id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        for start in range(0, len(row_ids), CHUNK):
            part = row_ids[start : start + CHUNK]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"DELETE FROM {TABLE} WHERE {key} IN ({marks})", part)


def _write(rows: list[tuple[int, list[str]]]) -> None:
    """Replace these (row id, tokens) rows; rows without tokens are deleted."""
    filled = [(row_id, found) for row_id, found in rows if found]
    empty = [row_id for row_id, found in rows if not found]
    postgres = connection.vendor == "postgresql"
    key = "id" if postgres else "rowid"
    with connection.cursor() as cursor:
        if empty:
            marks = ", ".join(["%s"] * len(empty))
            cursor.execute(f"DELETE FROM {TABLE} WHERE {key} IN ({marks})", empty)
        if not filled:
            return
        if postgres:
            cursor.executemany(
                f"INSERT INTO {TABLE} (id, body) VALUES (%s, array_to_tsvector(%s::text[])) "
                "ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body",
                [(row_id, sorted(set(found))) for row_id, found in filled],
            )
        else:
            # FTS5 replaces a row with the same rowid on INSERT OR REPLACE.
            cursor.executemany(
                f"INSERT OR REPLACE INTO {TABLE} (rowid, body) VALUES (%s, %s)",
                [(row_id, " ".join(dict.fromkeys(found))) for row_id, found in filled],
            )


def _source_rows(item: Source) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(id, texts) of every object of a source, read in chunks."""
    model = item.model_class()
    values = model._default_manager.order_by().values_list("pk", *item.fields)
    for row in values.iterator(chunk_size=CHUNK):
        yield row[0], row[1:]


def rebuild(*, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Empty the index (of ``kinds``, or entirely) and fill it again from the tables, in
    the caller's transaction (one of its own if none); the number of objects indexed by
    kind."""
    chosen = SOURCES if kinds is None else tuple(source(kind) for kind in kinds)
    counts: dict[str, int] = {}
    with transaction.atomic():
        _clear(None if kinds is None else [item.code for item in chosen])
        for item in chosen:
            count = 0

            def counted(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> Iterator[Any]:
                nonlocal count
                for row in rows:
                    count += 1
                    yield row

            if connection.vendor == "postgresql":
                _pg_fill(item, counted(_source_rows(item)))
            else:
                index_rows(kind=item.kind, rows=counted(_source_rows(item)))
            counts[item.kind] = count
    return counts


def _clear(codes: list[int] | None) -> None:
    with connection.cursor() as cursor:
        if codes is None and connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {TABLE}")
            return
        if codes is None:
            cursor.execute(f"DROP TABLE {TABLE}")
            cursor.execute(SQLITE_CREATE)
            return
        key = "id" if connection.vendor == "postgresql" else "rowid"
        marks = ", ".join(["%s"] * len(codes))
        mask = (1 << CODE_BITS) - 1
        cursor.execute(f"DELETE FROM {TABLE} WHERE ({key} & {mask}) IN ({marks})", codes)


def _pg_fill(item: Source, rows: Iterable[tuple[int, Sequence[str | None]]]) -> None:
    """PostgreSQL: new rows through ``COPY``, the tsvector in its text form (several
    times faster than ``executemany`` for a province's million records). One ``COPY`` per
    chunk: the rows are read through a server-side cursor of the same connection, which
    cannot fetch while a ``COPY`` is open."""
    chunk: list[tuple[int, str]] = []
    for pk, texts in rows:
        found = tokens(texts)
        if found:
            body = " ".join(_pg_lexeme(t) for t in sorted(set(found)))
            chunk.append((_row_id(item.code, pk), body))
        if len(chunk) >= CHUNK:
            _pg_copy(chunk)
            chunk = []
    if chunk:
        _pg_copy(chunk)


def _pg_copy(rows: list[tuple[int, str]]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {TABLE} (id, body) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def counts() -> dict[str, int]:
    """Index rows by kind (for the rebuild command's check)."""
    mask = (1 << CODE_BITS) - 1
    key = "id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({key} & {mask}), COUNT(*) FROM {TABLE} GROUP BY 1")
        by_code = dict(cursor.fetchall())
    return {item.kind: by_code.get(item.code, 0) for item in SOURCES}


# ---- the models' side ----------------------------------------------------------------------


class SearchIndexedQuerySet(models.QuerySet[Any]):
    """Queryset of a source: an ``update()`` (and so ``bulk_update``, which updates
    through it) of an indexed field rewrites the index rows of the rows it changed, in
    the same transaction."""

    def update(self, **kwargs: Any) -> int:
        item = _source_of_model(self.model)
        if not set(kwargs) & set(item.fields):
            return super().update(**kwargs)
        with transaction.atomic(savepoint=False):
            ids = list(self.values_list("pk", flat=True))
            changed = super().update(**kwargs)
            fresh = self.model._default_manager.filter(pk__in=ids).values_list("pk", *item.fields)
            index_rows(kind=item.kind, rows=((row[0], row[1:]) for row in fresh))
        return changed


class SearchIndexed(models.Model):
    """Base of a model that is a source: its ``save`` and ``delete`` keep its index row in
    step, in the same transaction. A save limited by ``update_fields`` to fields the index
    does not hold (a status change) writes nothing."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        item = _source_of_model(type(self))
        update_fields = kwargs.get("update_fields")
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            if update_fields is None or set(update_fields) & set(item.fields):
                texts = [getattr(self, name) for name in item.fields]
                index_rows(kind=item.kind, rows=[(self.pk, texts)])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        item = _source_of_model(type(self))
        pk = self.pk
        with transaction.atomic(savepoint=False):
            result = super().delete(*args, **kwargs)
            unindex(kind=item.kind, ids=[pk])
        return result
