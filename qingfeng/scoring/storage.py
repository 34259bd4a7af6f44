"""How PostgreSQL stores the snapshots' large JSON columns: lz4 instead of the default
pglz (docs/speed.md, "Compression"). Set by migration ``scoring.0004`` and again after a
restore: ``core.backup`` dumps without compression settings, so that an archive restores
onto any server, built with lz4 or not."""

from __future__ import annotations

from typing import Any

from django.db import NotSupportedError, transaction

TABLE = "scoring_snapshot"
COMPRESSED_COLUMNS = ("nodes", "record_ids")


def set_snapshot_compression(*, connection: Any, method: str = "lz4") -> bool:
    """Compress ``COMPRESSED_COLUMNS`` with ``method`` ("lz4", or "default" to undo) from
    now on (stored values keep theirs until rewritten); return whether it took: False on
    SQLite, which has no such setting, and on a PostgreSQL built without lz4."""
    if connection.vendor != "postgresql":
        return False
    clauses = ", ".join(
        f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in COMPRESSED_COLUMNS
    )
    try:
        # Its own transaction, or a savepoint inside the caller's (a migration's): a server
        # without lz4 refuses the statement and leaves the outer transaction usable.
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} {clauses}")
    except NotSupportedError:
        return False
    return True
