"""Writes of the ledger's file exchange: a ledger sheet imported, all or nothing.

The rows are read and checked by ``rectification.imports``; each problem is entered with
``rectification.services.problem_create`` (its number, its first step, its history), all
in one transaction, so a failure part-way stores nothing.

Idempotency (docs/ledger-import.md): a row whose external number (外部编号) the station
already entered, or, without a number, a row identical to a problem already in the
ledger (same unit, source, description and deadline, entered by the same station), is
skipped. Importing the same file twice therefore adds nothing the second time. A skipped
row is not updated: once entered, a problem changes through its states and extensions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.lib.tabular import Issue, Issues
from qingfeng.org.models import Station
from qingfeng.rectification.imports import (
    LedgerChecker,
    ProblemRow,
    read_ledger_file,
    validate_rows,
)
from qingfeng.rectification.models import Problem
from qingfeng.rectification.services import problem_create

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


@dataclass
class ProblemsImportResult:
    """What an import entered (and skipped as already entered), or, with issues, why it
    entered nothing."""

    created: int = 0
    skipped: int = 0
    issues: list[Issue] = field(default_factory=list)
    problem_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


def problems_import(
    *, data: bytes, filename: str, actor: User | None, station: Station | None = None
) -> ProblemsImportResult:
    """Import a ledger sheet (.xlsx or .csv, by ``filename``), all or nothing.

    Every row is checked first; if any has a problem nothing is stored and the result
    holds every issue, located by row and column. ``actor`` (None on the command line)
    limits the units to those the actor may enter problems for and is the author of each
    problem; ``station`` (a station clerk's own) is each problem's source station and
    limits the units to the station's.
    """
    result = ProblemsImportResult()
    read = read_ledger_file(data=data, filename=filename)
    if read.issues:
        result.issues = read.issues
        return result
    issues = Issues()
    if not read.rows:
        issues.at(None, None, _("the file contains nothing to import"))
        result.issues = issues.items
        return result
    rows = validate_rows(
        rows=read.rows, checker=LedgerChecker(actor=actor, station=station), issues=issues
    )
    if issues:
        result.issues = issues.items
        return result
    with transaction.atomic():
        fresh = _not_entered(rows, station)
        for row in fresh:
            problem = problem_create(actor=actor, station=station, **row.fields)
            result.problem_ids.append(problem.pk)
    result.created = len(result.problem_ids)
    result.skipped = len(rows) - len(fresh)
    return result


def _not_entered(rows: list[ProblemRow], station: Station | None) -> list[ProblemRow]:
    """The rows not in the ledger yet (by external number, else by content)."""
    ledger = Problem.objects.filter(station=station)
    numbers = [row.fields["external_id"] for row in rows if row.fields["external_id"]]
    known_numbers: set[str] = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        known_numbers.update(
            ledger.filter(external_id__in=chunk).values_list("external_id", flat=True)
        )
    unit_ids = {row.fields["unit"].pk for row in rows if not row.fields["external_id"]}
    known_contents = set(
        ledger.filter(unit_id__in=unit_ids).values_list("unit_id", "source", "description", "due")
    )
    fresh = []
    for row in rows:
        fields = row.fields
        if fields["external_id"]:
            if fields["external_id"] in known_numbers:
                continue
        elif (fields["unit"].pk, fields["source"], fields["description"], fields["due"]) in (
            known_contents
        ):
            continue
        fresh.append(row)
    return fresh
