"""Editing a draft version: its settings and its indicators; and the upload page."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework import services
from qingfeng.framework.checks import sum_warnings
from qingfeng.framework.forms import IndicatorForm, MoveForm, VersionSettingsForm
from qingfeng.framework.interchange import framework_import
from qingfeng.framework.models import FrameworkVersion, Indicator
from qingfeng.framework.views import editable_version
from qingfeng.lib.ids import parse_id
from qingfeng.lib.service_forms import save_posted
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.uploads import Upload, upload_page


def _draft(request: AuthedRequest, pk: int) -> FrameworkVersion:
    version = editable_version(request, pk)
    if not version.is_draft:
        raise PermissionDenied
    return version


# The services name fields as the interchange columns do; the form edits two of them as text.
_FORM_FIELD = {"grades": "grades_text", "bands": "bands_text"}


def _form_view(
    request: AuthedRequest,
    version: FrameworkVersion,
    form: BaseForm,
    title: str,
    save: Callable[[], object],
    done: str | None = None,
) -> HttpResponse:
    """A form on a draft version: a valid POST calls ``save`` and goes back to the
    version; otherwise the form is shown (with the service's errors, if any)."""
    saved = save_posted(
        request,
        form,
        save,
        done=done or _("Saved."),
        next_url=lambda _saved: reverse("framework:version_detail", args=[version.pk]),
        field_of=_FORM_FIELD,
    )
    return saved or render(
        request, "framework/form.html", {"form": form, "title": title, "version": version}
    )


@login_required
def version_settings(request: AuthedRequest, pk: int) -> HttpResponse:
    """A draft's name, year, scale, bands, components, assessed period kind and rule for
    unreported data."""
    version = _draft(request, pk)
    form = VersionSettingsForm(request.POST or None, instance=version)

    def save() -> None:
        data = form.cleaned_data
        services.version_settings_save(
            version=version,
            name=data["name"],
            year=data["year"],
            scale=data["scale"],
            bands=data["bands_text"],
            components=data["components_text"],
            actor=request.user,
            assessed_on=data["assessed_on"],
            unreported_rule=data["unreported_rule"],
        )

    return _form_view(request, version, form, _("Version settings"), save)


def _indicator_page(
    request: AuthedRequest, version: FrameworkVersion, indicator: Indicator, title: str
) -> HttpResponse:
    form = IndicatorForm(request.POST or None, instance=indicator, version=version)

    def save() -> Indicator:
        saved = services.indicator_save(indicator=form.instance, actor=request.user)
        # Sums are not refused while drafting (edits in any order): said after the save.
        codes = {saved.code, saved.parent.code if saved.parent else None}
        for warning in sum_warnings(version=version):
            if warning.code in codes:
                messages.warning(request, str(warning))
        return saved

    return _form_view(request, version, form, title, save)


@login_required
def indicator_create(request: AuthedRequest, version_pk: int) -> HttpResponse:
    """A new indicator, under ``?parent=<id>`` when given."""
    version = _draft(request, version_pk)
    parent_pk = parse_id(request.GET.get("parent"))
    parent = version.indicators.filter(pk=parent_pk).first() if parent_pk else None
    indicator = Indicator(version=version, parent=parent, position=10_000)
    return _indicator_page(request, version, indicator, _("New indicator"))


def _draft_indicator(request: AuthedRequest, pk: int) -> tuple[FrameworkVersion, Indicator]:
    indicator = get_object_or_404(Indicator.objects.select_related("version"), pk=pk)
    version = _draft(request, indicator.version_id)
    return version, indicator


@login_required
def indicator_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    version, indicator = _draft_indicator(request, pk)
    return _indicator_page(
        request, version, indicator, _("Edit indicator %(code)s") % {"code": indicator.code}
    )


@login_required
def indicator_move(request: AuthedRequest, pk: int) -> HttpResponse:
    """Put an indicator (with its subtree) under another parent or at another position."""
    version, indicator = _draft_indicator(request, pk)
    form = MoveForm(
        request.POST or None,
        indicator=indicator,
        initial={"parent": indicator.parent_id, "position": indicator.position},
    )
    return _form_view(
        request,
        version,
        form,
        _("Move indicator %(code)s") % {"code": indicator.code},
        lambda: services.indicator_move(
            indicator=indicator,
            parent=form.cleaned_data["parent"],
            position=form.cleaned_data["position"],
            actor=request.user,
        ),
        done=_("Moved."),
    )


@login_required
@require_POST
def indicator_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete an indicator and everything under it (drafts only)."""
    version, indicator = _draft_indicator(request, pk)
    try:
        services.indicator_delete(indicator=indicator, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Deleted %(code)s.") % {"code": indicator.code})
    return redirect("framework:version_detail", pk=version.pk)


@login_required
def import_page(request: AuthedRequest) -> HttpResponse:
    """Upload a framework (YAML or .xlsx): a new draft, or the current draft replaced."""
    if not scope.has_capability(request.user, Capability.EDIT_FRAMEWORK):
        raise PermissionDenied

    def import_upload(upload: Upload) -> HttpResponse | Sequence[object]:
        result = framework_import(data=upload.data, filename=upload.name, actor=request.user)
        if result.issues or result.version is None:
            return result.issues
        messages.success(request, _("Imported as a draft. Check it, then publish it."))
        return redirect("framework:version_detail", pk=result.version.pk)

    return upload_page(request, template="framework/import.html", import_upload=import_upload)
