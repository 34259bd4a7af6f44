"""``manage.py score --framework CODE --period P [--format json|csv]``: recompute the
period with the version in force, store the snapshots, and print every unit's result
(with its data completeness and unreported leaves: docs/completeness-scores.md)."""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.records.rescore import period_recompute
from qingfeng.scoring.selectors import node_codes, period_snapshots, score_rows

FLAT_COLUMNS = [
    "unit",
    "category",
    "total",
    "raw",
    "applicable_max",
    "band",
    "rank",
    "category_rank",
    "vetoed",
    "completeness",
]


class Command(BaseCommand):
    help = "Score every unit for a period and print the results (JSON or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="framework code, e.g. LK")
        parser.add_argument("--period", required=True, help="2025, 2025H1, 2025Q3 or 2025M07")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        framework = Framework.objects.filter(code=options["framework"]).first()
        if framework is None:
            raise CommandError(f"No framework with code {options['framework']!r}.")
        try:
            period = Period.parse(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        result = period_recompute(framework=framework, period=period)
        if result.version is None:
            raise CommandError(f"Framework {framework.code} has no published version for {period}.")
        rows = score_rows(period_snapshots(framework=framework, period=period), result.version)
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        codes = node_codes(result.version)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow([*FLAT_COLUMNS, "unreported", *codes])
        for row in rows:
            unreported = [code for code, node in row["nodes"].items() if node.get("unreported")]
            writer.writerow(
                [_cell(row[c]) for c in FLAT_COLUMNS]
                + [" ".join(unreported)]
                + [_cell(row["nodes"].get(code, {}).get("score")) for code in codes]
            )
        sys.stdout.flush()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
