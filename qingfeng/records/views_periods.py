"""Collection periods page: list a framework's periods with their deadlines; open, close
and reopen them, change a period's deadlines and the framework's default deadlines.

Managing needs MANAGE_PERIODS over the framework's region; anyone who sees the framework
sees the list read-only. A framework outside the user's scope is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qingfeng.accounts import selectors as scope
from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.periods import Period, period_label
from qingfeng.lib.typing import AuthedRequest
from qingfeng.org.forms import BootstrapMixin, IsoDateInput
from qingfeng.records.models import CollectionPeriod, PeriodStatus
from qingfeng.records.periods import (
    MAX_DEADLINE_DAYS,
    collection_period_set_deadlines,
    framework_set_deadline_days,
    period_close,
    period_open,
    period_reopen,
)


class OpenPeriodForm(BootstrapMixin, forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=8,
        help_text=gettext_lazy("A year, half, quarter or month: 2026, 2026H1, 2026Q4, 2026M07."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean_period(self) -> str:
        try:
            return str(Period.read(self.cleaned_data["period"]))
        except ValueError as error:
            raise ValidationError(str(error)) from error


class DeadlinesForm(BootstrapMixin, forms.Form):
    entry_deadline = forms.DateField(
        label=gettext_lazy("Entry deadline"),
        widget=IsoDateInput(),
    )
    review_deadline = forms.DateField(
        label=gettext_lazy("Review deadline"),
        widget=IsoDateInput(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class DeadlineDaysForm(BootstrapMixin, forms.Form):
    entry_deadline_days = forms.IntegerField(
        label=gettext_lazy("Entry deadline: days after a period ends"),
        min_value=0,
        max_value=MAX_DEADLINE_DAYS,
    )
    review_deadline_days = forms.IntegerField(
        label=gettext_lazy("Review deadline: days after the entry deadline"),
        min_value=0,
        max_value=MAX_DEADLINE_DAYS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class ReopenForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for reopening"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


def _saved(
    request: AuthedRequest, form: forms.Form, field: str, save: Callable[[], object], done: str
) -> bool:
    """Call ``save`` for a valid form: True when it succeeded (``done`` is shown), else
    False with its ``ValidationError`` messages on ``field``."""
    try:
        save()
    except ValidationError as error:
        for message in error.messages:
            form.add_error(field, message)
        return False
    messages.success(request, done)
    return True


def can_manage_periods(request: AuthedRequest, framework: Framework) -> bool:
    """MANAGE_PERIODS over the framework's own region."""
    held = scope.regions_held_with(request.user, Capability.MANAGE_PERIODS)
    return held.filter(pk=framework.region_id).exists()


def _framework(request: AuthedRequest, code: str) -> Framework:
    return get_object_or_404(visible_frameworks(request.user), code=code)


def _collection(request: AuthedRequest, pk: int) -> CollectionPeriod:
    """A period of a visible framework (404 otherwise), which the user must manage (403)."""
    collection = get_object_or_404(
        CollectionPeriod.objects.select_related("framework").filter(
            framework__in=visible_frameworks(request.user)
        ),
        pk=pk,
    )
    if not can_manage_periods(request, collection.framework):
        raise PermissionDenied
    return collection


def _list_url(framework: Framework) -> str:
    return f"{reverse('records:period_list')}?framework={framework.code}"


@login_required
def period_list(request: AuthedRequest) -> HttpResponse:
    """The framework's periods (GET); opening a new one (POST, managers only)."""
    code = request.GET.get("framework", "")
    if not code:
        frameworks = visible_frameworks(request.user).order_by("code")
        return render(request, "records/periods.html", {"frameworks": frameworks})
    framework = _framework(request, code)
    can_manage = can_manage_periods(request, framework)
    form = OpenPeriodForm()
    days_form = DeadlineDaysForm(
        initial={
            "entry_deadline_days": framework.entry_deadline_days,
            "review_deadline_days": framework.review_deadline_days,
        }
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = OpenPeriodForm(request.POST)
        if form.is_valid():
            period = form.cleaned_data["period"]
            if _saved(
                request,
                form,
                "period",
                lambda: period_open(framework=framework, period=period, actor=request.user),
                _("Opened %(period)s.") % {"period": period},
            ):
                return redirect(_list_url(framework))
    periods = sorted(
        framework.collection_periods.all(),
        key=lambda c: Period.parse(c.period),
        reverse=True,
    )
    today = timezone.localdate()
    for c in periods:  # days to each deadline, shown while the period is open
        c.is_open = c.status == PeriodStatus.OPEN  # type: ignore[attr-defined]
        c.entry_left = (c.entry_deadline - today).days  # type: ignore[attr-defined]
        c.entry_overdue = max(-c.entry_left, 0)  # type: ignore[attr-defined]
        c.review_left = (c.review_deadline - today).days  # type: ignore[attr-defined]
        c.review_overdue = max(-c.review_left, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "records/periods.html",
        {
            "framework": framework,
            "periods": periods,
            "can_manage": can_manage,
            "form": form,
            "days_form": days_form,
            "OPEN": PeriodStatus.OPEN,
        },
    )


@login_required
@require_POST
def framework_deadline_days_view(request: AuthedRequest, code: str) -> HttpResponse:
    """Change the framework's default deadlines (for the periods opened from now on)."""
    framework = _framework(request, code)
    if not can_manage_periods(request, framework):
        raise PermissionDenied
    form = DeadlineDaysForm(request.POST)
    if form.is_valid():
        try:
            framework_set_deadline_days(
                framework=framework,
                entry_deadline_days=form.cleaned_data["entry_deadline_days"],
                review_deadline_days=form.cleaned_data["review_deadline_days"],
                actor=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Saved the default deadlines."))
    else:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, str(text))
    return redirect(_list_url(framework))


@login_required
def period_deadlines_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a period's entry and review deadlines (kept in its history)."""
    collection = _collection(request, pk)
    form = DeadlinesForm(
        request.POST or None,
        initial={
            "entry_deadline": collection.entry_deadline,
            "review_deadline": collection.review_deadline,
        },
    )
    if request.method == "POST" and form.is_valid():
        entry, review = form.cleaned_data["entry_deadline"], form.cleaned_data["review_deadline"]
        if _saved(
            request,
            form,
            "review_deadline",
            lambda: collection_period_set_deadlines(
                collection=collection,
                entry_deadline=entry,
                review_deadline=review,
                actor=request.user,
            ),
            _("Saved the deadlines of %(period)s.") % {"period": period_label(collection.period)},
        ):
            return redirect(_list_url(collection.framework))
    return render(
        request, "records/periods_deadlines.html", {"collection": collection, "form": form}
    )


@login_required
@require_POST
def period_close_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Close an open period: entry for its dates stops."""
    collection = _collection(request, pk)
    if collection.status == PeriodStatus.OPEN:
        period_close(collection=collection, actor=request.user)
        messages.success(request, _("Closed %(period)s.") % {"period": collection.period})
    return redirect(_list_url(collection.framework))


@login_required
def period_reopen_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Reopen a closed period, with a required reason kept in its history."""
    collection = _collection(request, pk)
    if collection.status != PeriodStatus.CLOSED:
        return redirect(_list_url(collection.framework))
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if _saved(
            request,
            form,
            "reason",
            lambda: period_reopen(collection=collection, reason=reason, actor=request.user),
            _("Reopened %(period)s.") % {"period": collection.period},
        ):
            return redirect(_list_url(collection.framework))
    return render(request, "records/periods_reopen.html", {"collection": collection, "form": form})
