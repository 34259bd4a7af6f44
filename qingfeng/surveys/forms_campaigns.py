"""The form that starts a survey campaign, in two steps on one page.

The first step (a GET form whose selects reload the page) picks the region, the period,
the questionnaire version and the framework: they decide what the second step offers —
the framework's survey leaves in force for the period and the active units of the region
of the questionnaire's categories. The second step (the POST form) carries the first
step's choices as hidden fields and picks the leaf, the units, the code and the name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.accounts.roles import Capability
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.periods import period_label
from qingfeng.org.models import Region, Unit
from qingfeng.surveys import feed, selectors, selectors_campaigns
from qingfeng.surveys.models import Campaign, QuestionnaireVersion


@dataclass
class Step:
    """The first step's choices (each None when there is nothing to choose)."""

    region: Region | None
    period: str
    version: QuestionnaireVersion | None
    framework: Framework | None
    regions: list[Region]
    periods: list[tuple[str, str]]
    versions: list[QuestionnaireVersion]
    frameworks: list[Framework]


def _pick(options: list[Any], raw: str | None, *, default_first: bool = True) -> Any:
    """The option whose pk is ``raw``, else the first one (or None)."""
    for option in options:
        if raw and str(option.pk) == raw:
            return option
    return options[0] if options and default_first else None


def read_step(user: Any, params: Mapping[str, str]) -> Step:
    """The first step as read from ``params`` (GET or POST), unknown or missing values
    falling back to the first choice; a framework of "" means none."""
    regions = list(selectors.managed_regions(user).order_by("path"))
    region = _pick(regions, params.get("region"))
    periods = selectors.period_choices()
    period = params.get("period", "")
    if period not in dict(periods):
        period = periods[0][0]
    versions = list(selectors_campaigns.published_versions(user))
    version = _pick(versions, params.get("version"))
    frameworks = []
    if region is not None:
        frameworks = [
            framework
            for framework in visible_frameworks(user, Capability.MANAGE_SURVEYS)
            .select_related("region")
            .order_by("code")
            if framework.region.contains(region) or region.contains(framework.region)
        ]
    chosen = params.get("framework")
    framework = None if chosen == "" else _pick(frameworks, chosen)
    return Step(region, period, version, framework, regions, periods, versions, frameworks)


def default_code(period: str) -> str:
    """A free campaign code for ``period``: SV-2026Q3, else SV-2026Q3-2, …"""
    base = f"SV-{period}"
    taken = set(Campaign.objects.filter(code__startswith=base).values_list("code", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


class CampaignForm(forms.Form):
    """The second step: the leaf fed, the units surveyed, the code and the name."""

    indicator_code = forms.ChoiceField(
        label=gettext_lazy("Indicator fed on close"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units surveyed"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args: Any, step: Step, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        leaves = []
        if step.framework is not None:
            leaves = feed.feedable_leaves(
                framework=step.framework, period=step.period, instrument=Campaign
            )
        none = [("", _("none (the answers only inform)"))]
        self.fields["indicator_code"].choices = none + [  # type: ignore[attr-defined]
            (leaf.code, f"{leaf.code} {leaf.name}（{leaf.max:g}）") for leaf in leaves
        ]
        self.groups = (
            selectors_campaigns.surveyable_units(region=step.region, version=step.version)
            if step.region is not None
            else []
        )
        self.fields["units"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            pk__in=[unit.pk for group in self.groups for unit in group.units]
        )
        if not self.is_bound:
            self.initial.setdefault("indicator_code", leaves[0].code if leaves else "")
            self.initial.setdefault("code", default_code(step.period))
            if step.version is not None:
                self.initial.setdefault(
                    "name",
                    _("%(period)s %(questionnaire)s")
                    % {
                        "period": period_label(step.period),
                        "questionnaire": step.version.questionnaire.name,
                    },
                )

    def chosen_units(self) -> set[int]:
        """The pks of the units ticked (on a bound form) — to keep the boxes ticked."""
        if not self.is_bound:
            return set()
        return {int(pk) for pk in self.data.getlist("units") if str(pk).isdigit()}  # type: ignore[attr-defined]
