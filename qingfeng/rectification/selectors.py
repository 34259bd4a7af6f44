"""Reads of the problem ledger: who sees which problems, who may move them, the ledger
page (filters, the state board, one page of rows) and campaigns.

Scope (docs/ledger.md):
- the commission and analysts (``VIEW_ANALYSIS``) see the problems of their visible units;
- a data station's clerks and reviewers see the problems of the units in their scope and
  those their station found (``ENTER_PROBLEMS`` / ``VERIFY_PROBLEMS``);
- a unit liaison sees only its own unit's (``RECTIFY`` over unit scopes: ``own_units``).

The ledger page costs a fixed number of queries whatever the number of problems: the
board is one grouped query, the total comes from the board (no second ``COUNT``), the
rows one query with their unit, station and campaign joined.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.accounts.roles import ROLE_CAPABILITIES, Capability, Role, ScopeKind
from qingfeng.accounts.selectors import (
    has_capability,
    has_global_scope,
    own_units,
    regions_held_with,
    user_assignments,
    visible_regions,
    visible_stations,
    visible_units,
)
from qingfeng.org.models import Region, Station, Unit, within_q
from qingfeng.rectification.models import (
    Campaign,
    Problem,
    ProblemEvidence,
    ProblemSource,
    ProblemState,
)

if TYPE_CHECKING:
    from qingfeng.accounts.selectors import AnyUser
else:
    AnyUser = Any

# The capabilities that open the ledger (a user with none of them never sees it).
LEDGER_CAPABILITIES = (
    Capability.VIEW_ANALYSIS,
    Capability.ENTER_PROBLEMS,
    Capability.VERIFY_PROBLEMS,
    Capability.RECTIFY,
)
STATION_CAPABILITIES = (Capability.ENTER_PROBLEMS, Capability.VERIFY_PROBLEMS)
PER_PAGE = 50


def can_see_ledger(user: AnyUser) -> bool:
    """Whether the user holds any capability that opens the ledger (the navigation's
    "问题台账" entry)."""
    return any(has_capability(user, capability) for capability in LEDGER_CAPABILITIES)


def _held(user: AnyUser, capability: Capability, kinds: tuple[str, ...]) -> list[Any]:
    """The user's assignments granting ``capability`` whose scope is one of ``kinds``."""
    return [
        a
        for a in user_assignments(user)
        if capability in ROLE_CAPABILITIES[a.role] and a.scope_kind in kinds
    ]


def own_stations(user: AnyUser, capability: Capability) -> QuerySet[Station]:
    """The data stations the user works for with ``capability`` (station scopes only)."""
    ids = [a.station_id for a in _held(user, capability, (ScopeKind.STATION,)) if a.station_id]
    return Station.objects.filter(pk__in=ids)


def visible_problems(user: AnyUser) -> QuerySet[Problem]:
    """Every problem the user may see (module docstring), or none."""
    if not user.is_authenticated:
        return Problem.objects.none()
    if any(has_global_scope(user, c) for c in LEDGER_CAPABILITIES):
        return Problem.objects.all()
    scopes = [
        visible_units(user, capability)
        for capability in (Capability.VIEW_ANALYSIS, *STATION_CAPABILITIES)
        if has_capability(user, capability)
    ]
    if has_capability(user, Capability.RECTIFY):
        scopes.append(own_units(user, Capability.RECTIFY))
    units: dict[str, Q] = {}  # by SQL: one role often grants several capabilities alike
    for scope in scopes:
        try:
            units.setdefault(str(scope.query), Q(unit__in=scope))
        except EmptyResultSet:  # an empty scope adds nothing
            continue
    stations: set[int] = set()
    for capability in STATION_CAPABILITIES:
        stations |= {a.station_id for a in _held(user, capability, (ScopeKind.STATION,))}
    conditions = list(units.values())
    if stations:
        conditions.append(Q(station_id__in=sorted(stations)))
    if not conditions:
        return Problem.objects.none()
    return Problem.objects.filter(reduce(or_, conditions))


def rectifiable_problems(user: AnyUser) -> QuerySet[Problem]:
    """The problems the user answers for their own unit (measures, evidence, done
    report): those of the units of their liaison scopes."""
    if not has_capability(user, Capability.RECTIFY):
        return Problem.objects.none()
    return Problem.objects.filter(unit__in=own_units(user, Capability.RECTIFY))


def verifiable_problems(user: AnyUser) -> QuerySet[Problem]:
    """The problems the user verifies (accept, send back, close, extend): a station's
    reviewer those its station found; a holder of a region (the commission) those of the
    region's units."""
    capability = Capability.VERIFY_PROBLEMS
    if has_global_scope(user, capability):
        return Problem.objects.all()
    conditions = [
        within_q(a.region, prefix="unit__")
        for a in _held(user, capability, (ScopeKind.REGION,))
        if a.region
    ]
    stations = [a.station_id for a in _held(user, capability, (ScopeKind.STATION,))]
    if stations:
        conditions.append(Q(station_id__in=stations))
    if not conditions:
        return Problem.objects.none()
    return Problem.objects.filter(reduce(or_, conditions))


def entry_stations(user: AnyUser) -> QuerySet[Station]:
    """The stations in whose name the user may enter a problem."""
    return visible_stations(user, Capability.ENTER_PROBLEMS).order_by("name")


def station_users(station: Station) -> QuerySet[User]:
    """The active accounts working for a data station (its clerks and reviewers): where
    the unit's measures and done reports are announced."""
    return User.objects.filter(
        is_active=True,
        assignments__station=station,
        assignments__role__in=[Role.STATION_CLERK, Role.STATION_REVIEWER],
    ).distinct()


# ---------------------------------------------------------------------------------------
# The ledger page


class Overdue:
    """Values of the ledger's ``overdue`` filter."""

    YES = "yes"  # not closed, deadline passed
    CLOSED_LATE = "late"  # closed after the deadline
    CHOICES = ("", YES, CLOSED_LATE)


@dataclass(frozen=True)
class LedgerFilters:
    """What the ledger is filtered by (all optional; ``state`` and ``overdue`` select
    rows within the board, the others narrow the board too)."""

    state: str = ""
    overdue: str = ""
    source: str = ""
    station: int | None = None
    unit: int | None = None
    problem_type: str = ""
    campaign: int | None = None
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    q: str = ""

    def narrowing(self) -> bool:
        """Whether anything besides the state and overdue narrows the ledger."""
        return bool(
            self.source
            or self.station
            or self.unit
            or self.problem_type
            or self.campaign
            or self.due_from
            or self.due_to
            or self.q
        )


@dataclass(frozen=True)
class BoardCell:
    """One state of the board: how many problems, how many of them overdue (or, for
    closed, closed late)."""

    state: str
    label: str
    count: int
    overdue: int


@dataclass(frozen=True)
class Board:
    """The state board: a cell per state in the states' order, and the totals."""

    cells: list[BoardCell]
    total: int
    overdue: int
    closed_late: int

    def count_of(self, filters: LedgerFilters) -> int:
        """How many problems the board says ``filters``' state and overdue select."""
        cells = [c for c in self.cells if not filters.state or c.state == filters.state]
        if filters.overdue == Overdue.YES:
            return sum(c.overdue for c in cells if c.state != ProblemState.CLOSED)
        if filters.overdue == Overdue.CLOSED_LATE:
            return sum(c.overdue for c in cells if c.state == ProblemState.CLOSED)
        return sum(c.count for c in cells)


def overdue_q(today: datetime.date) -> Q:
    """Not closed and past the deadline: overdue from the day after it."""
    return Q(due__lt=today) & ~Q(state=ProblemState.CLOSED)


def closed_late_q() -> Q:
    """Closed on a day (in the installation's time zone) after the deadline."""
    return Q(state=ProblemState.CLOSED, closed_on__gt=F("due"))


def ledger_filter(*, problems: QuerySet[Problem], filters: LedgerFilters) -> QuerySet[Problem]:
    """``problems`` narrowed by every filter except the state and overdue."""
    if filters.source:
        problems = problems.filter(source=filters.source)
    if filters.station:
        problems = problems.filter(station_id=filters.station)
    if filters.unit:
        problems = problems.filter(unit_id=filters.unit)
    if filters.problem_type:
        problems = problems.filter(problem_type=filters.problem_type)
    if filters.campaign:
        problems = problems.filter(campaign_id=filters.campaign)
    if filters.due_from:
        problems = problems.filter(due__gte=filters.due_from)
    if filters.due_to:
        problems = problems.filter(due__lte=filters.due_to)
    if filters.q:
        text = filters.q
        problems = problems.filter(
            Q(description__icontains=text)
            | Q(number=text)
            | Q(responsible_person__icontains=text)
            | Q(unit__in=Unit.objects.filter(name__icontains=text))
        )
    return problems


def state_board(*, problems: QuerySet[Problem], today: datetime.date) -> Board:
    """Counts per state, overdue per state (closed: closed late), in one grouped query."""
    rows = (
        problems.order_by()
        .values("state")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=overdue_q(today) | closed_late_q()),
        )
    )
    found = {row["state"]: (row["n"], row["late"]) for row in rows}
    cells = [
        BoardCell(state.value, str(state.label), *found.get(state.value, (0, 0)))
        for state in ProblemState
    ]
    open_cells = [c for c in cells if c.state != ProblemState.CLOSED]
    closed = next(c for c in cells if c.state == ProblemState.CLOSED)
    return Board(
        cells=cells,
        total=sum(c.count for c in cells),
        overdue=sum(c.overdue for c in open_cells),
        closed_late=closed.overdue,
    )


def ledger_rows(
    *, problems: QuerySet[Problem], filters: LedgerFilters, today: datetime.date
) -> QuerySet[Problem]:
    """``problems`` (already narrowed) selected by state and overdue, in deadline order."""
    if filters.state:
        problems = problems.filter(state=filters.state)
    if filters.overdue == Overdue.YES:
        problems = problems.filter(overdue_q(today))
    elif filters.overdue == Overdue.CLOSED_LATE:
        problems = problems.filter(closed_late_q())
    return problems.order_by("due", "id")


@dataclass
class LedgerPage:
    """One page of the ledger: the board, the rows, and where the page is."""

    board: Board
    rows: list[Problem]
    number: int
    pages: int
    total: int
    today: datetime.date
    overdue_ids: set[int] = field(default_factory=set)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def ledger_page(
    *,
    problems: QuerySet[Problem],
    filters: LedgerFilters,
    page: int = 1,
    per_page: int = PER_PAGE,
    today: datetime.date | None = None,
) -> LedgerPage:
    """The ledger of ``problems`` (a scoped queryset) under ``filters``: three queries,
    the board, the page's ids and their rows."""
    today = today or timezone.localdate()
    narrowed = ledger_filter(problems=problems, filters=filters)
    board = state_board(problems=narrowed, today=today)
    total = board.count_of(filters)
    pages = max(1, -(-total // per_page))
    number = min(max(1, page), pages)
    start = (number - 1) * per_page
    # The page's ids first, then their rows with what they show: ordering and slicing
    # over the joins made SQLite sort every row; alone it walks the deadline index.
    chosen = ledger_rows(problems=narrowed, filters=filters, today=today)
    ids = list(chosen.values_list("id", flat=True)[start : start + per_page])
    rows = list(
        Problem.objects.filter(pk__in=ids)
        .select_related("unit", "station", "campaign")
        .order_by("due", "id")
    )
    return LedgerPage(
        board=board,
        rows=rows,
        number=number,
        pages=pages,
        total=total,
        today=today,
        overdue_ids={p.pk for p in rows if p.is_overdue(today=today)},
    )


def problem_evidence(problem: Problem) -> QuerySet[ProblemEvidence]:
    """A problem's evidence files, oldest first, with who uploaded them."""
    return problem.evidence.select_related("uploaded_by")


def visible_evidence(user: AnyUser) -> QuerySet[ProblemEvidence]:
    """Evidence files of the problems the user sees (the download's scope)."""
    return ProblemEvidence.objects.filter(problem__in=visible_problems(user))


def source_choices() -> list[tuple[str, str]]:
    """The sources a station enters a problem from (warnings and records open their own)."""
    automatic = {ProblemSource.WARNING, ProblemSource.RECORD}
    return [(s.value, str(s.label)) for s in ProblemSource if s not in automatic]


# ---------------------------------------------------------------------------------------
# Campaigns


def campaign_regions(user: AnyUser) -> QuerySet[Region]:
    """The regions where the user creates campaigns and attaches problems to them: the
    region scopes they verify problems over (the commission)."""
    return regions_held_with(user, Capability.VERIFY_PROBLEMS)


def can_manage_campaigns(user: AnyUser) -> bool:
    """Whether the user may create campaigns (a region scope verifying problems)."""
    return campaign_regions(user).exists()


def visible_campaigns(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns of the regions the user oversees, and those touching their own unit (a
    problem of it attached, or it is a responsible department)."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    if any(has_global_scope(user, c) for c in LEDGER_CAPABILITIES):
        return Campaign.objects.all()
    conditions = [
        Q(region__in=visible_regions(user, capability))
        for capability in (Capability.VIEW_ANALYSIS, *STATION_CAPABILITIES)
        if has_capability(user, capability)
    ]
    if has_capability(user, Capability.RECTIFY):
        units = own_units(user, Capability.RECTIFY)
        conditions.append(Q(pk__in=Problem.objects.filter(unit__in=units).values("campaign_id")))
        conditions.append(
            Q(
                pk__in=Campaign.departments.through.objects.filter(unit__in=units).values(
                    "campaign_id"
                )
            )
        )
    if not conditions:
        return Campaign.objects.none()
    return Campaign.objects.filter(reduce(or_, conditions))


def campaign_progress(*, campaign: Campaign, problems: QuerySet[Problem]) -> Board:
    """The state board of a campaign's problems among ``problems`` (the user's)."""
    return state_board(problems=problems.filter(campaign=campaign), today=timezone.localdate())


@dataclass(frozen=True)
class CampaignRow:
    """A campaign in the list: its problems (those the user sees) by state."""

    campaign: Campaign
    counts: dict[str, int]
    total: int
    closed: int
    overdue: int


def campaign_rows(
    *, campaigns: QuerySet[Campaign], problems: QuerySet[Problem]
) -> list[CampaignRow]:
    """Each campaign with its problems' counts per state and overdue: one grouped query
    for all of them."""
    campaigns_list = list(campaigns)
    today = timezone.localdate()
    counts: dict[int, dict[str, int]] = {c.pk: {} for c in campaigns_list}
    late: dict[int, int] = {c.pk: 0 for c in campaigns_list}
    rows = (
        problems.filter(campaign__in=[c.pk for c in campaigns_list])
        .order_by()
        .values("campaign_id", "state")
        .annotate(n=Count("id"), late=Count("id", filter=overdue_q(today)))
    )
    for row in rows:
        counts[row["campaign_id"]][row["state"]] = row["n"]
        late[row["campaign_id"]] += row["late"]
    return [
        CampaignRow(
            campaign=c,
            counts=counts[c.pk],
            total=sum(counts[c.pk].values()),
            closed=counts[c.pk].get(ProblemState.CLOSED, 0),
            overdue=late[c.pk],
        )
        for c in campaigns_list
    ]


@dataclass(frozen=True)
class LedgerHome:
    """The ledger's part of a user's home page: problems of their unit to rectify (and
    how many overdue), and problems waiting for their verification (measures or a done
    report). ``None`` where the user has no such role."""

    to_rectify: int | None
    rectify_overdue: int
    to_verify: int | None


def ledger_home(user: AnyUser) -> LedgerHome:
    """Counts for the home page: at most two small queries."""
    today = timezone.localdate()
    to_rectify, overdue = None, 0
    if own_units(user, Capability.RECTIFY).exists():
        counts = (
            rectifiable_problems(user)
            .exclude(state=ProblemState.CLOSED)
            .aggregate(n=Count("id"), late=Count("id", filter=overdue_q(today)))
        )
        to_rectify, overdue = counts["n"], counts["late"]
    to_verify = None
    if has_capability(user, Capability.VERIFY_PROBLEMS):
        waiting = (ProblemState.MEASURES, ProblemState.REPORTED)
        to_verify = verifiable_problems(user).filter(state__in=waiting).count()
    return LedgerHome(to_rectify=to_rectify, rectify_overdue=overdue, to_verify=to_verify)


@dataclass
class UnitProblems:
    """A unit's problems as its portrait shows them: the state board, the problems not
    yet closed (the earliest deadline first, at most ``shown``) and how many there are."""

    board: Board
    open_rows: list[Problem]
    open_count: int
    today: datetime.date


def unit_problems(user: AnyUser, *, unit: Unit, shown: int = 10) -> UnitProblems | None:
    """The unit's own problems in the ledger that ``user`` may see
    (``visible_problems``); None when the user sees no ledger. Two queries."""
    if not can_see_ledger(user):
        return None
    today = timezone.localdate()
    problems = visible_problems(user).filter(unit=unit)
    board = state_board(problems=problems, today=today)
    open_problems = problems.exclude(state=ProblemState.CLOSED)
    rows = list(open_problems.select_related("unit").order_by("due", "pk")[:shown])
    return UnitProblems(board, rows, board.total - _closed_count(board), today)


def _closed_count(board: Board) -> int:
    return next(c.count for c in board.cells if c.state == ProblemState.CLOSED)
