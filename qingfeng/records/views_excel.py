"""The Excel page of a data station: download its template, upload it filled.

Who: a user holding ENTER_RECORDS. A station clerk works for their own station; a
commission administrator may pick any station in their scope (``?station=CODE``). A
station the user doesn't see is 404; one they see but may not enter records for is 403.
The framework is picked with ``?framework=CODE`` among the visible ones; by default the
first whose version in force has leaves of the station.

Uploaded records are stored as *submitted*: like typed ones they go through review and
only count once approved (an upload is no more trustworthy than a form).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability, visible_stations
from qingfeng.framework.models import Framework, Indicator
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.errors_workbook import errors_workbook
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.uploads import failed_import_context, max_upload_mb, read_upload
from qingfeng.lib.xlsx import attachment, download_name
from qingfeng.org.models import Station
from qingfeng.records import excel
from qingfeng.records.imports import SHEET
from qingfeng.records.models import RecordSource, RecordStatus
from qingfeng.records.periods import OpenDates
from qingfeng.records.services import records_import

_SESSION_KEY = "records_excel_errors"
_KEPT_TOKENS = 5  # errors workbooks a session may have waiting at once


@dataclass
class _Choice:
    """The station and framework the page works on, and what the user could pick instead."""

    station: Station
    stations: list[Station]
    framework: Framework | None
    frameworks: list[Framework]
    leaves: list[Indicator]

    def query(self) -> str:
        values = {"station": self.station.code}
        if self.framework is not None:
            values["framework"] = self.framework.code
        return urlencode(values)


def _choice(request: AuthedRequest) -> _Choice:
    """The station (404 when not visible, 403 when not allowed) and framework asked for."""
    user = request.user
    if not has_capability(user, Capability.ENTER_RECORDS):
        raise PermissionDenied
    allowed = list(visible_stations(user, Capability.ENTER_RECORDS).order_by("code"))
    code = request.GET.get("station", "").strip()
    if code:
        station = visible_stations(user).filter(code=code).first()
        if station is None:
            raise Http404
        if station.pk not in {s.pk for s in allowed}:
            raise PermissionDenied
    elif allowed:
        station = allowed[0]
    else:
        raise PermissionDenied
    today = timezone.localdate()
    frameworks = list(visible_frameworks(user).order_by("code"))
    wanted = request.GET.get("framework", "").strip()
    framework: Framework | None = None
    leaves: list[Indicator] = []
    if wanted:
        framework = next((f for f in frameworks if f.code == wanted), None)
        if framework is None:
            raise Http404
        version = excel.version_for_today(framework, today)
        leaves = excel.station_leaves(version, station) if version is not None else []
    else:
        for candidate in frameworks:
            version = excel.version_for_today(candidate, today)
            found = excel.station_leaves(version, station) if version is not None else []
            if found:
                framework, leaves = candidate, found
                break
    return _Choice(station, allowed, framework, frameworks, leaves)


@login_required
def excel_page(request: AuthedRequest) -> HttpResponse:
    """Download the station's template; upload it filled (all or nothing)."""
    choice = _choice(request)
    context: dict[str, object] = {
        "choice": choice,
        "max_mb": max_upload_mb(),
        "open_periods": (
            [str(p) for p in OpenDates(choice.framework).open_periods()]
            if choice.framework is not None
            else []
        ),
    }
    if request.method == "POST":
        if choice.framework is None:
            raise Http404
        upload = read_upload(request)
        if upload.issues:
            context.update(failed_import_context(upload, upload.issues))
            return render(request, "records/excel.html", context)
        result = records_import(
            data=upload.data,
            filename=upload.name,
            framework=choice.framework,
            station=choice.station,
            actor=request.user,
            status=RecordStatus.SUBMITTED,
            source=RecordSource.IMPORTED,
            open_periods_only=True,
        )
        if result.issues:
            context.update(failed_import_context(upload, result.issues))
            data = errors_workbook(
                data=upload.data, filename=upload.name, issues=result.issues, sheet=SHEET
            )
            if data is not None:
                token = excel.store_errors(user=request.user, data=data)
                tokens = [*request.session.get(_SESSION_KEY, []), token][-_KEPT_TOKENS:]
                request.session[_SESSION_KEY] = tokens
                context["errors_url"] = reverse("records:excel_errors", args=[token])
            return render(request, "records/excel.html", context)
        messages.success(
            request,
            _("Imported %(name)s: %(count)s records, submitted for review.")
            % {"name": upload.name, "count": result.created},
        )
        if result.nil_returns:
            messages.success(
                request,
                ngettext(
                    "%(count)d nil return filed from the file's nil rows, submitted for review.",
                    "%(count)d nil returns filed from the file's nil rows, submitted for review.",
                    len(result.nil_returns),
                )
                % {"count": len(result.nil_returns)},
            )
        return redirect(f"{reverse('records:excel')}?{choice.query()}")
    return render(request, "records/excel.html", context)


@login_required
@require_GET
def excel_template(request: AuthedRequest) -> HttpResponse:
    """The station's .xlsx template for the framework."""
    choice = _choice(request)
    if choice.framework is None:
        raise Http404
    today = timezone.localdate()
    data = excel.build_template(
        framework=choice.framework, station=choice.station, user=request.user, today=today
    )
    response = HttpResponse(data, content_type=excel.XLSX_TYPE)
    name = download_name(
        _("records template"), choice.framework.name, choice.station.name, f"{today:%Y%m%d}"
    )
    response["Content-Disposition"] = attachment(name)
    return response


@login_required
@require_GET
def excel_errors(request: AuthedRequest, token: str) -> HttpResponse:
    """The failed upload with its error column, once, to the session that uploaded it."""
    tokens = request.session.get(_SESSION_KEY, [])
    if token not in tokens:
        raise Http404
    data = excel.take_errors(user=request.user, token=token)
    request.session[_SESSION_KEY] = [t for t in tokens if t != token]
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = attachment(download_name(_("records with errors")))
    return response
