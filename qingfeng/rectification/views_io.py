"""The ledger's file exchange pages: import a ledger sheet (with its template and the file
given back with its errors), export the filtered ledger to .xlsx, and choose the
indicators the ledger feeds.

The feeds page chooses which rate leaves of a framework the ledger feeds
(docs/ledger-feedback.md): EDIT_FRAMEWORK over the framework's region.

Who: importing needs ENTER_PROBLEMS. A station clerk imports for their own station; a
commission administrator may pick a station of their scope (``?station=CODE``) or none (the
commission's own ledger). A station the user does not see is 404. Exporting needs any
capability that shows problems; the rows are those of the user's units only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qingfeng.accounts.roles import ROLE_CAPABILITIES, Capability, ScopeKind
from qingfeng.accounts.selectors import (
    has_capability,
    regions_held_with,
    station_units,
    user_assignments,
    visible_stations,
    visible_units,
)
from qingfeng.framework.models import Framework
from qingfeng.lib.errors_workbook import errors_workbook
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.uploads import failed_import_context, max_upload_mb, read_upload
from qingfeng.lib.xlsx import XLSX_TYPE, attachment, download_name
from qingfeng.org.models import Station
from qingfeng.records import excel as records_excel
from qingfeng.rectification import selectors
from qingfeng.rectification.export import ledger_workbook
from qingfeng.rectification.feedback import ledger_feeds_set, rate_leaves
from qingfeng.rectification.forms import LedgerFilterForm
from qingfeng.rectification.import_services import problems_import
from qingfeng.rectification.imports import ENTERED_SOURCES, SHEET
from qingfeng.rectification.models import LedgerFeed, ProblemSource
from qingfeng.rectification.template_xlsx import build_template

_SESSION_KEY = "ledger_import_errors"
_KEPT_TOKENS = 5


@dataclass
class _Choice:
    """The station the import enters problems for (None: the commission's own ledger)
    and the stations the user could pick."""

    station: Station | None
    stations: list[Station]
    may_skip_station: bool

    def query(self) -> str:
        return urlencode({"station": self.station.code}) if self.station else ""


def _choice(request: AuthedRequest) -> _Choice:
    user = request.user
    if not has_capability(user, Capability.ENTER_PROBLEMS):
        raise PermissionDenied
    stations = list(visible_stations(user, Capability.ENTER_PROBLEMS).order_by("code"))
    # Only a user entering problems over a region (or everything) may enter them without a
    # station; a station clerk always enters for a station.
    may_skip = user.is_superuser or any(
        assignment.scope_kind in (ScopeKind.ALL, ScopeKind.REGION)
        and Capability.ENTER_PROBLEMS in ROLE_CAPABILITIES[assignment.role]
        for assignment in user_assignments(user)
    )
    code = request.GET.get("station", "").strip()
    if code:
        station = next((s for s in stations if s.code == code), None)
        if station is None:
            raise Http404
    elif may_skip:
        station = None
    elif stations:
        station = stations[0]
    else:
        raise PermissionDenied
    return _Choice(station, stations, may_skip)


@login_required
def import_page(request: AuthedRequest) -> HttpResponse:
    """Download the template; upload a ledger sheet (all or nothing)."""
    choice = _choice(request)
    context: dict[str, object] = {"choice": choice, "max_mb": max_upload_mb()}
    if request.method == "POST":
        upload = read_upload(request)
        if upload.issues:
            context.update(failed_import_context(upload, upload.issues))
            return render(request, "rectification/import.html", context)
        result = problems_import(
            data=upload.data, filename=upload.name, actor=request.user, station=choice.station
        )
        if result.issues:
            context.update(failed_import_context(upload, result.issues))
            data = errors_workbook(
                data=upload.data, filename=upload.name, issues=result.issues, sheet=SHEET
            )
            if data is not None:
                token = records_excel.store_errors(user=request.user, data=data)
                tokens = [*request.session.get(_SESSION_KEY, []), token][-_KEPT_TOKENS:]
                request.session[_SESSION_KEY] = tokens
                context["errors_url"] = reverse("rectification:import_errors", args=[token])
            return render(request, "rectification/import.html", context)
        messages.success(
            request,
            _(
                "Imported %(name)s: %(created)s problems entered, %(skipped)s already in the "
                "ledger skipped."
            )
            % {"name": upload.name, "created": result.created, "skipped": result.skipped},
        )
        query = choice.query()
        return redirect(reverse("rectification:import") + (f"?{query}" if query else ""))
    return render(request, "rectification/import.html", context)


@login_required
@require_GET
def import_template(request: AuthedRequest) -> HttpResponse:
    """The ledger sheet's .xlsx template."""
    choice = _choice(request)
    units = visible_units(request.user, Capability.ENTER_PROBLEMS).filter(active=True)
    if choice.station is not None:
        units = units & station_units(choice.station)
    example = units.order_by("code").values_list("code", flat=True).first() or ""
    response = HttpResponse(build_template(example_unit=example), content_type=XLSX_TYPE)
    name = download_name(_("problem ledger template"), f"{timezone.localdate():%Y%m%d}")
    response["Content-Disposition"] = attachment(name)
    return response


@login_required
@require_GET
def import_errors(request: AuthedRequest, token: str) -> HttpResponse:
    """The failed upload with its error column, once, to the session that uploaded it."""
    tokens = request.session.get(_SESSION_KEY, [])
    if token not in tokens:
        raise Http404
    data = records_excel.take_errors(user=request.user, token=token)
    request.session[_SESSION_KEY] = [t for t in tokens if t != token]
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachment(download_name(_("problems with errors")))
    return response


@login_required
@require_GET
def export_xlsx(request: AuthedRequest) -> HttpResponse:
    """The ledger the user sees, filtered as the ledger page with the same query string
    (its filter form and selectors: every row the page lists over all its pages), as .xlsx."""
    if not selectors.can_see_ledger(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    filters = LedgerFilterForm(request.GET).filters()
    narrowed = selectors.ledger_filter(
        problems=selectors.visible_problems(request.user), filters=filters
    )
    problems = selectors.ledger_rows(problems=narrowed, filters=filters, today=today)
    data = ledger_workbook(problems=problems, today=today)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachment(
        download_name(_("problem ledger"), f"{today:%Y%m%d}")
    )
    return response


@login_required
def feeds_page(request: AuthedRequest) -> HttpResponse:
    """Which rate leaves of a framework the ledger feeds, and from which problem sources
    (commission administrators, for the frameworks of their regions)."""
    user = request.user
    if not has_capability(user, Capability.EDIT_FRAMEWORK):
        raise PermissionDenied
    regions = regions_held_with(user, Capability.EDIT_FRAMEWORK)
    frameworks = list(Framework.objects.filter(region__in=regions).order_by("code"))
    code = request.GET.get("framework", "").strip()
    framework = next((f for f in frameworks if f.code == code), None)
    if code and framework is None:
        raise Http404
    framework = framework or (frameworks[0] if frameworks else None)
    leaves = rate_leaves(framework) if framework is not None else []
    query = urlencode({"framework": framework.code}) if framework is not None else ""
    if request.method == "POST" and framework is not None:
        wanted = set(request.POST.getlist("fed"))
        feeds = {
            leaf.code: request.POST.getlist(f"sources-{leaf.code}")
            for leaf in leaves
            if leaf.code in wanted
        }
        try:
            ledger_feeds_set(framework=framework, feeds=feeds, actor=user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Saved the indicators fed by the ledger."))
            return redirect(f"{reverse('rectification:feeds')}?{query}")
    fed = {
        feed.indicator_code: list(feed.sources or [])
        for feed in LedgerFeed.objects.filter(framework=framework)
    }
    rows = [
        {
            "leaf": leaf,
            "fed": leaf.code in fed,
            "sources": [
                (value, label, value in fed.get(leaf.code, []))
                for value, label in ProblemSource.choices
                if value in ENTERED_SOURCES
            ],
        }
        for leaf in leaves
    ]
    context = {"frameworks": frameworks, "framework": framework, "rows": rows, "query": query}
    return render(request, "rectification/feeds.html", context)
