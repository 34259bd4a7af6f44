"""Forms of the problem ledger: the ledger's filters, entering a problem, the moves of a
problem (measures, acceptance, sending back, close, extension, done report, evidence) and
campaigns."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.lib.typing import choice_field, model_choice_field
from qingfeng.org.forms import BootstrapMixin, IsoDateInput
from qingfeng.org.models import Region, Station, Unit, path_within
from qingfeng.records.forms import MultipleFileField, problem_type_choices
from qingfeng.rectification.models import Campaign, ProblemSource, ProblemState
from qingfeng.rectification.selectors import LedgerFilters, Overdue, source_choices

# The longest text a form takes (a description, measures, a reason).
_TEXT_MAX = 5000


class LedgerFilterForm(forms.Form):
    """The ledger's filters, read from the query string; a wrong value is ignored (the
    filter is left out) rather than refused."""

    state = forms.ChoiceField(required=False, choices=[("", ""), *ProblemState.choices])
    overdue = forms.ChoiceField(required=False, choices=[(v, v) for v in Overdue.CHOICES])
    source = forms.ChoiceField(required=False, choices=[("", ""), *ProblemSource.choices])
    station = forms.IntegerField(required=False, min_value=1)
    unit = forms.IntegerField(required=False, min_value=1)
    problem_type = forms.CharField(required=False, max_length=100)
    campaign = forms.IntegerField(required=False, min_value=1)
    due_from = forms.DateField(required=False)
    due_to = forms.DateField(required=False)
    q = forms.CharField(required=False, max_length=100, strip=True)

    def filters(self) -> LedgerFilters:
        """The valid filters (each invalid one dropped)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        values = {name: data.get(name) for name in self.fields if name not in self.errors}
        return LedgerFilters(
            state=values.get("state") or "",
            overdue=values.get("overdue") or "",
            source=values.get("source") or "",
            station=values.get("station"),
            unit=values.get("unit"),
            problem_type=values.get("problem_type") or "",
            campaign=values.get("campaign"),
            due_from=values.get("due_from"),
            due_to=values.get("due_to"),
            q=values.get("q") or "",
        )


class StyledForm(BootstrapMixin, forms.Form):
    """A form whose widgets carry Bootstrap's classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class ProblemEntryForm(StyledForm):
    """A problem a station found (巡察, 审计, 信访…): the station and the unit must be the
    user's (their querysets are set by the view), the unit within the station's scope."""

    station = forms.ModelChoiceField(
        queryset=Station.objects.none(), label=gettext_lazy("Source station")
    )
    source = forms.ChoiceField(label=gettext_lazy("Found by"))
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Unit"))
    problem_type = forms.ChoiceField(required=False, label=gettext_lazy("Problem type"))
    description = forms.CharField(
        max_length=_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("Description"),
    )
    responsible_person = forms.CharField(
        required=False, max_length=100, label=gettext_lazy("Responsible person")
    )
    due = forms.DateField(widget=IsoDateInput(), label=gettext_lazy("Rectification deadline"))

    def __init__(
        self,
        *args: Any,
        stations: QuerySet[Station],
        units: QuerySet[Unit],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "station").queryset = stations
        model_choice_field(self, "unit").queryset = units.order_by("code")
        choice_field(self, "source").choices = source_choices()
        types = problem_type_choices()
        chosen = self.initial.get("problem_type") or (
            self.data.get("problem_type") if self.data else ""
        )
        if chosen and chosen not in dict(types):
            types.append((chosen, chosen))  # a record's type no longer in the list
        choice_field(self, "problem_type").choices = types

    def clean_due(self) -> datetime.date:
        due: datetime.date = self.cleaned_data["due"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return due

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        station, unit = data.get("station"), data.get("unit")
        if station and unit and not path_within(unit.region.path, station.region.path):
            self.add_error("unit", _("This unit is outside the station's scope."))
        return data


class TextForm(StyledForm):
    """One text: measures, a done report, a reason or a remark (``required`` by move)."""

    text = forms.CharField(
        max_length=_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Text")
    )


class ReportForm(StyledForm):
    """The unit's done report: what was done, and its evidence files."""

    text = forms.CharField(
        max_length=_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("What was done"),
    )
    evidence = MultipleFileField(required=False, label=gettext_lazy("Evidence files"))


class EvidenceForm(StyledForm):
    """Evidence files added while rectifying."""

    evidence = MultipleFileField(label=gettext_lazy("Evidence files"))


class ExtendForm(StyledForm):
    """A later deadline and the reason for it."""

    due = forms.DateField(widget=IsoDateInput(), label=gettext_lazy("New deadline"))
    text = forms.CharField(
        max_length=_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Reason for the extension"),
    )


class CampaignForm(StyledForm):
    """A new campaign (专项整治): the region and departments are the user's (querysets set
    by the view)."""

    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=gettext_lazy("Region"))
    name = forms.CharField(max_length=200, label=gettext_lazy("Name"))
    description = forms.CharField(
        required=False,
        max_length=_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("What the campaign rectifies"),
    )
    problem_type = forms.ChoiceField(required=False, label=gettext_lazy("Problem type"))
    departments = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=gettext_lazy("Responsible departments"),
        help_text=gettext_lazy("Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    due = forms.DateField(required=False, widget=IsoDateInput(), label=gettext_lazy("Deadline"))

    def __init__(
        self, *args: Any, regions: QuerySet[Region], units: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "region").queryset = regions
        if len(regions[:2]) == 1:  # one region: no choice to make
            self.initial.setdefault("region", regions[0].pk)
        model_choice_field(self, "departments").queryset = units.order_by("code")
        choice_field(self, "problem_type").choices = problem_type_choices()


class AttachForm(forms.Form):
    """Problems selected in the ledger, to attach to a campaign."""

    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), label=gettext_lazy("Special campaign")
    )
    ids = forms.TypedMultipleChoiceField(coerce=int, label=gettext_lazy("Problems"))

    def __init__(self, *args: Any, campaigns: QuerySet[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "campaign").queryset = campaigns
        # Any number: whether each is the user's is the view's check.
        ids = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        choice_field(self, "ids").choices = [(i, i) for i in ids]


def refuse(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: at its field when the form has
    it, else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
