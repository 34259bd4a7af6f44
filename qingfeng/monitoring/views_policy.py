"""The warning policy of a framework version: which response each band level (and the
veto) calls for, the days to answer, the periods that raise warnings, the ranking rule;
with its history. Everyone who sees the version reads it; its framework's editors
(commission administrators) change it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.framework.views import can_edit, visible_version
from qingfeng.lib.bands import band_label
from qingfeng.lib.service_forms import add_service_errors
from qingfeng.lib.typing import AuthedRequest
from qingfeng.monitoring.models import PeriodKind, ResponseKind, WarningPolicy
from qingfeng.monitoring.policies import ladder_keys, policy_save
from qingfeng.monitoring.policy import VETO, policy_for
from qingfeng.org.forms import BootstrapMixin


class PolicyForm(BootstrapMixin, forms.Form):
    """One select per band level of the version and one for the veto, then the rest."""

    period_kind = forms.ChoiceField(
        label=gettext_lazy("Periods that raise warnings"), choices=PeriodKind.choices
    )
    answer_days = forms.IntegerField(
        label=gettext_lazy("Days to answer"), min_value=1, max_value=365
    )
    call_in_last = forms.IntegerField(
        label=gettext_lazy("Last units of each category called in for a talk"),
        help_text=gettext_lazy("Empty: no ranking rule."),
        required=False,
        min_value=1,
        max_value=100,
    )

    def __init__(self, *args: Any, keys: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys
        for key in keys:
            label = (
                _("One-vote veto")
                if key == VETO
                else _("%(band)s warning") % {"band": band_label(key)}
            )
            self.fields[f"level_{key}"] = forms.ChoiceField(
                label=label, choices=ResponseKind.choices
            )
        # The levels first, as the page reads: a ladder, mildest first.
        order = [f"level_{key}" for key in keys] + ["answer_days", "period_kind", "call_in_last"]
        self.fields = {name: self.fields[name] for name in order}
        self._style()

    def ladder(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"level_{key}"] for key in self.keys}


@login_required
def policy_edit(request: AuthedRequest, version: int) -> HttpResponse:
    """The version's policy; its framework's editors change it (POST)."""
    found = visible_version(request, version)
    editable = can_edit(request, found.framework)
    keys = ladder_keys(found)
    policy = policy_for(found)
    initial = {
        **{f"level_{key}": policy.ladder.get(key) for key in keys},
        "answer_days": policy.answer_days,
        "period_kind": policy.period_kind,
        "call_in_last": policy.call_in_last,
    }
    form = PolicyForm(request.POST or None, keys=keys, initial=initial)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                policy_save(
                    version=found,
                    ladder=form.ladder(),
                    answer_days=form.cleaned_data["answer_days"],
                    period_kind=form.cleaned_data["period_kind"],
                    call_in_last=form.cleaned_data["call_in_last"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The warning policy is saved."))
                return redirect("monitoring:policy", version=found.pk)
    stored = WarningPolicy.history.model.objects  # type: ignore[attr-defined]
    history = stored.filter(version_id=found.pk).select_related("history_user")
    history = history.order_by("-history_date")[:20]
    rows = [
        {
            "date": row.history_date,
            "user": row.history_user,
            "ladder": [
                (
                    _("One-vote veto") if key == VETO else band_label(key),
                    ResponseKind(row.ladder[key]).label
                    if row.ladder.get(key) in ResponseKind.values
                    else "",
                )
                for key in keys
            ],
            "answer_days": row.answer_days,
            "period_kind": PeriodKind(row.period_kind).label,
            "call_in_last": row.call_in_last,
        }
        for row in history
    ]
    context = {
        "version": found,
        "form": form,
        "editable": editable,
        "stored": policy.pk is not None,
        "history": rows,
    }
    return render(request, "monitoring/policy.html", context)
