"""PostgreSQL: compress the snapshots' large JSON columns with lz4 instead of pglz, and
keep the small ones inline and uncompressed (``scoring.storage``).

A province's ``nodes`` documents are about 2.5 KB each, past the size at which PostgreSQL
compresses a value; pglz took a third of the time to store a province's snapshots (1.15 s
of COPY against 0.77 s with lz4). lz4 compresses them less, so a row can stay too long
after it; ``level_one`` (read by the pages for every unit) is then kept as it is and
``nodes`` moved out of the row. Values already stored keep their form until rewritten
(the next recompute of their period). A server built without lz4 keeps its defaults;
SQLite has no such thing.
"""

from django.db import migrations

from qingfeng.scoring.storage import set_snapshot_storage


def lz4_and_inline(apps, schema_editor):  # type: ignore[no-untyped-def]
    set_snapshot_storage(connection=schema_editor.connection)


def defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    set_snapshot_storage(connection=schema_editor.connection, default=True)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_snapshot_level_one")]

    operations = [migrations.RunPython(lz4_and_inline, defaults)]
