"""Review queue: a reviewer's submitted records, approved singly or in bulk, or returned
with a reason. Approving recomputes scores (the service does it).

The queue holds the submitted records of the units the user may review
(``visible_units(user, REVIEW_RECORDS)``); a POST naming any record outside them is a 404
and acts on nothing. A record the user entered, or one dated in a closed collection period,
is listed without a checkbox or buttons, saying why (the services refuse them anyway).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.ids import parse_id
from qingfeng.lib.periods import Period
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org.forms import BootstrapMixin
from qingfeng.org.models import Station
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.nil_selectors import nil_review_count
from qingfeng.records.periods import FrozenRecords
from qingfeng.records.review import entered_by, record_return, records_approve
from qingfeng.records.selectors import IndicatorNames, is_nil_answer
from qingfeng.scoring.models import Snapshot

PAGE_SIZE = 100


class ReturnForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


def _reviewable(request: AuthedRequest) -> QuerySet[Record]:
    """Records of every status in the units the user may review (403 without the role)."""
    if not scope.has_capability(request.user, Capability.REVIEW_RECORDS):
        raise PermissionDenied
    units = scope.visible_units(request.user, Capability.REVIEW_RECORDS)
    return Record.objects.filter(unit__in=units.values("pk"))


# The station filter's value for records a unit entered itself (self-assessments).
NO_STATION = "-"


def _queue_periods(records: QuerySet[Record]) -> list[str]:
    """The years and quarters the queue's records fall in, latest year first, each year
    before its quarters (latest first)."""
    found: set[Period] = set()
    for month in records.dates("date", "month"):
        found.add(Period(month.year, "Y", 1))
        found.add(Period(month.year, "Q", (month.month - 1) // 3 + 1))
    ordered = sorted(found, key=lambda p: (-p.year, p.kind != "Y", -p.index))
    return [str(period) for period in ordered]


def _evidence_url(pk: int) -> str | None:
    """The evidence download page, written by the entry feature; None while it is missing."""
    try:
        return reverse("records:evidence", args=[pk])
    except NoReverseMatch:
        return None


@login_required
def review_queue(request: AuthedRequest) -> HttpResponse:
    """Submitted records awaiting review, filterable by framework, station and period."""
    records = _reviewable(request).filter(status=RecordStatus.SUBMITTED)
    # The filters offer what the queue holds (a reviewer of a region reviews records of
    # every station entering for its units, not only of the stations it administers).
    frameworks = visible_frameworks(request.user, Capability.REVIEW_RECORDS).filter(
        pk__in=records.values("framework_id")
    )
    stations = Station.objects.filter(pk__in=records.values("station_id")).order_by("code")
    has_self_assessments = records.filter(station__isnull=True).exists()
    queue_periods = _queue_periods(records)
    chosen = {key: request.GET.get(key, "").strip() for key in ("framework", "station", "period")}
    if chosen["framework"]:
        records = records.filter(framework__code=chosen["framework"])
    if chosen["station"] == NO_STATION:
        records = records.filter(station__isnull=True)
    elif chosen["station"]:
        records = records.filter(station__code=chosen["station"])
    if chosen["period"]:
        try:
            period = Period.parse(chosen["period"])
        except ValueError as error:
            messages.error(request, str(error))
        else:
            records = records.filter(date__gte=period.start, date__lte=period.end)
    records = records.select_related("framework", "unit", "station", "created_by").prefetch_related(
        "evidence"
    )
    page = Paginator(records.order_by("submitted_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    names = IndicatorNames()
    frozen = FrozenRecords()
    rows = []
    for record in page.object_list:
        indicator = names.get(record)
        rows.append(
            {
                "record": record,
                "indicator": indicator,
                "nil_answer": is_nil_answer(record=record, indicator=indicator),
                "evidence": [(e, _evidence_url(e.pk)) for e in record.evidence.all()],
                # Why the row offers no review action (the services would refuse it).
                "own": entered_by(record=record, user=request.user),
                "closed": frozen.closed_period(record),
            }
        )
    query = urlencode({k: v for k, v in chosen.items() if v})
    return render(
        request,
        "records/review/queue.html",
        {
            "rows": rows,
            "actionable": any(not row["own"] and not row["closed"] for row in rows),
            "page": page,
            "query": query,
            "next": f"{reverse('records:review')}?{query}" if query else reverse("records:review"),
            "frameworks": frameworks.order_by("code"),
            "stations": stations,
            "no_station": NO_STATION if has_self_assessments else "",
            "queue_periods": queue_periods,
            "chosen": chosen,
            "nil_waiting": nil_review_count(request.user),
        },
    )


def _ids(values: list[str]) -> list[int]:
    ids = {parse_id(value) for value in values}
    if None in ids:
        raise Http404
    return sorted(pk for pk in ids if pk is not None)


def _back(request: AuthedRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith(reverse("records:review")):
        return redirect(target)
    return redirect("records:review")


def _updated(frameworks: dict[int, Framework], since: Any) -> str:
    """The periods whose snapshots the approval rewrote, per framework."""
    parts = []
    for framework in frameworks.values():
        periods = sorted(
            set(
                Snapshot.objects.filter(
                    version__framework=framework, computed_at__gte=since
                ).values_list("period", flat=True)
            ),
            key=Period.parse,
        )
        if periods:
            parts.append(f"{framework.code} {', '.join(periods)}")
    return "; ".join(parts) or _("no scored period")


@login_required
@require_POST
def review_approve(request: AuthedRequest) -> HttpResponse:
    """Approve the checked records (or the one named by a row's button) in one call."""
    one = request.POST.get("one", "")
    ids = _ids([one] if one else request.POST.getlist("ids"))
    if not ids:
        messages.error(request, _("Choose at least one record."))
        return _back(request)
    records = list(_reviewable(request).filter(pk__in=ids).select_related("framework"))
    if len(records) != len(ids):
        raise Http404
    since = timezone.now()
    try:
        count = records_approve(records=records, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back(request)
    frameworks = {record.framework_id: record.framework for record in records}
    messages.success(
        request,
        ngettext(
            "Approved %(count)d record; scores updated for %(periods)s.",
            "Approved %(count)d records; scores updated for %(periods)s.",
            count,
        )
        % {"count": count, "periods": _updated(frameworks, since)},
    )
    return _back(request)


def _indicator_text(record: Record) -> str:
    """The record's indicator as a user names it: its code and name."""
    indicator = IndicatorNames().get(record)
    return f"{record.indicator_code} {indicator.name}" if indicator else record.indicator_code


@login_required
def review_return(request: AuthedRequest, pk: int) -> HttpResponse:
    """Return a submitted record to its author; the reason is required."""
    record = get_object_or_404(
        _reviewable(request).select_related("framework", "unit", "station", "created_by"),
        pk=pk,
    )
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_return(record=record, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Returned the record of %(unit)s on %(indicator)s dated %(date)s.")
                % {
                    "unit": record.unit.name,
                    "indicator": _indicator_text(record),
                    "date": record.date.isoformat(),
                },
            )
            return _back(request)
    return render(
        request,
        "records/review/return.html",
        {
            "record": record,
            "indicator": IndicatorNames().get(record),
            "evidence": [(e, _evidence_url(e.pk)) for e in record.evidence.all()],
            "form": form,
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
    )
