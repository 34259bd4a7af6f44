"""``manage.py rebuild_search_index [--kind KIND …]``: the one-stop query's search index
(``qingfeng.lib.search_index``) emptied and filled again from the data, in one
transaction. The apps keep the index in step as they write; run this after writing to the
database by other means (raw SQL, a restored dump of an older version) or after adding a
source."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from qingfeng.lib import search_index


class Command(BaseCommand):
    help = "Rebuild the search index of the one-stop query from the data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            action="append",
            choices=[item.kind for item in search_index.SOURCES],
            help="Rebuild only this kind of object (repeatable); everything by default.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        counts = search_index.rebuild(kinds=options["kind"])
        elapsed = time.perf_counter() - started
        labels = {"unit": _("Units"), "person": _("Leaders"), "record": _("Records")}
        for kind, count in counts.items():
            # A source without a label of its own is named as its model names its objects.
            model = search_index.source(kind).model_class()
            label = labels.get(kind) or capfirst(str(model._meta.verbose_name_plural))
            self.stdout.write(_("%(kind)s: %(count)d indexed") % {"kind": label, "count": count})
        self.stdout.write(
            self.style.SUCCESS(_("Search index rebuilt in %(seconds).1f s.") % {"seconds": elapsed})
        )
