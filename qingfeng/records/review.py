"""The review workflow: draft -> submitted -> approved, or returned with a reason (and
resubmitted). Only approved records count in scores, so approving recomputes the periods
the record's date touches. Every step is a save with the actor, so the history has it.

Two rules hold for every step, whoever the actor is (a system or commission administrator
too): a record dated in a closed collection period is frozen (``periods.refuse_frozen``),
and the user who entered a record never reviews it (``entered_by``): neither approves nor
returns it; another reviewer does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qingfeng.lib.history import stamp
from qingfeng.records.models import NilReturn, Record, RecordStatus
from qingfeng.records.nil_cover import refuse_nil_covered
from qingfeng.records.periods import refuse_frozen
from qingfeng.records.rescore import recompute_after_change

SUBMITTABLE = (RecordStatus.DRAFT, RecordStatus.RETURNED)


def record_label(record: Record) -> str:
    """A record as a user names it in a message (its unit, indicator and date), never its
    database id: "黎侯镇 · A1 · 2025-08-01"."""
    return f"{record.unit.name} · {record.indicator_code} · {record.date.isoformat()}"


def _save(record: Record, actor: Any, fields: list[str]) -> None:
    stamp(record, actor)
    record.save(update_fields=fields)


def _refuse(record: Record, expected: Iterable[str]) -> ValidationError:
    return ValidationError(
        _("The record %(record)s is %(status)s; this step needs it to be %(expected)s.")
        % {
            "record": record_label(record),
            "status": record.get_status_display(),
            "expected": " / ".join(str(RecordStatus(s).label) for s in expected),
        }
    )


def entered_by(*, record: Record | NilReturn, user: Any) -> bool:
    """Whether ``user`` entered ``record`` (``created_by``): that user may not review it.
    Records imported on the command line or pushed by an API token have no author (a
    station's data), so any reviewer in scope reviews them. The same rule holds for a nil
    return (``records.nil_returns``): whoever filed it never reviews it."""
    return user is not None and user.pk is not None and record.created_by_id == user.pk


def _refuse_own(records: list[Record], actor: Any) -> None:
    """Separation of duties: refuse when the actor entered any of ``records``."""
    own = [record for record in records if entered_by(record=record, user=actor)]
    if own:
        raise ValidationError(
            ngettext(
                "You entered record %(ids)s: another reviewer must review it.",
                "You entered records %(ids)s: another reviewer must review them.",
                len(own),
            )
            % {"ids": ", ".join(str(record.pk) for record in own)}
        )


@transaction.atomic
def record_submit(*, record: Record, actor: Any) -> Record:
    """Send a draft (or a returned record, corrected) for review; refused while the
    record's date is in a closed collection period."""
    if record.status not in SUBMITTABLE:
        raise _refuse(record, SUBMITTABLE)
    refuse_frozen(records=[record])
    refuse_nil_covered(records=[record])
    record.status = RecordStatus.SUBMITTED
    record.submitted_at = timezone.now()
    _save(record, actor, ["status", "submitted_at"])
    return record


@transaction.atomic
def record_return(*, record: Record, reason: str, actor: Any) -> Record:
    """Send a submitted record back to its author with the reason. Refused to the user
    who entered it and while its date is in a closed collection period."""
    if record.status != RecordStatus.SUBMITTED:
        raise _refuse(record, [RecordStatus.SUBMITTED])
    _refuse_own([record], actor)
    refuse_frozen(records=[record])
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
    once per framework, in the same transaction. All or nothing: one record that is not
    submitted, that the actor entered, or that is dated in a closed collection period
    refuses all (the message names them); a failed recompute undoes the approval."""
    records = list(records)
    for record in records:
        if record.status != RecordStatus.SUBMITTED:
            raise _refuse(record, [RecordStatus.SUBMITTED])
    _refuse_own(records, actor)
    refuse_frozen(records=records)
    refuse_nil_covered(records=records)
    now = timezone.now()
    dates: dict[int, set[Any]] = defaultdict(set)
    units: dict[int, set[int]] = defaultdict(set)
    frameworks = {}
    with transaction.atomic():
        for record in records:
            record.status = RecordStatus.APPROVED
            record.reviewed_by = actor
            record.reviewed_at = now
            record.return_reason = ""
            _save(record, actor, ["status", "reviewed_by", "reviewed_at", "return_reason"])
            dates[record.framework_id].add(record.date)
            units[record.framework_id].add(record.unit_id)
            frameworks[record.framework_id] = record.framework
        # In the approval's transaction: approved records never outlive a crash or a
        # failed recompute with stale scores (finding 4 of issue 10).
        for framework_id, days in dates.items():
            recompute_after_change(
                framework=frameworks[framework_id], dates=days, units=units[framework_id]
            )
    return len(records)
