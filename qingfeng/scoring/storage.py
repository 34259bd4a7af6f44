"""How PostgreSQL stores the snapshots' JSON columns (docs/speed.md, "Compression"):

- ``nodes`` and ``record_ids``, the large ones, are compressed with lz4 instead of the
  default pglz (a third of the time to store a province's snapshots);
- ``level_one`` and ``components``, the small ones the pages read for every unit, are
  kept inline and uncompressed (storage MAIN): when a row is still too long after
  ``nodes`` is compressed, PostgreSQL then moves ``nodes`` out of the row instead of
  compressing ``level_one``, which every look-up into it would decompress again.

Set by migration ``scoring.0004`` and again after a restore: ``core.backup`` dumps without
compression methods, so that an archive restores onto any server, built with lz4 or not.
"""

from __future__ import annotations

from typing import Any

from django.db import NotSupportedError, transaction

TABLE = "scoring_snapshot"
COMPRESSED_COLUMNS = ("nodes", "record_ids")
INLINE_COLUMNS = ("level_one", "components")


def set_snapshot_storage(*, connection: Any, default: bool = False) -> bool:
    """Store the snapshots' JSON columns as above from now on (stored values keep their
    form until rewritten), or as PostgreSQL does by default with ``default``; return
    whether lz4 took: False on SQLite, which has no such settings, and on a PostgreSQL
    built without lz4 (which then keeps pglz, the inline columns set all the same)."""
    if connection.vendor != "postgresql":
        return False
    method, storage = ("default", "extended") if default else ("lz4", "main")
    inline = ", ".join(f"ALTER COLUMN {column} SET STORAGE {storage}" for column in INLINE_COLUMNS)
    compressed = ", ".join(
        f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in COMPRESSED_COLUMNS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} {inline}")
    try:
        # Its own transaction, or a savepoint inside the caller's (a migration's): a server
        # without lz4 refuses the statement and leaves the outer transaction usable.
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {TABLE} {compressed}")
    except NotSupportedError:
        return False
    return True
