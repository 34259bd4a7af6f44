"""Records pushed by another system: one batch, checked whole, stored all or nothing.

Every item is checked with the rules of the Excel import (``RecordChecker`` through
``validate_records``), for the token's station, against the framework's open collection
periods, and limited to the units of the station's region subtree. Items whose
``external_id`` the station already sent are skipped, so a batch sent twice is stored once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from qingfeng.accounts.selectors import token_units
from qingfeng.api.models import StationToken
from qingfeng.framework.models import Framework
from qingfeng.org.interchange_read import RawItem
from qingfeng.org.models import Station, Unit
from qingfeng.records.imports import COLUMNS, RecordChecker, RecordIssues, validate_records
from qingfeng.records.models import Record, RecordSource, RecordStatus

FIELDS: frozenset[str] = frozenset(("external_id", *COLUMNS))
EXTERNAL_ID_MAX = Record._meta.get_field("external_id").max_length or 100
_CHUNK = 500  # ids per ``IN (...)`` query, well under SQLite's variable limit
_BATCH = 2000


@dataclass(frozen=True)
class BatchError:
    """One problem of a batch: the item's index (from 0; None for the whole batch), the
    field, and a message in the active language."""

    index: int | None
    field: str | None
    message: str


@dataclass
class PushResult:
    """What a push stored (``created``), skipped as already sent (``existing``) and the
    record ids in item order; or, with errors, why it stored nothing."""

    created: int = 0
    existing: int = 0
    ids: list[int] = field(default_factory=list)
    errors: list[BatchError] = field(default_factory=list)


class StationChecker(RecordChecker):
    """The import's checker for the token's station, seeing only the token's units
    (``token_units``): any other unit is "unknown", exactly like one that does not exist."""

    def __init__(self, *, framework: Framework, token: StationToken) -> None:
        super().__init__(
            framework=framework, station=token.station, actor=None, open_periods_only=True
        )
        self.token = token
        self.seen: set[str] = set()
        self.inside: set[int] = set()

    def load_units(self, codes: Iterable[str]) -> None:
        """The units of these codes, and which of them the token sees, in a few queries."""
        super().load_units(codes)
        wanted = sorted(set(codes) - self.seen)
        self.seen.update(wanted)
        for start in range(0, len(wanted), _CHUNK):
            units = token_units(self.token).filter(code__in=wanted[start : start + _CHUNK])
            self.inside.update(units.values_list("pk", flat=True))

    def unit(self, code: str) -> Unit | None:
        unit = super().unit(code)
        if unit is None or unit.pk not in self.inside:
            return None
        return unit


def max_batch() -> int:
    """The most records one batch may hold."""
    return int(settings.API_MAX_BATCH)


def records_push(*, framework: Framework, token: StationToken, items: Any) -> PushResult:
    """Store a batch of records sent with ``token``, all or nothing.

    Records are stored as submitted (they go through review like typed ones), with source
    ``api``, the token's station and no author (the history names the token as reason).
    """
    result = PushResult()
    station = token.station
    if not isinstance(items, list):
        result.errors.append(BatchError(None, "records", _("expected a list of records")))
        return result
    if not items:
        result.errors.append(BatchError(None, "records", _("the batch contains no records")))
        return result
    limit = max_batch()
    if len(items) > limit:
        message = _("a batch may hold at most %(max)s records") % {"max": limit}
        result.errors.append(BatchError(None, "records", message))
        return result

    errors: list[BatchError] = []
    external: dict[int, str] = {}
    first_index: dict[str, int] = {}
    rows: list[RawItem] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(BatchError(index, None, _("expected an object")))
            continue
        for name in sorted(set(item) - FIELDS):
            errors.append(BatchError(index, name, _("unknown field")))
        ext = _external_id(index, item.get("external_id"), errors)
        if ext is not None:
            if ext in first_index:
                message = _("the same external_id as record %(index)s of this batch") % {
                    "index": first_index[ext]
                }
                errors.append(BatchError(index, "external_id", message))
            else:
                first_index[ext] = index
                external[index] = ext
        rows.append(RawItem(index, {k: v for k, v in item.items() if k in COLUMNS}))

    existing = _existing(station, list(first_index))
    fresh = [row for row in rows if external.get(row.row) not in existing]
    issues = RecordIssues()
    records = validate_records(
        rows=fresh,
        checker=StationChecker(framework=framework, token=token),
        issues=issues,
        status=RecordStatus.SUBMITTED,
        source=RecordSource.API,
    )
    errors.extend(BatchError(issue.row, issue.column, issue.message) for issue in issues.items)
    if errors:
        result.errors = sorted(errors, key=lambda e: -1 if e.index is None else e.index)
        return result

    now = timezone.now()
    for row, record in zip(fresh, records, strict=True):
        record.external_id = external[row.row]
        record.submitted_at = now
    reason = f"API token {token.prefix}… ({token.name})"
    try:
        with transaction.atomic():
            created = bulk_create_with_history(
                records, Record, batch_size=_BATCH, default_change_reason=reason
            )
    except IntegrityError:
        # Another request with some of the same external ids won the race; nothing of this
        # one was stored, and resending it now creates only what is still missing.
        message = _("a concurrent request stored some of these records; send the batch again")
        result.errors.append(BatchError(None, "external_id", message))
        return result
    new_ids = {record.external_id: record.pk for record in created}
    result.created = len(created)
    result.existing = len(rows) - len(fresh)
    result.ids = [
        existing.get(external[index]) or new_ids[external[index]] for index in range(len(items))
    ]
    return result


def _external_id(index: int, value: Any, errors: list[BatchError]) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        if value is None:
            errors.append(BatchError(index, "external_id", _("this field is required")))
        else:
            errors.append(BatchError(index, "external_id", _("expected text")))
        return None
    text = str(value).strip()
    if not text:
        errors.append(BatchError(index, "external_id", _("this field is required")))
        return None
    if len(text) > EXTERNAL_ID_MAX:
        message = _("at most %(max)s characters") % {"max": EXTERNAL_ID_MAX}
        errors.append(BatchError(index, "external_id", message))
        return None
    return text


def _existing(station: Station, ids: list[str]) -> dict[str, int]:
    """Record ids by external id, of the ids the station already sent."""
    found: dict[str, int] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = Record.objects.filter(station=station, external_id__in=chunk)
        found.update(query.values_list("external_id", "pk"))
    return found
