"""The ledger's .xlsx export: the problems a user sees, filtered as the ledger page filters
them, one row each, with Chinese sheet and column names, states in words and the overdue
flag, written by the streaming writer (``lib.xlsx_stream``) so a ledger of 50,000 problems
downloads in seconds; every text cell goes through ``lib.cells``' sanitiser there.

The filter (``LedgerFilter.from_query``) reads the ledger page's query parameters; the
ledger page's own selector should become the one both use (see the report of issue 12).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability, visible_units
from qingfeng.lib.headers import CHINESE_NAMES
from qingfeng.lib.xlsx import Sheet, workbook_bytes
from qingfeng.org.models import Unit
from qingfeng.rectification.models import Problem, ProblemSource, ProblemState

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

# The capabilities that let a user see the problems of the units they cover.
LEDGER_CAPABILITIES: tuple[Capability, ...] = (
    Capability.ENTER_PROBLEMS,
    Capability.VERIFY_PROBLEMS,
    Capability.RECTIFY,
    Capability.RESPOND_WARNINGS,
    Capability.VIEW_ANALYSIS,
)
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


def may_see_ledger(user: User) -> bool:
    """Whether the user holds any capability that shows problems."""
    return any(has_capability(user, capability) for capability in LEDGER_CAPABILITIES)


def ledger_units(user: User) -> QuerySet[Unit]:
    """The units whose problems the user sees: those of any ledger capability."""
    condition = Q(pk__in=[])
    for capability in LEDGER_CAPABILITIES:
        if has_capability(user, capability):
            condition |= Q(pk__in=visible_units(user, capability).values("pk"))
    return Unit.objects.filter(condition)


@dataclass(frozen=True)
class LedgerFilter:
    """The ledger's filters, each empty when not asked for."""

    state: str = ""
    overdue: bool = False
    source: str = ""
    unit: str = ""  # a unit's code
    campaign: int | None = None
    station: str = ""  # a station's code
    problem_type: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> LedgerFilter:
        """The filters of a query string; values that mean nothing are ignored."""
        state = query.get("state", "").strip()
        source = query.get("source", "").strip()
        campaign = query.get("campaign", "").strip()
        return cls(
            state=state if state in ProblemState.values else "",
            overdue=query.get("overdue", "") in ("1", "true", "on", "yes"),
            source=source if source in ProblemSource.values else "",
            unit=query.get("unit", "").strip()[:64],
            campaign=int(campaign) if campaign.isdigit() else None,
            station=query.get("station", "").strip()[:64],
            problem_type=query.get("problem_type", "").strip()[:100],
            q=query.get("q", "").strip()[:100],
        )


def filtered_problems(
    *, user: User, filters: LedgerFilter, today: datetime.date | None = None
) -> QuerySet[Problem]:
    """The problems of the user's units matching ``filters``, by deadline."""
    today = today or timezone.localdate()
    problems = Problem.objects.filter(unit__in=ledger_units(user))
    if filters.state:
        problems = problems.filter(state=filters.state)
    if filters.overdue:
        # Overdue from the day after the deadline while not closed (Problem.is_overdue).
        problems = problems.exclude(state=ProblemState.CLOSED).filter(due__lt=today)
    if filters.source:
        problems = problems.filter(source=filters.source)
    if filters.unit:
        problems = problems.filter(unit__code=filters.unit)
    if filters.campaign is not None:
        problems = problems.filter(campaign_id=filters.campaign)
    if filters.station:
        problems = problems.filter(station__code=filters.station)
    if filters.problem_type:
        problems = problems.filter(problem_type=filters.problem_type)
    if filters.q:
        problems = problems.filter(
            Q(description__icontains=filters.q) | Q(number__icontains=filters.q)
        )
    return problems.order_by("due", "pk")


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


def ledger_workbook(
    *, user: User, filters: LedgerFilter, today: datetime.date | None = None
) -> bytes:
    """The filtered ledger as .xlsx bytes (streamed: rows are never all in memory)."""
    today = today or timezone.localdate()
    problems = filtered_problems(user=user, filters=filters, today=today)
    sheet = Sheet(name=SHEET_NAME, headers=HEADERS, rows=_rows(problems, today))
    return workbook_bytes([sheet], write_only=True)
