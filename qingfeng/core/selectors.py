"""Reads of the home page: each user's to-do list, by what their roles let them do.

The home page is made of sections, each shown when the user holds the capability it is
about (a user may hold several roles): a clerk's open periods, returned records and
drafts; a reviewer's queue by station; the results of the units a liaison or leader
belongs to and their open self-assessments; the latest period's headline figures for those
who analyse; the collection periods of the region for those who manage them; counts and
administration links for administrators. Every number comes from the apps' selectors
through the user's scope (``accounts.selectors``), and every section costs a fixed number
of queries whatever the number of units (a province has ~11,800).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.api.models import StationToken
from qingfeng.dashboard.access import period_results
from qingfeng.dashboard.overview import Figures, OverviewQuery, overview_figures
from qingfeng.dashboard.portrait import CALM
from qingfeng.framework.models import Framework, FrameworkVersion, VersionStatus
from qingfeng.framework.selectors import (
    ordered_indicators,
    severity_of,
    version_in_force,
    visible_frameworks,
)
from qingfeng.lib.errors import NotFound
from qingfeng.lib.periods import Period
from qingfeng.org.models import Unit
from qingfeng.records import todo as records
from qingfeng.records.models import CollectionPeriod, PeriodStatus
from qingfeng.scoring.models import Snapshot
from qingfeng.scoring.selectors import latest_period, period_snapshots, visible_snapshots

# A liaison's unit has a few sub-units; a leader holds one or two posts. More than this
# many results are left to the unit list and its portraits.
OWN_RESULTS_SHOWN = 12
# Rows of each short list (returned records, lowest units, warnings): the page behind the
# link has them all.
LIST_SHOWN = 5


# ---------------------------------------------------------------------------- own units


@dataclass
class UnitResult:
    """One of the user's own units in a framework's latest period: total, band, ranks and
    the level-1 indicators in a warning band (code, name, band)."""

    snapshot: Snapshot
    framework: Framework
    period: str
    scale: float
    warnings: list[tuple[str, str, str]]

    @property
    def unit(self) -> Unit:
        return self.snapshot.unit

    @property
    def in_warning(self) -> bool:
        """The total is in a warning band, or the unit is vetoed."""
        return self.snapshot.band not in CALM or self.snapshot.vetoed


def own_unit_results(user: Any) -> list[UnitResult]:
    """For the units the user belongs to (``accounts.selectors.own_units``: a liaison's,
    a leader's), each framework's latest period result (``scoring.selectors.latest_period``),
    by unit then framework code; at most ``OWN_RESULTS_SHOWN``."""
    units = scope.own_units(user).filter(active=True).values("pk")
    found: list[UnitResult] = []
    for framework in visible_frameworks(user).order_by("code"):
        text = latest_period(framework)
        if text is None:
            continue
        period = Period.parse(text)
        version = version_in_force(framework=framework, period=period)
        if version is None:
            continue
        snapshots = list(
            visible_snapshots(user=user, framework=framework, period=period)
            .filter(unit__in=units)
            .select_related("unit")
            .order_by("unit__code")[: OWN_RESULTS_SHOWN - len(found)]
        )
        if not snapshots:
            continue
        level_one = [
            (i, node) for i, node in enumerate(ordered_indicators(version)) if not node.parent_id
        ]
        for snapshot in snapshots:
            bands = (snapshot.nodes or {}).get("band", [])
            warnings = [
                (node.code, node.name, bands[i])
                for i, node in level_one
                if i < len(bands) and bands[i] and bands[i] not in CALM
            ]
            found.append(UnitResult(snapshot, framework, text, float(version.scale), warnings))
        if len(found) >= OWN_RESULTS_SHOWN:
            break
    # Grouped by unit on the page: a unit's frameworks together.
    found.sort(key=lambda result: (result.unit.code, result.framework.code))
    return found


# ---------------------------------------------------------------------------- analysis


@dataclass
class Headline:
    """A framework's latest period as its analysts see it: the overview's figures (units
    by band), the units in a warning band or vetoed (how many, how many are new since the
    previous period of the same length, the most severe), and the lowest-ranked units."""

    framework: Framework
    period: str | None
    version: FrameworkVersion | None = None
    figures: Figures | None = None
    warnings: int = 0
    new_warnings: int | None = None  # None: the previous period has no results to compare
    severe: Sequence[Snapshot] = field(default_factory=list)
    lowest: list[Snapshot] = field(default_factory=list)


def _severity(version: FrameworkVersion) -> tuple[Case, list[str], int]:
    """A unit's warning severity as an SQL expression (0 calm, vetoed the most severe), by
    the overview's order of the version's bands; the warning bands; the vetoed severity."""
    severity = severity_of(version)
    warning = [band for band, level in severity.items() if level > 0]
    vetoed = max(severity.values(), default=0) + 1
    expression = Case(
        When(vetoed=True, then=Value(vetoed)),
        *(When(band=band, then=Value(severity[band])) for band in warning),
        default=Value(0),
        output_field=IntegerField(),
    )
    return expression, warning, vetoed


def _headline(user: Any, framework: Framework) -> Headline:
    text = latest_period(framework)
    if text is None:
        return Headline(framework, None)
    period = Period.parse(text)
    try:
        results = period_results(user=user, framework=framework, period=period)
    except NotFound:
        return Headline(framework, None)
    figures = overview_figures(user=user, results=results, query=OverviewQuery())
    expression, warning, _vetoed = _severity(results.version)
    before = (
        period_snapshots(framework=framework, period=period.previous())
        .filter(unit_id=OuterRef("unit_id"))
        .order_by()
    )
    # A warning is new when the unit was neither in a warning band nor vetoed in the
    # previous period (or had no result then).
    was_calm = (Q(before_band__isnull=True) | ~Q(before_band__in=warning)) & ~Q(before_veto=True)
    snapshots = results.snapshots.annotate(
        severity=expression,
        before_band=Subquery(before.values("band")[:1]),
        before_veto=Subquery(before.values("vetoed")[:1]),
    )
    counts = snapshots.aggregate(
        warnings=Count("pk", filter=Q(severity__gt=0)),
        new=Count("pk", filter=Q(severity__gt=0) & was_calm),
    )
    compared = figures.previous_mean is not None
    severe = list(
        snapshots.filter(severity__gt=0)
        .annotate(is_new=Case(When(was_calm, then=Value(compared)), default=Value(False)))
        .select_related("unit")
        .order_by("-severity", F("total").asc(nulls_first=True), "unit__code")[:LIST_SHOWN]
    )
    lowest = list(
        results.snapshots.filter(total__isnull=False)
        .select_related("unit")
        .order_by(F("rank").desc(nulls_last=True), "total", "unit__code")[:LIST_SHOWN]
    )
    return Headline(
        framework=framework,
        period=text,
        version=results.version,
        figures=figures,
        warnings=counts["warnings"],
        new_warnings=counts["new"] if compared else None,
        severe=severe,
        lowest=lowest,
    )


def analysis_headlines(user: Any) -> list[Headline]:
    """Each framework the user may analyse, by code, with its latest period's headline
    figures over the units the user may analyse; empty without the analysis capability."""
    if not scope.has_capability(user, Capability.VIEW_ANALYSIS):
        return []
    frameworks = visible_frameworks(user, Capability.VIEW_ANALYSIS).select_related("region")
    return [_headline(user, framework) for framework in frameworks.order_by("code")]


# ---------------------------------------------------------------------------- administration


@dataclass
class OrgCounts:
    """The organisation in the user's scope, counted."""

    units: int
    people: int
    regions: int
    groups: int
    stations: int


def org_counts(user: Any) -> OrgCounts:
    """Active units, people, regions, discipline groups and stations the user sees."""
    return OrgCounts(
        units=scope.visible_units(user).filter(active=True).count(),
        people=scope.visible_people(user).count(),
        regions=scope.visible_regions(user).count(),
        groups=scope.visible_discipline_groups(user).count(),
        stations=scope.visible_stations(user).count(),
    )


@dataclass
class SystemCounts:
    """What a system administrator looks after: accounts, frameworks, periods, tokens."""

    users: int
    users_without_role: int
    drafts: int  # framework versions being edited
    published: int
    open_periods: int
    tokens: int  # API tokens in use (not revoked)


def system_counts(user: Any) -> SystemCounts | None:
    """The installation's accounts, framework versions, open collection periods and API
    tokens, for a user who administers the whole installation; None for anyone else."""
    if not scope.has_global_scope(user, Capability.ASSIGN_ROLES):
        return None
    users = get_user_model().objects.aggregate(
        all=Count("pk", filter=Q(is_active=True)),
        bare=Count("pk", filter=Q(is_active=True, is_superuser=False, assignments__isnull=True)),
    )
    versions = FrameworkVersion.objects.aggregate(
        drafts=Count("pk", filter=Q(status=VersionStatus.DRAFT)),
        published=Count("pk", filter=Q(status=VersionStatus.PUBLISHED)),
    )
    return SystemCounts(
        users=users["all"],
        users_without_role=users["bare"],
        drafts=versions["drafts"],
        published=versions["published"],
        open_periods=CollectionPeriod.objects.filter(status=PeriodStatus.OPEN).count(),
        tokens=StationToken.objects.filter(revoked_at__isnull=True).count(),
    )


# ---------------------------------------------------------------------------- the page


@dataclass
class Home:
    """Everything the home page shows; a section is empty (or None) when the user's roles
    do not open it."""

    enters: bool
    stations: bool  # the user enters records for stations of their own
    own_counts: dict[str, int]
    returned: list[Any]
    station_periods: list[records.OpenPeriod]
    reviews: bool
    queue: list[records.QueueStation]
    review_due: list[records.ReviewDue]  # open periods with work waiting, by review deadline
    self_assesses: bool
    self_assessments: list[records.SelfAssessment]
    belongs: bool  # the user belongs to units (a liaison's, a leader's)
    own_results: list[UnitResult]
    headlines: list[Headline]
    manages_periods: bool
    region_periods: list[records.OpenPeriod]
    org: OrgCounts | None
    system: SystemCounts | None

    @property
    def empty(self) -> bool:
        """No section to show: the roles open none, or nothing is there yet."""
        return not (
            self.enters
            or self.reviews
            or self.self_assesses
            or self.belongs
            or self.headlines
            or self.manages_periods
            or self.org
            or self.system
        )

    @property
    def queue_total(self) -> int:
        return sum(row.count for row in self.queue)

    @property
    def self_assessments_open(self) -> int:
        """(indicator, unit) pairs of open self-assessments not entered yet."""
        return sum(len(item.units) - len(item.done) for item in self.self_assessments)


def home(user: Any) -> Home:
    """The user's home page, section by section, each within the user's scope."""
    # A clerk enters for their station, a liaison for their unit; an administrator holds
    # both capabilities over a region but enters only now and then: their own records
    # show when they have some.
    stations = bool(records.station_scopes(user))
    station_periods = records.station_open_periods(user) if stations else []
    self_assesses = scope.own_units(user, Capability.SELF_ASSESS).exists()
    writes = scope.has_capability(user, Capability.ENTER_RECORDS) or self_assesses
    own_counts = records.own_record_counts(user) if writes else {}
    manages_periods = scope.has_capability(user, Capability.MANAGE_PERIODS)
    belongs = scope.own_units(user).exists()
    return Home(
        enters=stations or self_assesses or any(own_counts.values()),
        stations=stations,
        own_counts=own_counts,
        returned=records.returned_records(user, limit=LIST_SHOWN) if writes else [],
        station_periods=station_periods,
        reviews=scope.has_capability(user, Capability.REVIEW_RECORDS),
        queue=records.review_queue_by_station(user),
        review_due=records.review_due(user),
        self_assesses=self_assesses,
        self_assessments=records.open_self_assessments(user) if self_assesses else [],
        belongs=belongs,
        own_results=own_unit_results(user) if belongs else [],
        headlines=analysis_headlines(user),
        manages_periods=manages_periods,
        region_periods=records.region_open_periods(user) if manages_periods else [],
        org=org_counts(user) if scope.has_capability(user, Capability.EDIT_ORG) else None,
        system=system_counts(user),
    )
