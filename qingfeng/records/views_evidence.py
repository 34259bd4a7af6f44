"""Serving an evidence file (佐证材料) only to users whose scope includes the record's unit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from qingfeng.lib.typing import AuthedRequest
from qingfeng.records.models import Evidence
from qingfeng.records.selectors import visible_records


@login_required
def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    """The file, as an attachment, to users who see the record's unit; 404 otherwise."""
    evidence = get_object_or_404(
        Evidence.objects.filter(record__in=visible_records(request.user)), pk=pk
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
