"""Downloading an issued document (to those who read its unit, else 404) and the
administrator's page of templates: download, replace (checked by rendering it with a
sample), restore the default, history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.documents import selectors, services
from qingfeng.documents.models import DocumentKind, IssuedDocument
from qingfeng.lib.documents import DOCX_CONTENT_TYPE
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.uploads import read_upload
from qingfeng.lib.xlsx import attachment


def _docx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment(filename)
    return response


@login_required
def document_download(request: AuthedRequest, pk: int) -> HttpResponse:
    """The .docx as it was issued."""
    document = get_object_or_404(IssuedDocument.objects.select_related("unit"), pk=pk)
    if not selectors.may_read(request.user, document):
        raise Http404
    return _docx(bytes(document.content), document.filename)


def _admin(request: AuthedRequest) -> None:
    if not selectors.can_edit_templates(request.user):
        raise PermissionDenied


def _kind(kind: str) -> str:
    if kind not in DocumentKind.values:
        raise Http404
    return kind


@login_required
def template_list(request: AuthedRequest) -> HttpResponse:
    """Each kind's template (default or replaced, by whom), its history and what it may
    use (its own sample context)."""
    _admin(request)
    rows = [
        {
            "kind": kind,
            "label": label,
            "stored": selectors.stored_template(kind),
            "history": selectors.template_history(kind)[:10],
            "sample": selectors.sample_rows(kind),
        }
        for kind, label in DocumentKind.choices
    ]
    context = {"rows": rows}
    return render(request, "documents/templates.html", context)


@login_required
def template_download(request: AuthedRequest, kind: str) -> HttpResponse:
    """The template a kind is issued with now, to edit it in Word."""
    _admin(request)
    return _docx(selectors.template_bytes(_kind(kind)), f"{kind}.docx")


@login_required
@require_POST
def template_replace(request: AuthedRequest, kind: str) -> HttpResponse:
    """Replace a kind's template with an uploaded .docx (refused with the reason, nothing
    changed, when it does not render with the sample)."""
    _admin(request)
    kind = _kind(kind)
    upload = read_upload(request)
    problems = list(upload.issues)
    if not problems:
        try:
            services.template_replace(
                kind=kind, name=upload.name, data=upload.data, actor=request.user
            )
        except ValidationError as error:
            problems = [str(m) for m in error.messages]
    if problems:
        for problem in problems:
            messages.error(request, problem)
    else:
        messages.success(
            request,
            _("The template of “%(kind)s” is replaced.") % {"kind": DocumentKind(kind).label},
        )
    return redirect("documents:templates")


@login_required
@require_POST
def template_restore(request: AuthedRequest, kind: str) -> HttpResponse:
    """Go back to a kind's default template."""
    _admin(request)
    kind = _kind(kind)
    if services.template_restore_default(kind=kind, actor=request.user):
        messages.success(
            request,
            _("The template of “%(kind)s” is the default again.")
            % {"kind": DocumentKind(kind).label},
        )
    return redirect("documents:templates")
