"""Records pushed by another system: one batch, checked whole, stored all or nothing.

Every item is checked with the rules of the Excel import (``RecordChecker`` through
``validate_records``), for the token's station, against the framework's open collection
periods, and limited to the units of the station's region subtree. Items whose
``external_id`` the station already sent are skipped, so a batch sent twice is stored once.
An item with ``"nil": true`` is a nil return (零报告) for its unit and indicator in the open
collection period containing its date (``records.nil_imports``, the Excel upload's nil rows);
a nil item the station's active nil returns already cover is skipped likewise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.accounts.selectors import token_units
from qingfeng.api.models import StationToken
from qingfeng.api.schemas import RecordIn
from qingfeng.framework.models import Framework
from qingfeng.lib.tabular import Issue, Issues, RawItem
from qingfeng.org.models import Station, Unit
from qingfeng.records.imports import COLUMNS, RecordChecker, validate_records
from qingfeng.records.models import Record, RecordSource, RecordStatus
from qingfeng.records.nil_imports import NilRows, nil_row_plans
from qingfeng.records.nil_returns import clean_note, store_nil_return
from qingfeng.records.storage import records_insert

_CHUNK = 500  # ids per ``IN (...)`` query, well under SQLite's variable limit


@dataclass
class PushResult:
    """What a push stored (``created``), skipped as already sent (``existing``), the nil
    returns it filed from nil items (``nil_returns``) and the record ids in item order
    (a nil item's: the id of its nil return); or, with errors, why it stored nothing
    (issues located by the item's index, from 0, as the row and the field as the column;
    the row is None for the whole batch)."""

    created: int = 0
    existing: int = 0
    ids: list[int] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    nil_returns: int = 0  # nil returns filed from the batch's nil items


class StationChecker(RecordChecker):
    """The import's checker for the token's station, seeing only the token's units
    (``token_units``): any other unit is "unknown", exactly like one that does not exist."""

    def __init__(self, *, framework: Framework, token: StationToken) -> None:
        super().__init__(
            framework=framework, station=token.station, actor=None, open_periods_only=True
        )
        self.token = token

    @cached_property
    def unit_scope(self) -> QuerySet[Unit] | None:
        return token_units(self.token)


def records_push(*, framework: Framework, token: StationToken, items: list[RecordIn]) -> PushResult:
    """Store a batch of records sent with ``token``, all or nothing.

    The items are well-formed (``BatchIn`` checked them); here each is checked with the
    Excel import's rules. Records are stored as submitted (they go through review like
    typed ones), with source ``api``, the token's station and no author (the history names
    the token as reason).
    """
    result = PushResult()
    station = token.station
    errors = Issues()
    external: dict[int, str] = {}
    first_index: dict[str, int] = {}
    rows: list[RawItem] = []
    for index, item in enumerate(items):
        if item.external_id in first_index:
            message = _("the same external_id as record %(index)s of this batch") % {
                "index": first_index[item.external_id]
            }
            errors.at(index, "external_id", message)
        else:
            first_index[item.external_id] = index
            external[index] = item.external_id
        values = item.model_dump(include=set(COLUMNS))
        rows.append(RawItem(index, values))

    existing = _existing(station, list(first_index))
    fresh = [row for row in rows if external.get(row.row) not in existing]
    checker = StationChecker(framework=framework, token=token)
    nil_rows = NilRows()
    records = validate_records(
        rows=fresh,
        checker=checker,
        issues=errors,
        status=RecordStatus.SUBMITTED,
        source=RecordSource.API,
        nil_rows=nil_rows,
    )
    # Nil items (``"nil": true``): nil returns, checked like the Excel upload's nil rows;
    # those the station already filed are skipped, so a batch sent twice files once.
    nil_plans = nil_row_plans(
        collected=nil_rows,
        checker=checker,
        station=station,
        issues=errors,
        skip_filed=True,
        row_name=_batch_item,
    )
    if errors:
        result.errors = sorted(errors.items, key=lambda e: -1 if e.row is None else e.row)
        return result

    now = timezone.now()
    nil_indexes = {row for row, _fields, _problems in nil_rows.rows}
    record_rows = [row for row in fresh if row.row not in nil_indexes]
    for row, record in zip(record_rows, records, strict=True):
        record["external_id"] = external[row.row]
        record["submitted_at"] = now
    reason = f"API token {token.prefix}… ({token.name})"
    nil_of_item = dict(nil_rows.filed)
    try:
        with transaction.atomic():
            created = records_insert(rows=records, history_user=None, change_reason=reason)
            for planned in nil_plans:
                nil_return = store_nil_return(
                    framework=framework,
                    station=station,
                    plan=planned.plan,
                    note=clean_note(planned.note),
                    actor=None,
                    source=RecordSource.API,
                    change_reason=reason,
                )
                nil_of_item.update(dict.fromkeys(planned.rows, nil_return.pk))
                result.nil_returns += 1
    except IntegrityError:
        # Another request with some of the same external ids won the race; nothing of this
        # one was stored, and resending it now creates only what is still missing.
        message = _("a concurrent request stored some of these records; send the batch again")
        result.errors.append(Issue("", None, "external_id", message))
        return result
    new_ids = {record["external_id"]: pk for record, pk in zip(records, created, strict=True)}
    result.created = len(created)
    result.existing = len(rows) - len(fresh) + len(nil_rows.filed)
    result.ids = [
        nil_of_item[index]
        if index in nil_of_item
        else existing.get(external[index]) or new_ids[external[index]]
        for index in range(len(items))
    ]
    return result


def _batch_item(index: int) -> str:
    return _("record %(index)s of this batch") % {"index": index}


def _existing(station: Station, ids: list[str]) -> dict[str, int]:
    """Record ids by external id, of the ids the station already sent."""
    found: dict[str, int] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = Record.objects.filter(station=station, external_id__in=chunk)
        found.update(query.values_list("external_id", "pk"))
    return found
