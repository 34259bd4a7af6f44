"""The ledger's .xlsx export: the problems a user sees, filtered as the ledger page filters
them, one row each, with Chinese sheet and column names, states in words and the overdue
flag, written by the streaming writer (``lib.xlsx_stream``) so a ledger of 50,000 problems
downloads in seconds; every text cell goes through ``lib.cells``' sanitiser there.

Which problems: the caller passes them, selected by the ledger page's own filter and
selectors (``rectification.selectors.ledger_filter`` and ``ledger_rows``), so the export
holds exactly the rows the page lists under the same query string.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.lib.headers import CHINESE_NAMES
from qingfeng.lib.xlsx import Sheet, workbook_bytes
from qingfeng.rectification.models import Problem, ProblemSource, ProblemState

SHEET_NAME = CHINESE_NAMES["problems"]
# The export's columns: the import's by the same Chinese names, then the ledger's own.
HEADERS: tuple[str, ...] = (
    "问题编号",
    "单位编码",
    CHINESE_NAMES["unit"],
    CHINESE_NAMES["source"],
    "来源监测站",
    CHINESE_NAMES["problem_type"],
    CHINESE_NAMES["description"],
    CHINESE_NAMES["responsible_person"],
    CHINESE_NAMES["due"],
    "状态",
    "是否逾期",
    CHINESE_NAMES["campaign"],
    "整改措施",
    "整改结果",
    "销号时间",
    CHINESE_NAMES["external_id"],
)


def _rows(problems: QuerySet[Problem], today: datetime.date) -> Iterator[list[Any]]:
    states = dict(ProblemState.choices)
    sources = dict(ProblemSource.choices)
    yes, no = _("yes"), _("no")
    fields = (
        "number",
        "unit__code",
        "unit__name",
        "source",
        "station__name",
        "problem_type",
        "description",
        "responsible_person",
        "due",
        "state",
        "campaign__name",
        "measures",
        "result",
        "closed_at",
        "external_id",
    )
    for row in problems.values_list(*fields).iterator(chunk_size=2000):
        (number, code, name, source, station, kind, description, person, due, state) = row[:10]
        campaign, measures, result, closed_at, external = row[10:]
        overdue = state != ProblemState.CLOSED and today > due
        yield [
            number,
            code,
            name,
            str(sources.get(source, source)),
            station or "",
            kind,
            description,
            person,
            due,
            str(states.get(state, state)),
            yes if overdue else no,
            campaign or "",
            measures,
            result,
            timezone.localtime(closed_at).replace(tzinfo=None) if closed_at else None,
            external,
        ]


def ledger_workbook(*, problems: QuerySet[Problem], today: datetime.date | None = None) -> bytes:
    """``problems`` (the ledger as filtered) as .xlsx bytes, in their order (streamed:
    rows are never all in memory)."""
    today = today or timezone.localdate()
    sheet = Sheet(name=SHEET_NAME, headers=HEADERS, rows=_rows(problems, today))
    return workbook_bytes([sheet], write_only=True)
