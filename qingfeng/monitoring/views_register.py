"""The warning register page and its .xlsx export: thin, the reads are in
``monitoring.selectors`` (scoped to the units the user may analyse; 404 without the
capability or for a framework outside the scope)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import visible_units
from qingfeng.documents.selectors import can_edit_templates
from qingfeng.lib.bands import band_label
from qingfeng.lib.periods import period_label
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import Sheet, download_name, xlsx_response
from qingfeng.monitoring import selectors
from qingfeng.monitoring.models import ResponseState, Warning, WarningKind, WarningState

PAGE_SIZE = 50
# A warning's state as the register says it ("active" alone reads as "in use" in Chinese).
STATE_LABELS = {
    WarningState.ACTIVE: pgettext_lazy("warning state", "active"),
    WarningState.CLEARED: pgettext_lazy("warning state", "cleared"),
}


@login_required
def register(request: AuthedRequest) -> HttpResponse:
    """The register under the filters, most severe first, 50 a page; a count per state."""
    query = selectors.register_query(user=request.user, params=request.GET)
    warnings = selectors.register_warnings(user=request.user, query=query)
    page = Paginator(warnings, PAGE_SIZE).get_page(query.page)
    counts = selectors.state_counts(user=request.user, query=query)
    shown = list(page.object_list)
    # Checkboxes only on the rows the user may respond to (the issue page 404s otherwise).
    respondable = set(
        visible_units(request.user, Capability.RESPOND_WARNINGS)
        .filter(pk__in={w.unit_id for w in shown})
        .values_list("pk", flat=True)
    )
    context: dict[str, Any] = {
        "query": query,
        "page": page,
        "warnings": shown,
        "respondable": respondable,
        "frameworks": selectors.register_frameworks(request.user),
        "periods": selectors.register_periods(query.framework) if query.framework else [],
        "bands": selectors.register_bands(user=request.user, query=query),
        "kinds": WarningKind.choices,
        "states": [(state, label, counts.get(state, 0)) for state, label in STATE_LABELS.items()],
        "state_labels": {str(state): label for state, label in STATE_LABELS.items()},
        "all_count": counts.get("all", 0),
        "responses": [(selectors.NO_RESPONSE, _("no response yet")), *ResponseState.choices],
        "export_params": query.params(),
        # The notices' Word templates are edited by the installation's administrators.
        "can_edit_templates": can_edit_templates(request.user),
    }
    return render(request, "monitoring/register.html", context)


def _sheet(warnings: list[Warning]) -> Sheet:
    headers = [
        _("indicator framework"),
        _("period"),
        _("Code"),
        _("Unit"),
        _("Category"),
        _("Indicator"),
        _("kind"),
        _("Score"),
        _("Max"),
        _("Score rate (%)"),
        _("Band"),
        _("rank in category"),
        _("state"),
        _("raised at"),
        _("cleared at"),
    ]
    band_of = {(r, 10): w.band for r, w in enumerate(warnings) if w.band}
    rows = [
        [
            w.framework.name,
            period_label(w.period),
            w.unit.code,
            w.unit.name,
            w.unit.category.name if w.unit.category else "",
            f"{w.node_code} {w.node_name}" if w.node_code else _("Total"),
            w.get_kind_display(),
            w.score,
            w.max,
            round(w.score / w.max * 100, 2) if w.score is not None and w.max else None,
            band_label(w.band) if w.band else "",
            w.rank,
            STATE_LABELS.get(WarningState(w.state), w.state),
            localtime(w.raised_at).strftime("%Y-%m-%d %H:%M"),
            localtime(w.cleared_at).strftime("%Y-%m-%d %H:%M") if w.cleared_at else "",
        ]
        for w in warnings
    ]
    return Sheet(_("Warning register"), headers, rows, title=_("Warning register"), band_of=band_of)


@login_required
def register_xlsx(request: AuthedRequest) -> HttpResponse:
    """The register under the page's filters, every row (not one page)."""
    query = selectors.register_query(user=request.user, params=request.GET)
    warnings = list(selectors.register_warnings(user=request.user, query=query))
    name = download_name(
        query.framework.name if query.framework else "",
        period_label(query.period) if query.period else "",
        _("Warning register"),
    )
    return xlsx_response(name, [_sheet(warnings)], write_only=True)
