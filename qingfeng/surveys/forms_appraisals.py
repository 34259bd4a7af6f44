"""The forms of the democratic evaluations: a new appraisal, a slip's grades (the clerk's
paper entry and the public phone page share it), a slip code, more slips, a leader."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.framework.models import Framework
from qingfeng.lib.periods import Period
from qingfeng.lib.typing import choice_field, model_choice_field
from qingfeng.org.forms import BootstrapMixin, IsoDateInput
from qingfeng.org.models import Region, Unit, code_validator
from qingfeng.surveys import feed
from qingfeng.surveys.models import Appraisal, AppraisalSubject, Grade
from qingfeng.surveys.services_appraisals import MAX_SLIPS_PER_TEAM


def feed_choices(frameworks: QuerySet[Framework], periods: list[str]) -> list[tuple[str, str]]:
    """ "<framework pk>:<leaf code>" of every leaf an appraisal may feed in ``frameworks``
    for any of ``periods`` (the service checks the chosen period), with "none" first."""
    choices = [("", _("None: the evaluation only informs"))]
    seen: set[str] = set()
    # The version in force depends on the period's year alone: one period per year.
    by_year = {Period.parse(period).year: period for period in periods}
    for framework in frameworks.order_by("code"):
        for period in by_year.values():
            for leaf in feed.feedable_leaves(
                framework=framework, period=period, instrument=Appraisal
            ):
                value = f"{framework.pk}:{leaf.code}"
                if value not in seen:
                    seen.add(value)
                    choices.append((value, f"{framework.name} · {leaf.code} {leaf.name}"))
    return choices


class AppraisalForm(BootstrapMixin, forms.Form):
    """A new democratic evaluation: what it is called, the period it measures, the leaf
    it feeds, the teams (units) and how many slips each team's meeting needs."""

    name = forms.CharField(
        max_length=150,
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("As printed on the slips, e.g. 2026年度述责述廉民主测评."),
    )
    code = forms.CharField(max_length=32, validators=[code_validator], label=gettext_lazy("Code"))
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=gettext_lazy("Region"))
    period = forms.ChoiceField(label=gettext_lazy("Period"))
    meeting_date = forms.DateField(
        required=False, widget=IsoDateInput(), label=gettext_lazy("Meeting date")
    )
    feeds = forms.ChoiceField(required=False, label=gettext_lazy("Feeds indicator"))
    slips_per_unit = forms.IntegerField(
        min_value=1,
        max_value=MAX_SLIPS_PER_TEAM,
        initial=40,
        label=gettext_lazy("Slips per team"),
        help_text=gettext_lazy("One per attendee; more can be printed later."),
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Teams evaluated"),
    )

    def __init__(
        self,
        *args: Any,
        regions: QuerySet[Region],
        units: QuerySet[Unit],
        periods: list[tuple[str, str]],
        feeds: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "region").queryset = regions
        if len(regions[:2]) == 1:
            self.initial.setdefault("region", regions[0].pk)
        model_choice_field(self, "units").queryset = units
        choice_field(self, "period").choices = periods
        choice_field(self, "feeds").choices = feeds
        self._style()

    def clean_feeds(self) -> tuple[int, str] | None:
        """The chosen leaf as (framework pk, leaf code), None for none."""
        value = self.cleaned_data.get("feeds") or ""
        if not value:
            return None
        framework_pk, _sep, code = value.partition(":")
        return int(framework_pk), code


class SlipCodeForm(BootstrapMixin, forms.Form):
    """The code printed on a paper slip, as the clerk types it."""

    code = forms.CharField(
        max_length=32,
        label=gettext_lazy("Slip code"),
        help_text=gettext_lazy("As printed on the slip; dashes and case do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


def grade_field_name(subject: AppraisalSubject) -> str:
    """The form field of one leader's grade on a slip."""
    return f"grade_{subject.pk}"


class SlipGradesForm(forms.Form):
    """One slip's grades: a row per leader of its team with the four grades. A slip
    missing any grade is invalid (the message says so); the service checks again."""

    def __init__(self, *args: Any, subjects: list[AppraisalSubject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subjects = subjects
        for subject in subjects:
            self.fields[grade_field_name(subject)] = forms.ChoiceField(
                choices=Grade.choices,
                widget=forms.RadioSelect,
                required=False,
                label=subject.person.name,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        missing = [s for s in self.subjects if not cleaned.get(grade_field_name(s))]
        if missing:
            for subject in missing:
                self.add_error(grade_field_name(subject), _("Choose one grade."))
            raise forms.ValidationError(
                _(
                    "Every leader needs exactly one grade: a slip missing a grade is invalid "
                    "and is not counted."
                )
            )
        return cleaned

    def grades(self) -> dict[int, str]:
        """The grades by leader (subject pk), for ``slip_cast``."""
        return {s.pk: self.cleaned_data[grade_field_name(s)] for s in self.subjects}

    def rows(self) -> list[tuple[AppraisalSubject, forms.BoundField]]:
        """Each leader with the bound field of their grade, in order (for the template)."""
        return [(s, self[grade_field_name(s)]) for s in self.subjects]


class MoreSlipsForm(BootstrapMixin, forms.Form):
    """More slips for one team."""

    count = forms.IntegerField(
        min_value=1, max_value=MAX_SLIPS_PER_TEAM, initial=5, label=gettext_lazy("More slips")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()
