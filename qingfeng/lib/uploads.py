"""The part every upload page shares: take the one file, refuse it early when too large."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@dataclass
class Upload:
    """The uploaded file's bytes and name, or the reasons there is nothing to import."""

    data: bytes = b""
    name: str = ""
    issues: list[str] = field(default_factory=list)


def max_upload_mb() -> int:
    return int(settings.IMPORT_MAX_BYTES // (1024 * 1024))


def read_upload(request: HttpRequest, field_name: str = "file") -> Upload:
    """The file posted as ``field_name``; an issue instead when missing or too large."""
    upload = request.FILES.get(field_name)
    if upload is None:
        return Upload(issues=[_("Choose a file to upload.")])
    if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
        return Upload(
            name=upload.name or "",
            issues=[_("The file is larger than %(mb)s MB.") % {"mb": max_upload_mb()}],
        )
    return Upload(data=upload.read(), name=upload.name or "")


def failed_import_context(upload: Upload, issues: list[Any]) -> dict[str, Any]:
    """What the upload templates show when nothing was imported."""
    return {"issues": [str(issue) for issue in issues], "filename": upload.name}


def upload_page(
    request: HttpRequest,
    *,
    template: str,
    import_upload: Callable[[Upload], HttpResponse | Sequence[object]],
) -> HttpResponse:
    """An upload page: the form; on a POST the file goes to ``import_upload``, which
    returns the response after a successful import, or the issues when nothing was
    imported (shown on the page with the file's name)."""
    context: dict[str, Any] = {"max_mb": max_upload_mb()}
    if request.method == "POST":
        upload = read_upload(request)
        outcome = upload.issues or import_upload(upload)
        if isinstance(outcome, HttpResponse):
            return outcome
        context.update(failed_import_context(upload, list(outcome)))
    return render(request, template, context)
