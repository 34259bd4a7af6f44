"""Framework pages: the list, a version's indicator tree, its diff, and the actions on a
version (copy, publish, archive, export). Editing forms are in ``views_edit``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework import services
from qingfeng.framework.checks import sum_warnings, version_problems
from qingfeng.framework.diff import version_diff
from qingfeng.framework.interchange import framework_export
from qingfeng.framework.models import Framework, FrameworkVersion
from qingfeng.framework.selectors import (
    ordered_indicators,
    unreported_rule_text,
    visible_frameworks,
)
from qingfeng.lib.ids import parse_id
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import attachment, download_name
from qingfeng.org.models import UnitCategory

CONTENT_TYPES = {
    "yaml": "application/yaml; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def visible_version(request: AuthedRequest, pk: int) -> FrameworkVersion:
    """The version if its framework is in the user's scope, else 404."""
    return get_object_or_404(
        FrameworkVersion.objects.select_related("framework__region", "based_on").filter(
            framework__in=visible_frameworks(request.user)
        ),
        pk=pk,
    )


def can_edit(request: AuthedRequest, framework: Framework) -> bool:
    regions = scope.regions_held_with(request.user, Capability.EDIT_FRAMEWORK)
    return regions.filter(pk=framework.region_id).exists()


def editable_version(request: AuthedRequest, pk: int) -> FrameworkVersion:
    """The version if the user may edit its framework (404 outside scope, 403 otherwise)."""
    version = visible_version(request, pk)
    if not can_edit(request, version.framework):
        raise PermissionDenied
    return version


@login_required
def framework_list(request: AuthedRequest) -> HttpResponse:
    """Frameworks in scope with their versions."""
    frameworks = (
        visible_frameworks(request.user).select_related("region").prefetch_related("versions")
    )
    return render(
        request,
        "framework/framework_list.html",
        {
            "frameworks": frameworks,
            "can_import": scope.has_capability(request.user, Capability.EDIT_FRAMEWORK),
        },
    )


@login_required
def version_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The indicator tree: every node's code, points, rule, station, categories, bands."""
    version = visible_version(request, pk)
    nodes = ordered_indicators(version)
    depth: dict[int, int] = {}
    for node in nodes:
        depth[node.pk] = depth[node.parent_id] + 1 if node.parent_id else 0
    parents = {node.parent_id for node in nodes}
    # Unit categories by name (a framework stores their codes).
    category_names = dict(UnitCategory.objects.values_list("code", "name"))
    rows = [
        {
            "node": n,
            "depth": depth[n.pk],
            "is_leaf": n.pk not in parents,
            "categories": "、".join(category_names.get(code, code) for code in n.applies_to or []),
        }
        for n in nodes
    ]
    editing = version.is_draft and can_edit(request, version.framework)
    return render(
        request,
        "framework/version_detail.html",
        {
            "version": version,
            "framework": version.framework,
            "rows": rows,
            "leaf_count": sum(1 for r in rows if r["is_leaf"]),
            "unreported_rule": unreported_rule_text(version),
            "can_edit": can_edit(request, version.framework),
            "other_versions": version.framework.versions.exclude(pk=version.pk),
            # While drafting: what publishing would refuse, and what only deserves a look.
            "problems": version_problems(version=version) if editing else [],
            "warnings": sum_warnings(version=version) if editing else [],
        },
    )


@login_required
def version_diff_page(request: AuthedRequest, pk: int) -> HttpResponse:
    """What changed from another version (by default the one this was based on)."""
    version = visible_version(request, pk)
    asked = request.GET.get("against")
    against_pk = parse_id(asked) if asked else version.based_on_id
    if not against_pk:
        raise Http404
    other = get_object_or_404(version.framework.versions, pk=against_pk)
    return render(
        request,
        "framework/version_diff.html",
        {"version": version, "other": other, "diff": version_diff(other, version)},
    )


@login_required
def version_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    """The version as YAML or .xlsx in the public interchange format."""
    version = visible_version(request, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(
        framework_export(version=version, fmt="yaml" if fmt == "yaml" else "xlsx"),
        content_type=CONTENT_TYPES[fmt],
    )
    name = download_name(version.framework.name, f"v{version.number}", ext=fmt)
    response["Content-Disposition"] = attachment(name)
    return response


def _act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    version = editable_version(request, pk)
    try:
        if action == "copy":
            version = services.version_copy(version=version, actor=request.user)
            messages.success(request, _("A new draft was made. Change it, then publish it."))
        elif action == "publish":
            services.version_publish(version=version, actor=request.user)
            messages.success(request, _("Published. Scores of its periods now use it."))
        else:
            services.version_archive(version=version, actor=request.user)
            messages.success(request, _("Archived."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("framework:version_detail", pk=version.pk)


@login_required
@require_POST
def version_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "copy")


@login_required
@require_POST
def version_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "publish")


@login_required
@require_POST
def version_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "archive")
