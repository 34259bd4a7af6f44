"""``GET /api/completeness?framework=CODE&period=P``: the token's station's completeness in
one collection period (``records.completeness_board``), with the missing unit codes of
each of its indicators. Registered on ``qingfeng.api.api.api`` when that module loads
(it imports this one at its end). Described for users in docs/api.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from ninja import Query, Schema

from qingfeng.accounts.selectors import token_units
from qingfeng.api.api import (
    ErrorOut,
    ParameterErrorsOut,
    _described,
    _detail,
    _field,
    _framework,
    _period,
    api,
)
from qingfeng.lib.typing import ApiRequest
from qingfeng.records.completeness_board import completeness_json, station_completeness

if TYPE_CHECKING:
    from django.utils.translation import gettext as gettext_lazy
else:
    from django.utils.translation import gettext_lazy


class IndicatorCompletenessOut(Schema):
    """One indicator of the station in the period."""

    model_config = _described(gettext_lazy("One indicator the station answers for."))
    indicator: str = _field(gettext_lazy("The indicator's code."))
    name: str = _field(gettext_lazy("The indicator's name."))
    cells: int = _field(gettext_lazy("Units the station answers for on the indicator."))
    reported: int = _field(gettext_lazy("Of them, with an approved record dated in the period."))
    nil: int = _field(gettext_lazy("Of the rest, covered by an approved nil return."))
    pending: int = _field(
        gettext_lazy("Of the rest, with only submitted records or nil returns (not reviewed).")
    )
    missing: int = _field(gettext_lazy("Units with neither: nothing reported yet."))
    missing_share: float | None = _field(
        gettext_lazy("missing / cells, from 0 to 1; null when cells is 0.")
    )
    missing_units: list[str] = _field(gettext_lazy("The codes of the missing units."))


class StationCompletenessOut(Schema):
    """The station's counts in the period, with its indicators."""

    model_config = _described(gettext_lazy("The station's counts over all its indicators."))
    station: str = _field(gettext_lazy("The station's code."))
    name: str = _field(gettext_lazy("The station's name."))
    cells: int = _field(gettext_lazy("Unit and indicator pairs the station answers for."))
    reported: int = _field(gettext_lazy("Pairs with an approved record dated in the period."))
    nil: int = _field(gettext_lazy("Pairs covered by an approved nil return."))
    pending: int = _field(gettext_lazy("Pairs with only submitted records or nil returns."))
    missing: int = _field(gettext_lazy("Pairs with neither."))
    missing_share: float | None = _field(
        gettext_lazy("missing / cells, from 0 to 1; null when cells is 0.")
    )
    late: bool = _field(
        gettext_lazy(
            "True when the entry deadline has passed (or the period is closed) with pairs missing."
        )
    )
    indicators: list[IndicatorCompletenessOut] = _field(gettext_lazy("Per indicator."))


class CompletenessOut(Schema):
    """The completeness of one collection period for the token's station."""

    model_config = _described(
        gettext_lazy("The completeness of one collection period for the token's station.")
    )
    framework: str = _field(gettext_lazy("The framework's code."))
    period: str = _field(gettext_lazy("The collection period's code, e.g. 2026Q3."))
    entry_deadline: str = _field(gettext_lazy("The last day of entry (YYYY-MM-DD)."))
    due: bool = _field(
        gettext_lazy("True once the period is closed or its entry deadline has passed.")
    )
    stations: list[StationCompletenessOut] = _field(
        gettext_lazy(
            "The token's station, if it answers for an indicator of the period; else empty."
        )
    )


@api.get(
    "/completeness",
    response={
        200: CompletenessOut,
        401: ErrorOut,
        404: ErrorOut,
        422: ParameterErrorsOut,
        429: ErrorOut,
    },
    summary=gettext_lazy("The station's reporting completeness in a collection period"),
    description=gettext_lazy(
        "For each indicator the station answers for: how many of its units are reported, "
        "nil-returned, pending review or missing in the collection period, and the codes of "
        "the missing units. Only the units of the station's region count."
    ),
)
def completeness_get(
    request: ApiRequest,
    framework: str = Query(..., description=gettext_lazy("The framework's code, e.g. LK.")),
    period: str = Query(..., description=gettext_lazy("A collection period's code, e.g. 2026Q3.")),
) -> Any:
    """The token's station's row of the completeness board for ``period``, with the
    missing unit codes of each of its indicators."""
    found_framework = _framework(request, framework)
    parsed = _period(period)
    token = request.auth
    found = station_completeness(
        station=token.station,
        visible=token_units(token),
        framework=found_framework,
        period=parsed,
    )
    if found is None:
        raise _detail(404, _('unknown period "%(period)s"') % {"period": period})
    return completeness_json(found)
