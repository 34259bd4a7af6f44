"""Entry pages: a station clerk's indicators, the single-record form, the quick-entry
table, the clerk's own records, and a unit liaison's self-assessment.

Scope: a station the user does not enter for, a framework they do not see, an indicator
not owned by the station and a record they may not edit are all 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework, Indicator
from qingfeng.framework.selectors import version_in_force, visible_frameworks
from qingfeng.lib.periods import Period
from qingfeng.lib.service_forms import add_service_errors
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org.models import Station, Unit
from qingfeng.records import selectors, todo
from qingfeng.records.entry_services import (
    QuickRow,
    entry_save,
    quick_entry_save,
    record_delete_draft,
    record_update,
)
from qingfeng.records.forms import (
    RecordEntryForm,
    default_date,
    number_labels,
    parse_quick_row,
    problem_type_choices,
    rule_inputs,
)
from qingfeng.records.models import Record, RecordStatus
from qingfeng.records.periods import OpenDates
from qingfeng.records.review import record_submit


@dataclass
class Target:
    """What an entry page is about: an indicator of a framework for a period, entered
    for a station (None: a unit's self-assessment)."""

    framework: Framework
    period: Period
    leaf: Indicator
    station: Station | None
    units: list[Unit]


def _station(request: AuthedRequest, pk: int) -> Station:
    return get_object_or_404(selectors.clerk_stations(request.user), pk=pk)


def _framework(request: AuthedRequest, pk: int) -> Framework:
    return get_object_or_404(visible_frameworks(request.user).select_related("region"), pk=pk)


def _station_target(
    request: AuthedRequest, station_pk: int, framework_pk: int, period: Period, code: str
) -> Target:
    station = _station(request, station_pk)
    framework = _framework(request, framework_pk)
    found = [
        leaf
        for leaf in selectors.station_leaves(framework=framework, station=station, period=period)
        if leaf.code == code
    ]
    if not found:
        raise Http404  # not a leaf of this station: another station's indicator
    units = selectors.entry_units(
        user=request.user, framework=framework, leaf=found[0], station=station
    )
    return Target(framework, period, found[0], station, units)


def _self_target(request: AuthedRequest, framework_pk: int, period: Period, code: str) -> Target:
    if not scope.has_capability(request.user, Capability.SELF_ASSESS):
        raise Http404
    framework = _framework(request, framework_pk)
    found = [
        leaf
        for leaf in selectors.self_assessed_leaves(framework=framework, period=period)
        if leaf.code == code
    ]
    if not found:
        raise Http404
    units = selectors.entry_units(
        user=request.user, framework=framework, leaf=found[0], station=None
    )
    return Target(framework, period, found[0], None, units)


# ---------------------------------------------------------------------------------------
# Station clerk


@login_required
def entry_home(request: AuthedRequest) -> HttpResponse:
    """Choose station, framework and open period; then the station's indicators."""
    stations = list(selectors.clerk_stations(request.user).order_by("code"))
    if not stations:
        raise Http404
    station = next((s for s in stations if str(s.pk) == request.GET.get("station")), stations[0])
    frameworks = [
        framework
        for framework in selectors.entry_frameworks(request.user, station)
        if any(
            selectors.station_leaves(framework=framework, station=station, period=period)
            for period in OpenDates(framework).open_periods()
        )
    ]
    framework = next(
        (f for f in frameworks if str(f.pk) == request.GET.get("framework")),
        frameworks[0] if frameworks else None,
    )
    periods = OpenDates(framework).open_periods() if framework else []
    period = next((p for p in periods if str(p) == request.GET.get("period")), None)
    if period is None and periods:
        period = periods[-1]
    rows = []
    if framework is not None and period is not None:
        rows = [
            {"leaf": leaf, "inputs": rule_inputs(leaf)}
            for leaf in selectors.station_leaves(
                framework=framework, station=station, period=period
            )
        ]
    return render(
        request,
        "records/entry/home.html",
        {
            "stations": stations,
            "station": station,
            "frameworks": frameworks,
            "framework": framework,
            "periods": periods,
            "period": period,
            "rows": rows,
        },
    )


def _entry_page(
    request: AuthedRequest, target: Target, record: Record | None = None
) -> HttpResponse:
    """The single-record form, for a new record or a draft/returned one."""
    initial: dict[str, Any] = {"date": default_date(target.period.start, target.period.end)}
    if record is not None:
        initial = {
            "unit": record.unit_id,
            "date": record.date,
            "points": record.points,
            "quantity": record.quantity,
            "grade": record.grade,
            "value": record.value,
            "problem_type": record.problem_type,
            "note": record.note,
        }
    elif len(target.units) == 1:
        initial["unit"] = target.units[0].pk
    self_assessment = record.self_assessment if record is not None else target.station is None
    if (
        record is not None
        and self_assessment
        and selectors.is_nil_answer(record=record, indicator=target.leaf)
    ):
        initial.update(no_problem=True, points=None)
    form = RecordEntryForm(
        request.POST or None,
        request.FILES or None,
        leaf=target.leaf,
        units=target.units,
        self_assessment=self_assessment,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submit = "submit" in request.POST
        try:
            if record is None:
                saved = entry_save(
                    framework=target.framework,
                    indicator_code=target.leaf.code,
                    unit=data["unit"],
                    date=data["date"],
                    station=target.station,
                    actor=request.user,
                    values=form.values(),
                    files=data["evidence"],
                    submit=submit,
                    self_assessment=target.station is None,
                )
            else:
                saved = record_update(
                    record=record,
                    unit=data["unit"],
                    date=data["date"],
                    actor=request.user,
                    values=form.values(),
                    files=data["evidence"],
                    submit=submit,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if saved.status == RecordStatus.SUBMITTED:
                messages.success(request, _("The record was sent for review."))
            else:
                messages.success(request, _("The record was saved as a draft."))
            return redirect("records:my_records")
    if record is not None:
        page_title = _("Correct a record")
    elif target.station is not None:
        page_title = _("Enter a record")
    else:
        page_title = _("Self-assessment")
    return render(
        request,
        "records/entry/form.html",
        {
            "target": target,
            "form": form,
            "record": record,
            "leaf": target.leaf,
            "page_title": page_title,
        },
    )


@login_required
def entry_new(
    request: AuthedRequest, station_pk: int, framework_pk: int, period: Period, code: str
) -> HttpResponse:
    """A new record of a station's indicator."""
    return _entry_page(request, _station_target(request, station_pk, framework_pk, period, code))


def _editable(request: AuthedRequest, pk: int) -> Record:
    return get_object_or_404(
        selectors.editable_records(request.user).select_related("framework", "station", "unit"),
        pk=pk,
    )


@login_required
def entry_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct a draft or a returned record (the return reason is shown)."""
    record = _editable(request, pk)
    framework = record.framework
    period = Period(record.date.year, "Y", 1)
    for open_period in OpenDates(framework).open_periods():
        if open_period.contains(record.date):
            period = open_period
            break
    version = version_in_force(framework=framework, period=period)
    leaf = next(
        (
            node
            for node in (selectors.leaves(version) if version else [])
            if node.code == record.indicator_code
        ),
        None,
    )
    if leaf is None:
        raise Http404
    units = selectors.entry_units(
        user=request.user, framework=framework, leaf=leaf, station=record.station
    )
    if record.unit not in units:
        units.append(record.unit)  # shown; the service still checks it
    return _entry_page(request, Target(framework, period, leaf, record.station, units), record)


def _record_action(
    request: AuthedRequest, pk: int, action: Callable[..., object], done: str
) -> HttpResponse:
    """Apply ``action`` (a service taking ``record`` and ``actor``) to one of the user's
    records, say how it went, and go back to their records."""
    record = _editable(request, pk)
    try:
        action(record=record, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("records:my_records")


@login_required
@require_POST
def entry_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete one of the user's drafts."""
    return _record_action(request, pk, record_delete_draft, _("The draft was deleted."))


@login_required
@require_POST
def entry_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Send one of the user's drafts (or a returned record) for review."""
    return _record_action(request, pk, record_submit, _("The record was sent for review."))


@login_required
def entry_quick(
    request: AuthedRequest, station_pk: int, framework_pk: int, period: Period, code: str
) -> HttpResponse:
    """One table: a row per unit, empty rows skipped, all or nothing."""
    target = _station_target(request, station_pk, framework_pk, period, code)
    assert target.station is not None
    inputs = rule_inputs(target.leaf)
    errors: dict[int, list[str]] = {}
    date_text = default_date(target.period.start, target.period.end).isoformat()
    if request.method == "POST":
        date_text = request.POST.get("date", "").strip()
        rows: list[QuickRow] = []
        for unit in target.units:
            values, problems = parse_quick_row(request.POST, unit, inputs)
            if problems:
                errors[unit.pk] = problems
            elif values is not None:
                rows.append(QuickRow(unit, values))
        day: datetime.date | None
        try:
            day = datetime.date.fromisoformat(date_text)
        except ValueError:
            day = None
        page_error = None
        if day is None:
            page_error = _("Enter a valid date (YYYY-MM-DD).")
        elif not rows and not errors:
            page_error = _("Fill in at least one row.")
        if page_error is None and not errors and day is not None:
            result = quick_entry_save(
                framework=target.framework,
                indicator_code=target.leaf.code,
                station=target.station,
                date=day,
                rows=rows,
                submit="submit" in request.POST,
                actor=request.user,
            )
            if not result.errors:
                messages.success(
                    request,
                    _("%(count)s records were saved.") % {"count": len(result.records)},
                )
                return redirect("records:my_records")
            errors = result.errors
        if page_error:
            messages.error(request, page_error)
    table = [
        {
            "unit": unit,
            "cells": [(name, request.POST.get(f"{name}-{unit.pk}", "")) for name in inputs],
            "problem_type": request.POST.get(f"problem_type-{unit.pk}", ""),
            "note": request.POST.get(f"note-{unit.pk}", ""),
            "errors": errors.get(unit.pk, []),
        }
        for unit in target.units
    ]
    grades = list(((target.leaf.rule or {}).get("grades") or {}).keys())
    return render(
        request,
        "records/entry/quick.html",
        {
            "target": target,
            "leaf": target.leaf,
            "inputs": inputs,
            "labels": number_labels(target.leaf),
            "problem_types": problem_type_choices()[1:],
            "table": table,
            "date": date_text,
            "grades": grades,
            "has_errors": bool(errors),
            "submit_checked": "submit" in request.POST,
        },
    )


@login_required
def my_records(request: AuthedRequest) -> HttpResponse:
    """The user's own records with their status, filtered by status and period."""
    records = (
        selectors.visible_records(request.user)
        .filter(created_by=request.user)
        .select_related("framework", "unit", "station")
        .prefetch_related("evidence")
    )
    status = request.GET.get("status", "")
    if status in RecordStatus.values:
        records = records.filter(status=status)
    period_text = request.GET.get("period", "").strip()
    if period_text:
        try:
            period = Period.read(period_text)
        except ValueError:
            messages.error(request, _("Not a period: use 2026, 2026H1, 2026Q3 or 2026M07."))
        else:
            records = records.filter(date__gte=period.start, date__lte=period.end)
    rows = selectors.own_record_rows(user=request.user, records=list(records[:500]))
    return render(
        request,
        "records/entry/my_records.html",
        {
            "rows": rows,
            "statuses": RecordStatus.choices,
            "status": status,
            "period": period_text,
        },
    )


# ---------------------------------------------------------------------------------------
# Unit liaison


@login_required
def self_assessment(request: AuthedRequest) -> HttpResponse:
    """The self-assessed indicators of each visible framework's open periods that apply
    to the liaison's units."""
    if not scope.has_capability(request.user, Capability.SELF_ASSESS):
        raise Http404
    units = list(
        scope.visible_units(request.user, Capability.SELF_ASSESS)
        .filter(active=True)
        .select_related("category", "region")
        .order_by("code")
    )
    sections = [
        {
            "framework": framework,
            "period": period,
            "items": [{"leaf": leaf, "units": applies} for leaf, applies in items],
        }
        for framework, period, items in todo.self_assessed_items(user=request.user, units=units)
    ]
    return render(request, "records/entry/self_assessment.html", {"sections": sections})


@login_required
def self_assessment_new(
    request: AuthedRequest, framework_pk: int, period: Period, code: str
) -> HttpResponse:
    """A unit's own record of a self-assessed indicator (the single-entry form)."""
    target = _self_target(request, framework_pk, period, code)
    if not target.units:
        raise Http404
    return _entry_page(request, target)
