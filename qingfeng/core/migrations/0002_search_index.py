"""The search index of the one-stop query (``qingfeng.lib.search_index``): an FTS5 table on
SQLite, a tsvector column with a GIN index on PostgreSQL. The apps keep it in step when
they write; the last step fills it from the data already there."""

from django.db import migrations

SQLITE = (
    "CREATE VIRTUAL TABLE search_index USING fts5(body, tokenize = 'ascii', detail = none, "
    "columnsize = 0)"
)
POSTGRESQL = (
    "CREATE TABLE search_index (id bigint PRIMARY KEY, body tsvector NOT NULL)",
    "CREATE INDEX search_index_body ON search_index USING gin (body)",
)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = (SQLITE,) if schema_editor.connection.vendor == "sqlite" else POSTGRESQL
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute("DROP TABLE search_index")


# The sources as they stood when the index came (a later source fills itself in its own
# migration, or by ``manage.py rebuild_search_index``).
SOURCES = (
    ("unit", "org", "Unit", ("code", "name")),
    ("person", "org", "Person", ("code", "name")),
    ("record", "records", "Record", ("indicator_code", "problem_type", "note")),
)


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Index what an existing installation already holds (nothing on a new one)."""
    from qingfeng.lib.search_index import index_rows

    for kind, app_label, model_name, fields in SOURCES:
        rows = apps.get_model(app_label, model_name).objects.values_list("pk", *fields)
        index_rows(kind=kind, rows=((row[0], row[1:]) for row in rows.iterator()))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_cache_table"),
        ("org", "0002_historicalincharge_incharge"),
        ("records", "0003_problem_types"),
    ]
    operations = [
        migrations.RunPython(create, drop),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
