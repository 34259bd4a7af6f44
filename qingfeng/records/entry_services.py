"""Writes of the entry pages: a record typed in with its evidence (and optionally sent for
review), a corrected draft or returned record, a deleted draft, and the quick-entry table
(all or nothing). The checks are ``record_create``'s (``RecordChecker``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.lib.history import stamp
from qingfeng.org.models import Station, Unit
from qingfeng.records.evidence import evidence_add, evidence_problems
from qingfeng.records.imports import RecordChecker
from qingfeng.records.models import Record, RecordSource, RecordStatus
from qingfeng.records.periods import refuse_frozen
from qingfeng.records.review import SUBMITTABLE, record_submit
from qingfeng.records.services import record_create

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from qingfeng.accounts.models import User

VALUE_FIELDS = ("points", "quantity", "grade", "value", "problem_type", "note")


def _check_files(files: list[UploadedFile]) -> None:
    """Refuse every bad file before anything is written (a rollback would not remove a
    file already put in storage)."""
    problems = [problem for upload in files for problem in evidence_problems(upload)]
    if problems:
        raise ValidationError({"evidence": problems})


def _typed_draft(
    *,
    framework: Framework,
    indicator_code: str,
    unit: Unit,
    date: datetime.date,
    station: Station | None,
    actor: User,
    values: dict[str, Any],
) -> Record:
    """A record typed in on an entry page: a draft, dated in an open collection period
    (``record_create``'s checks; ``ValidationError`` by field)."""
    return record_create(
        framework=framework,
        indicator_code=indicator_code,
        unit=unit,
        date=date,
        actor=actor,
        open_periods_only=True,
        station=station,
        source=RecordSource.TYPED,
        status=RecordStatus.DRAFT,
        **values,
    )


def _add_evidence(*, record: Record, files: list[UploadedFile], submit: bool, actor: User) -> None:
    """Attach the (already checked) files, then send the record for review if asked."""
    for upload in files:
        evidence_add(record=record, upload=upload, actor=actor)
    if submit:
        record_submit(record=record, actor=actor)


@transaction.atomic
def entry_save(
    *,
    framework: Framework,
    indicator_code: str,
    unit: Unit,
    date: datetime.date,
    station: Station | None,
    actor: User,
    values: dict[str, Any],
    files: list[UploadedFile],
    submit: bool,
    self_assessment: bool = False,
) -> Record:
    """Create a typed-in draft with its evidence, then submit it if asked; all or nothing
    (``ValidationError`` by field)."""
    _check_files(files)
    record = _typed_draft(
        framework=framework,
        indicator_code=indicator_code,
        unit=unit,
        date=date,
        station=station,
        actor=actor,
        values={**values, "self_assessment": self_assessment},
    )
    _add_evidence(record=record, files=files, submit=submit, actor=actor)
    return record


@transaction.atomic
def record_update(
    *,
    record: Record,
    unit: Unit,
    date: datetime.date,
    actor: User,
    values: dict[str, Any],
    files: list[UploadedFile],
    submit: bool,
) -> Record:
    """Correct a draft or returned record (same checks as a new one), add evidence, and
    submit it if asked; ``ValidationError`` by field. A record dated in a closed
    collection period is frozen: it cannot be changed, not even moved to an open date."""
    if record.status not in SUBMITTABLE:
        raise ValidationError(_("Only a draft or returned record can be changed."))
    refuse_frozen(records=[record])
    _check_files(files)
    checker = RecordChecker(
        framework=record.framework,
        station=record.station,
        actor=actor,
        open_periods_only=True,
        self_assessment=record.self_assessment,
    )
    checker.validate(unit=unit, indicator_code=record.indicator_code, date=date, values=values)
    record.unit = unit
    record.date = date
    for name in VALUE_FIELDS:
        default = "" if name in ("grade", "problem_type", "note") else None
        value = values.get(name)
        # 0 is a number (a "no problem" answer deducts 0 points), not an empty field.
        setattr(record, name, default if value is None or value == "" else value)
    record.full_clean()
    stamp(record, actor)
    record.save()
    _add_evidence(record=record, files=files, submit=submit, actor=actor)
    return record


@transaction.atomic
def record_delete_draft(*, record: Record, actor: User) -> None:
    """Delete a draft that was never submitted (its evidence goes with it); refused while
    its date is in a closed collection period."""
    if record.status != RecordStatus.DRAFT:
        raise ValidationError(_("Only a draft can be deleted."))
    refuse_frozen(records=[record])
    stamp(record, actor)
    for evidence in record.evidence.all():
        stamp(evidence, actor)
        evidence.file.delete(save=False)
        evidence.delete()
    record.delete()


@dataclass
class QuickRow:
    """One filled row of the quick-entry table."""

    unit: Unit
    values: dict[str, Any]


@dataclass
class QuickResult:
    """The records made, or the problems by unit id (then nothing was stored)."""

    records: list[Record] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)


class _Rollback(Exception):
    pass


def quick_entry_save(
    *,
    framework: Framework,
    indicator_code: str,
    station: Station,
    date: datetime.date,
    rows: list[QuickRow],
    submit: bool,
    actor: User,
) -> QuickResult:
    """Create a record per row in one transaction: if any row has a problem, nothing is
    stored and every row's problems are returned."""
    result = QuickResult()
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    record = _typed_draft(
                        framework=framework,
                        indicator_code=indicator_code,
                        unit=row.unit,
                        date=date,
                        station=station,
                        actor=actor,
                        values=row.values,
                    )
                except ValidationError as error:
                    # ``messages`` flattens a dict of field errors as well as a list.
                    result.errors[row.unit.pk] = list(error.messages)
                    continue
                if submit:
                    record_submit(record=record, actor=actor)
                result.records.append(record)
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.records = []
    return result
