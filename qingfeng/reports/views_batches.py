"""Pages of report batches: the "generate for every unit" form, the batch's page (its
progress bar polled by htmx, its failures, its reports), the .zip of its documents, and
"run again" for an interrupted batch. Thin: the rules are in ``reports.batches``.

Scope: a batch is seen by whoever started it and by the makers of reports over its
region (``batches.visible_batches``); any other user gets a 404.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_POST

from qingfeng.documents.models import DocumentKind
from qingfeng.lib.periods import period_label
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import attachment
from qingfeng.reports import batches
from qingfeng.reports.forms import BatchForm
from qingfeng.reports.kinds import DOCUMENT_LANGUAGE
from qingfeng.reports.models import ReportBatch


def _batch_for(request: AuthedRequest, pk: int) -> ReportBatch:
    """The batch ``pk`` if the user sees it; 404 otherwise."""
    return get_object_or_404(
        batches.visible_batches(request.user).select_related("framework", "region"), pk=pk
    )


@login_required
def batch_new(request: AuthedRequest) -> HttpResponse:
    """The "generate for every unit" form, and the user's recent batches."""
    if not batches.batch_regions(request.user).exists():
        raise Http404
    form = BatchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = batches.batch_start(
                kind=data["kind"],
                framework=data["framework"],
                period=data["period"],
                region=data["region"],
                actor=request.user,
            )
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("reports:batch", pk=batch.pk)
    recent = batches.visible_batches(request.user).select_related("region")[:20]
    return render(request, "reports/batch_new.html", {"form": form, "recent": recent})


@login_required
def batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The batch's page; htmx's poll (``HX-Request``) gets its progress part alone."""
    batch = _batch_for(request, pk)
    context = {
        "batch": batch,
        "progress": batches.batch_progress(batch),
        "reports": batches.batch_reports(batch=batch, user=request.user),
    }
    if request.headers.get("HX-Request"):
        return render(request, "reports/batch_progress.html", context)
    return render(request, "reports/batch.html", context)


@login_required
@require_POST
def batch_resume(request: AuthedRequest, pk: int) -> HttpResponse:
    """Run an interrupted batch again (the units already made are skipped)."""
    batch = _batch_for(request, pk)
    try:
        batches.batch_resume(batch=batch, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("reports:batch", pk=batch.pk)


class _Sink:
    """A write-only stream for ``zipfile`` that hands over what it was given."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data: bytes, /) -> int:
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def unique_name(name: str, taken: set[str]) -> str:
    """``name`` or, when already ``taken``, "name（2）.docx", "name（3）.docx" …"""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}（{n}）{dot}{ext}"
    taken.add(candidate)
    return candidate


def _zip_chunks(reports: Any) -> Iterator[bytes]:
    """The .zip of ``reports``, written one document at a time (never all in memory)."""
    sink = _Sink()
    taken: set[str] = set()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for report in (
            reports.select_related(None).only("filename", "content").iterator(chunk_size=20)
        ):
            archive.writestr(unique_name(report.filename, taken), bytes(report.content))
            yield sink.take()
    yield sink.take()


@login_required
def batch_zip(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    """Every .docx the batch made (that the user may see), as one .zip streamed."""
    batch = _batch_for(request, pk)
    reports = batches.batch_reports(batch=batch, user=request.user)
    with translation.override(DOCUMENT_LANGUAGE):  # file names are Chinese, as the documents
        kind = str(DocumentKind(batch.kind).label)
        name = f"{period_label(batch.period)}{batch.region.name}{kind}.zip"
    response = StreamingHttpResponse(_zip_chunks(reports), content_type="application/zip")
    response["Content-Disposition"] = attachment(name)
    return response
