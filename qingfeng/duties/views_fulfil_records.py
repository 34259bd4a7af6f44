"""Fulfilment records for viewers (fulfil part): the list with its filters, one record's
page and its attachments' download. Everything is looked up within
``duty_visibility_q``: outside it, a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import urlencode

from qingfeng.duties import fulfil_selectors as sel
from qingfeng.duties.forms_fulfil import RecordFilterForm, categories
from qingfeng.duties.models import SubjectKind
from qingfeng.lib.typing import AuthedRequest

PAGE_SIZE = 30


def query_without_page(request: AuthedRequest) -> str:
    """The query string of the filters, for the pager's links."""
    pairs: list[tuple[str, str]] = [
        (k, str(v)) for k, v in request.GET.items() if k != "page" and v
    ]
    return urlencode(pairs)


@login_required
def records(request: AuthedRequest) -> HttpResponse:
    """Every fulfilment record the user may see, newest first, filtered by unit, subject
    kind, category, date range and a keyword; paged."""
    if not sel.can_view(request.user):
        raise Http404
    form = RecordFilterForm(request.GET)
    values = form.values()
    found = sel.filter_fulfilments(
        sel.visible_fulfilments(request.user),
        unit=values.get("unit"),
        kind=values.get("kind") or "",
        category=values.get("category"),
        since=values.get("since"),
        until=values.get("until"),
        keyword=values.get("q") or "",
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "duties/fulfil/records.html",
        {
            "page": page,
            "rows": [(r, sel.is_late(r)) for r in page.object_list],
            "filters": values,
            "units": sel.viewer_units(request.user),
            "kinds": SubjectKind.choices,
            "categories": categories(),
            "query": query_without_page(request),
        },
    )


@login_required
def record_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One record: its subject, task, due, dates, lateness, content and attachments."""
    record = get_object_or_404(sel.visible_fulfilments(request.user), pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "duties/fulfil/record.html",
        {
            "record": record,
            "late": sel.is_late(record),
            "may_delete": sel.may_delete(request.user, record, today=today),
        },
    )


@login_required
def attachment(request: AuthedRequest, pk: int) -> FileResponse:
    """An attachment, as a download, to users who see its record; 404 otherwise."""
    found = get_object_or_404(sel.visible_attachments(request.user), pk=pk)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
