"""Writes of records: one record typed in, or a whole file imported.

Both check a record with the same rules (``qingfeng.records.imports.RecordChecker``), keep
its history, and then ask the scoring to recompute the periods the new records fall in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.lib.periods import MONTHS
from qingfeng.lib.tabular import Issues
from qingfeng.org.models import Station, Unit
from qingfeng.records.imports import (
    RecordChecker,
    RecordsImportResult,
    read_records_file,
    validate_records,
)
from qingfeng.records.models import Record, RecordSource, RecordStatus
from qingfeng.records.nil_imports import NilRows, nil_row_plans
from qingfeng.records.nil_returns import clean_note, store_nil_return
from qingfeng.records.rescore import recompute_after_change
from qingfeng.records.storage import records_insert

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

__all__ = ["record_create", "records_import"]


def records_import(
    *,
    data: bytes,
    filename: str,
    framework: Framework,
    station: Station | None = None,
    actor: User | None = None,
    status: str = RecordStatus.APPROVED,
    source: str = RecordSource.IMPORTED,
    open_periods_only: bool = False,
) -> RecordsImportResult:
    """Import a records file (.xlsx or .csv, by ``filename``), all or nothing.

    Every row is checked first; if any has a problem, nothing is stored and the result
    holds every issue, located by row and column. Rows marked nil (零报告, with a
    ``station``) become nil returns, submitted, one per indicator and collection period
    (``records.nil_imports``), stored in the records' transaction. Otherwise all records
    are created in one transaction, with their history, and the periods they fall in are
    recomputed in that same transaction: a crash or a failed recompute leaves no record stored.
    ``station`` limits the file to that station's indicators; ``actor`` (None on the
    command line) limits it to the units the actor sees and is recorded as the author.
    ``open_periods_only`` (the upload page, the API) refuses dates outside the framework's
    open collection periods.
    """
    result = RecordsImportResult()
    read = read_records_file(data=data, filename=filename)
    if read.issues:
        result.issues = read.issues
        return result
    issues = Issues()
    if not read.rows:
        issues.at(None, None, _("the file contains nothing to import"))
        result.issues = issues.items
        return result
    checker = RecordChecker(
        framework=framework, station=station, actor=actor, open_periods_only=open_periods_only
    )
    nil_rows = NilRows()
    records = validate_records(
        rows=read.rows,
        checker=checker,
        issues=issues,
        status=status,
        source=source,
        nil_rows=nil_rows,
    )
    nil_plans = nil_row_plans(collected=nil_rows, checker=checker, station=station, issues=issues)
    if issues:
        # The nil rows were checked after the records: every issue in row order again.
        result.issues = sorted(issues.items, key=lambda issue: issue.row or 0)
        return result
    # The records and the recompute of their periods commit together (finding 4 of issue
    # 10): a crash in between must not leave records whose scores were never computed.
    with transaction.atomic():
        ids = records_insert(rows=records, history_user=actor)
        for item in nil_plans:
            assert station is not None  # nil rows are refused without a station
            nil_return = store_nil_return(
                framework=framework,
                station=station,
                plan=item.plan,
                note=clean_note(item.note),
                actor=actor,
                source=source,
            )
            result.nil_returns.append(nil_return.pk)
        if status == RecordStatus.APPROVED:
            result.periods = _recompute(
                framework,
                (record["date"] for record in records),
                {record["unit_id"] for record in records},
            )
    result.created = len(ids)
    result.record_ids = ids
    return result


def record_create(
    *,
    framework: Framework,
    indicator_code: str,
    unit: Unit,
    date: datetime.date,
    actor: User | None,
    open_periods_only: bool = False,
    **fields: Any,
) -> Record:
    """Create one record after the import's row checks; ``ValidationError`` by field.

    ``fields`` are the other ``Record`` fields (points, quantity, grade, value,
    problem_type, note, status, source, station, self_assessment); the status defaults
    to draft. An approved record triggers the recomputation of its periods, in the
    transaction that stores it.
    ``open_periods_only`` refuses a date outside the open collection periods (every entry
    page passes True); a self-assessment must be on a self-assessed indicator.
    """
    station = fields.get("station")
    checker = RecordChecker(
        framework=framework,
        station=station,
        actor=actor,
        open_periods_only=open_periods_only,
        self_assessment=bool(fields.get("self_assessment")),
    )
    checker.validate(unit=unit, indicator_code=indicator_code, date=date, values=fields)
    record = Record(
        framework=framework,
        indicator_code=indicator_code,
        unit=unit,
        date=date,
        created_by=actor,
        **fields,
    )
    record.full_clean()
    record._history_user = actor  # type: ignore[attr-defined]
    with transaction.atomic():
        record.save()
        if record.status == RecordStatus.APPROVED:
            _recompute(framework, [record.date], [record.unit_id])
    return record


def _recompute(
    framework: Framework, dates: Iterable[datetime.date], units: Iterable[int]
) -> list[str]:
    """Recompute the scores (and problem tallies) the new records of ``units`` touch; the
    recomputed periods, as text."""
    days = sorted(set(dates))
    if not days:
        return []
    periods = recompute_after_change(framework=framework, dates=days, units=units)
    # Longest first within the same start: 2025, 2025H1, 2025Q1, 2025M01, 2025Q2, …
    periods = sorted(periods, key=lambda period: (period.start, -MONTHS[period.kind]))
    return [str(period) for period in periods]
