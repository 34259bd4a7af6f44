"""Reads of the warning register for the pages: the register a user may see (the units
they may analyse), filtered, counted per state, and one unit's or one period's warnings
(the overview and the portrait read these instead of lists of their own)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import QueryDict

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.errors import NotFound, OutOfScope, get_or_not_found
from qingfeng.lib.periods import Period, period_sort_key
from qingfeng.monitoring.models import (
    Response,
    ResponseState,
    Warning,
    WarningKind,
    WarningState,
    severity_ratio,
)

# Who reads the register: the analysts, over the units they may analyse (as the overview).
CAPABILITY = Capability.VIEW_ANALYSIS
NO_RESPONSE = "none"  # the response filter's value for "no response yet"
# The kinds the overview's and the portrait's warning tables list (a call-in is a ranking
# rule, not a band: the register page lists it).
BAND_KINDS = (WarningKind.BAND, WarningKind.VETO)


def register_frameworks(user: Any) -> QuerySet[Framework]:
    """The frameworks whose register the user may read (404 without the capability)."""
    if not scope.has_capability(user, CAPABILITY):
        raise OutOfScope
    return visible_frameworks(user, CAPABILITY).order_by("code")


def visible_warnings(user: Any) -> QuerySet[Warning]:
    """Every stored warning of the units the user may analyse."""
    return Warning.objects.filter(unit__in=scope.visible_units(user, CAPABILITY).values("pk"))


def severity_order(positions: Mapping[str, int] | None = None) -> list[Any]:
    """Most severe first: severity, then the lowest ratio score / max, then the unit and
    the total before its indicators (the overview's order). With ``positions`` (a node
    code's column on the page) a unit's indicators follow their columns, the total and
    any other node first, and the warning's id settles the rest."""
    order = [F("severity").desc(), severity_ratio().asc(), F("unit_id").asc()]
    if positions is None:
        return [*order, F("node_code").asc()]
    column = Case(
        *[When(node_code=code, then=Value(i)) for code, i in positions.items() if code],
        default=Value(-1),
        output_field=IntegerField(),
    )
    return [*order, column.asc(), F("pk").asc()]


@dataclass
class RegisterQuery:
    """The register page's filters, checked (empty = any)."""

    framework: Framework | None = None
    period: str = ""
    band: str = ""
    kind: str = ""
    state: str = WarningState.ACTIVE
    response: str = ""
    page: str = "1"

    def params(self, **changes: Any) -> dict[str, str]:
        """The filters as GET parameters (for links and the export), with ``changes``."""
        values = {
            "framework": self.framework.code if self.framework else "",
            "period": self.period,
            "band": self.band,
            "kind": self.kind,
            "state": self.state,
            "response": self.response,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}


def register_query(*, user: Any, params: QueryDict) -> RegisterQuery:
    """Read the filters: ``framework`` (a code the user may analyse, else 404), ``period``
    (a period code, else 404), ``band``, ``kind`` (band, veto, call_in), ``state`` (active,
    cleared, or "all"), ``response`` (a response state or ``none``); values that are
    not one of the choices are ignored. Without a framework, the first the user may
    analyse that has warnings; without a period, its latest period in the register."""
    frameworks = register_frameworks(user)
    code = str(params.get("framework", "")).strip()
    framework = get_or_not_found(frameworks, code=code) if code else None
    period = str(params.get("period", "")).strip().upper()
    if period:
        try:
            period = str(Period.parse(period))
        except ValueError as error:
            raise NotFound from error
    if framework is None:
        with_warnings = Warning.objects.filter(framework=OuterRef("pk"))
        framework = frameworks.filter(Exists(with_warnings)).first() or frameworks.first()
    if framework is not None and not period and "period" not in params:
        period = latest_register_period(framework) or ""
    state = str(params.get("state", WarningState.ACTIVE))
    if state not in WarningState.values and state != "all":
        state = WarningState.ACTIVE
    kind = str(params.get("kind", ""))
    response = str(params.get("response", ""))
    return RegisterQuery(
        framework=framework,
        period=period,
        band=str(params.get("band", "")).strip()[:16],
        kind=kind if kind in WarningKind.values else "",
        state="" if state == "all" else state,
        response=response if response in (*ResponseState.values, NO_RESPONSE) else "",
        page=str(params.get("page", "1")),
    )


def register_periods(framework: Framework) -> list[str]:
    """The periods the register holds for the framework, newest first."""
    periods = (
        Warning.objects.filter(framework=framework)
        .order_by()
        .values_list("period", flat=True)
        .distinct()
    )
    return sorted(set(periods), key=period_sort_key)


def latest_register_period(framework: Framework) -> str | None:
    """The newest period the register holds for the framework."""
    periods = register_periods(framework)
    return periods[0] if periods else None


def _filtered(user: Any, query: RegisterQuery, *, with_state: bool) -> QuerySet[Warning]:
    warnings = visible_warnings(user)
    if query.framework is not None:
        warnings = warnings.filter(framework=query.framework)
    if query.period:
        warnings = warnings.filter(period=query.period)
    if query.band:
        warnings = warnings.filter(band=query.band)
    if query.kind:
        warnings = warnings.filter(kind=query.kind)
    if query.response == NO_RESPONSE:
        warnings = warnings.filter(~Exists(Response.objects.filter(warning=OuterRef("pk"))))
    elif query.response:
        answered = Response.objects.filter(warning=OuterRef("pk"), state=query.response)
        warnings = warnings.filter(Exists(answered))
    if with_state and query.state:
        warnings = warnings.filter(state=query.state)
    return warnings


def register_warnings(*, user: Any, query: RegisterQuery) -> QuerySet[Warning]:
    """The register under the filters, most severe first, with unit and framework."""
    return (
        _filtered(user, query, with_state=True)
        .select_related("unit", "unit__category", "framework")
        .order_by(*severity_order())
    )


def state_counts(*, user: Any, query: RegisterQuery) -> dict[str, int]:
    """How many warnings are in each state under the other filters, and in all."""
    counts = _filtered(user, query, with_state=False).aggregate(
        all=Count("pk"),
        **{state: Count("pk", filter=Q(state=state)) for state in WarningState.values},
    )
    return {key: int(value or 0) for key, value in counts.items()}


def register_bands(*, user: Any, query: RegisterQuery) -> list[str]:
    """The bands present under the framework and period (the band filter's choices)."""
    warnings = visible_warnings(user)
    if query.framework is not None:
        warnings = warnings.filter(framework=query.framework)
    if query.period:
        warnings = warnings.filter(period=query.period)
    bands = warnings.order_by().values_list("band", flat=True).distinct()
    return sorted(band for band in set(bands) if band)


def period_warnings(*, framework: Framework, period: str, units: Any) -> QuerySet[Warning]:
    """The active band and veto warnings of a period over ``units`` (a queryset of unit
    pks), most severe first: the overview's table."""
    return Warning.objects.filter(
        framework=framework,
        period=period,
        state=WarningState.ACTIVE,
        kind__in=BAND_KINDS,
        unit__in=units,
    ).order_by(*severity_order())


def unit_warnings(*, framework: Framework, unit_id: int) -> QuerySet[Warning]:
    """One unit's active band and veto warnings in every registered period (the
    portrait)."""
    return Warning.objects.filter(
        framework=framework, unit_id=unit_id, state=WarningState.ACTIVE, kind__in=BAND_KINDS
    )
