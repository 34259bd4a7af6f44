"""The part every upload page shares: take the one file, refuse it early when too large."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

T = TypeVar("T")
# The most issues an upload page or an API answer lists.
ISSUES_SHOWN = 200


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


def shown_issues(issues: Sequence[T]) -> tuple[list[T], int]:
    """The first ``ISSUES_SHOWN`` issues of an import, and how many more there are: a page
    or an answer lists that many (a file of 100,000 bad rows would make a page of 22 MB);
    the errors workbook and the command line keep every one."""
    return list(issues[:ISSUES_SHOWN]), max(0, len(issues) - ISSUES_SHOWN)


def failed_import_context(upload: Upload, issues: list[Any]) -> dict[str, Any]:
    """What the upload templates show when nothing was imported: the first issues, how
    many there are and how many are not listed."""
    shown, more = shown_issues(issues)
    return {
        "issues": [str(issue) for issue in shown],
        "issue_count": len(issues),
        "more_issues": more,
        "filename": upload.name,
    }


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
