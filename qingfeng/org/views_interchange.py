"""The organisation's upload page and its export downloads."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.accounts import selectors
from qingfeng.accounts.roles import Capability
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.uploads import Upload, upload_page
from qingfeng.lib.xlsx import attachment, download_name
from qingfeng.org.interchange import export_org, import_org

CONTENT_TYPES = {
    "yaml": "application/yaml; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def import_page(request: AuthedRequest) -> HttpResponse:
    """Upload a YAML or .xlsx organisation file; all or nothing, every error listed."""
    if not selectors.has_capability(request.user, Capability.IMPORT_ORG):
        raise PermissionDenied

    def import_upload(upload: Upload) -> HttpResponse | Sequence[object]:
        result = import_org(
            data=upload.data, filename=upload.name, scope=selectors.org_scope(request.user)
        )
        if result.issues:
            return result.issues
        messages.success(
            request,
            _("Imported %(name)s: %(summary)s.")
            % {"name": upload.name, "summary": result.summary()},
        )
        return redirect("org:import")

    return upload_page(request, template="org/import.html", import_upload=import_upload)


@login_required
def export_download(request: AuthedRequest, fmt: str) -> HttpResponse:
    """The organisation within the user's scope, as YAML or .xlsx."""
    if fmt not in CONTENT_TYPES:
        raise PermissionDenied
    if not selectors.has_capability(request.user, Capability.IMPORT_ORG):
        raise PermissionDenied
    data = export_org(
        scope=selectors.org_scope(request.user), fmt="yaml" if fmt == "yaml" else "xlsx"
    )
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = attachment(download_name(_("organisation"), stamp, ext=fmt))
    return response
