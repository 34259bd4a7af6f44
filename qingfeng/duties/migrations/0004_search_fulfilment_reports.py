"""Fulfilment records and personal reports join the one-stop query's search index
(``lib.search_index`` sources ``fulfilment`` and ``personal_report``): index the rows
already stored (new ones are indexed by the models' ``save``). No schema change.

Numbered 0004 beside another part's 0003 (issue 14): the two are merged or renumbered
when the parts are put together.
"""

from typing import Any

from django.db import migrations

from qingfeng.lib import search_index


def index_existing(apps: Any, schema_editor: Any) -> None:
    Fulfilment = apps.get_model("duties", "Fulfilment")
    PersonalReport = apps.get_model("duties", "PersonalReport")
    rows = Fulfilment.objects.order_by().values_list("pk", "content")
    search_index.index_rows(
        kind="fulfilment", rows=((pk, (content,)) for pk, content in rows.iterator())
    )
    reports = PersonalReport.objects.order_by().values_list("pk", "destination", "description")
    search_index.index_rows(
        kind="personal_report",
        rows=((pk, (destination, description)) for pk, destination, description in reports),
    )


def unindex_existing(apps: Any, schema_editor: Any) -> None:
    Fulfilment = apps.get_model("duties", "Fulfilment")
    PersonalReport = apps.get_model("duties", "PersonalReport")
    search_index.unindex(kind="fulfilment", ids=Fulfilment.objects.values_list("pk", flat=True))
    search_index.unindex(
        kind="personal_report", ids=PersonalReport.objects.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_search_index"),
        ("duties", "0003_duty_feed"),
    ]

    operations = [migrations.RunPython(index_existing, unindex_existing)]
