"""Forms of the report pages: a new report, the analyst's words, an edited upload, a
batch."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qingfeng.accounts.roles import Capability
from qingfeng.documents.models import DocumentKind
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.lib.periods import Period
from qingfeng.org.forms import BootstrapMixin
from qingfeng.org.models import Person, Region, Unit
from qingfeng.reports import batches, selectors_life
from qingfeng.reports.kinds import KINDS, About, Subject
from qingfeng.reports.selectors import period_choices
from qingfeng.scoring.selectors import latest_period

TEXT_HELP = gettext_lazy(
    "Your own paragraphs, one per line: they go where the template puts the analyst's "
    "words. Everything else is made from the stored results."
)


class NewReportForm(BootstrapMixin, forms.Form):
    """What to report on: the kind, the framework and period, the unit (unit kinds) and
    the leader in charge (the letter to a leader), and the analyst's words."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of report"))
    framework: forms.ModelChoiceField[Framework] = forms.ModelChoiceField(
        label=gettext_lazy("Indicator framework"), queryset=None, to_field_name="code"
    )
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        help_text=gettext_lazy("The periods with stored scores, the latest first."),
    )
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("For the reports about one unit."),
    )
    leader: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        label=gettext_lazy("Leader in charge addressed"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("For the feedback letter to a leader in charge of the unit."),
    )
    text = forms.CharField(
        label=gettext_lazy("Analyst's own words"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
        help_text=TEXT_HELP,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        kind_field: Any = self.fields["kind"]
        kind_field.choices = [(kind, spec.label) for kind, spec in KINDS.items()]
        framework_field: Any = self.fields["framework"]
        framework_field.queryset = selectors_life.maker_frameworks(user)
        period_field: Any = self.fields["period"]
        period_field.choices = period_choices(framework_field.queryset)
        unit_field: Any = self.fields["unit"]
        units = selectors_life.maker_units(user)
        unit_field.queryset = units
        leader_field: Any = self.fields["leader"]
        leader_field.queryset = (
            Person.objects.filter(units_in_charge__unit__in=units.values("pk"))
            .distinct()
            .order_by("code")
        )
        self._style()

    def clean_period(self) -> Period:
        return Period.parse(self.cleaned_data["period"])  # one of the choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, framework = data.get("kind"), data.get("framework")
        if not kind or framework is None:
            return data
        about = KINDS[kind].about
        unit, leader = data.get("unit"), data.get("leader")
        if about == About.REGION:
            data["unit"] = unit = None
        if about != About.LEADER:
            data["leader"] = None
        if unit is None and about in (About.UNIT, About.LEADER):
            self.add_error("unit", _("Choose the unit this report is about."))
        elif unit is None and not selectors_life.makes_region(self.user, framework):
            self.add_error(
                "unit" if about != About.REGION else "framework",
                _("You make reports about units of this framework, not about its whole region."),
            )
        if (
            about == About.LEADER
            and unit is not None
            and leader is not None
            and not selectors_life.leaders_of(unit).filter(person=leader).exists()
        ):
            self.add_error("leader", _("This leader is not in charge of the unit chosen."))
        return data

    def subject(self) -> Subject:
        """The subject chosen (call after ``is_valid``)."""
        data = self.cleaned_data
        framework = data["framework"]
        return Subject(
            framework=framework,
            period=data["period"],
            region=framework.region,
            unit=data.get("unit"),
            person=data.get("leader"),
        )


class TextForm(BootstrapMixin, forms.Form):
    """The analyst's words of a report (saved, then the draft is regenerated)."""

    text = forms.CharField(
        label=gettext_lazy("Analyst's own words"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20000,
        help_text=TEXT_HELP,
    )
    discard_upload = forms.BooleanField(
        label=gettext_lazy("Discard the uploaded Word file and regenerate"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class BatchForm(BootstrapMixin, forms.Form):
    """What a batch is for: the kind, the framework, the period, the region."""

    kind = forms.ChoiceField(label=pgettext_lazy("report batch", "Kind of report"))
    framework = forms.ModelChoiceField(
        label=gettext_lazy("Indicator framework"),
        queryset=Framework.objects.none(),
        to_field_name="code",
    )
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        help_text=gettext_lazy("The periods with stored scores, the latest first."),
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=Region.objects.none(), to_field_name="code"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k, DocumentKind(k).label) for k in batches.batch_kinds()]
        framework = self.fields["framework"]
        region = self.fields["region"]
        assert isinstance(framework, forms.ModelChoiceField)
        assert isinstance(region, forms.ModelChoiceField)
        framework.queryset = visible_frameworks(user, Capability.MAKE_REPORTS).order_by("code")
        region.queryset = batches.batch_regions(user).order_by("path")
        # The usual case first: the user's own (top) region and framework, the period
        # last scored.
        first_region = region.queryset.first()
        first_framework = framework.queryset.first()
        region.initial = first_region.code if first_region else None
        framework.initial = first_framework.code if first_framework else None
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = period_choices(framework.queryset)
        if first_framework is not None:
            period.initial = latest_period(first_framework)
        self._style()

    def clean_period(self) -> Period:
        return Period.parse(self.cleaned_data["period"])  # one of the choices
