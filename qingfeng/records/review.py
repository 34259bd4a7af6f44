"""The review workflow: draft -> submitted -> approved, or returned with a reason (and
resubmitted). Only approved records count in scores, so approving recomputes the periods
the record's date touches. Every step is a save with the actor, so the history has it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.lib.history import stamp
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.rescore import recompute_after_change

SUBMITTABLE = (RecordStatus.DRAFT, RecordStatus.RETURNED)


def _save(record: Record, actor: Any, fields: list[str]) -> None:
    stamp(record, actor)
    record.save(update_fields=fields)


def _refuse(record: Record, expected: Iterable[str]) -> ValidationError:
    return ValidationError(
        _("Record %(id)s is %(status)s; this step needs it to be %(expected)s.")
        % {
            "id": record.pk,
            "status": record.get_status_display(),
            "expected": " / ".join(str(RecordStatus(s).label) for s in expected),
        }
    )


@transaction.atomic
def record_submit(*, record: Record, actor: Any) -> Record:
    """Send a draft (or a returned record, corrected) for review."""
    if record.status not in SUBMITTABLE:
        raise _refuse(record, SUBMITTABLE)
    record.status = RecordStatus.SUBMITTED
    record.submitted_at = timezone.now()
    _save(record, actor, ["status", "submitted_at"])
    return record


@transaction.atomic
def record_return(*, record: Record, reason: str, actor: Any) -> Record:
    """Send a submitted record back to its author with the reason."""
    if record.status != RecordStatus.SUBMITTED:
        raise _refuse(record, [RecordStatus.SUBMITTED])
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is returned.")})
    record.status = RecordStatus.RETURNED
    record.return_reason = reason.strip()
    record.reviewed_by = actor
    record.reviewed_at = timezone.now()
    _save(record, actor, ["status", "return_reason", "reviewed_by", "reviewed_at"])
    return record


def records_approve(*, records: Iterable[Record], actor: Any) -> int:
    """Approve submitted records (one or many) and recompute the periods they touch,
    once per framework. All or nothing: one record that is not submitted refuses all."""
    records = list(records)
    for record in records:
        if record.status != RecordStatus.SUBMITTED:
            raise _refuse(record, [RecordStatus.SUBMITTED])
    now = timezone.now()
    dates: dict[int, set[Any]] = defaultdict(set)
    frameworks = {}
    with transaction.atomic():
        for record in records:
            record.status = RecordStatus.APPROVED
            record.reviewed_by = actor
            record.reviewed_at = now
            record.return_reason = ""
            _save(record, actor, ["status", "reviewed_by", "reviewed_at", "return_reason"])
            dates[record.framework_id].add(record.date)
            frameworks[record.framework_id] = record.framework
    # After the commit: a recompute failure must not undo an approval.
    for framework_id, days in dates.items():
        recompute_after_change(framework=frameworks[framework_id], dates=days)
    return len(records)
