"""Forms for a draft version's settings and its indicators.

Rules, grades and bands are entered in a compact text form ("一等:10, 二等:8",
"blue<0.9, yellow<0.8", ``qingfeng.lib.notation``) that is also what the .xlsx interchange
uses, so a user meets one notation, and the same messages, everywhere.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from qingfeng.framework.interchange_format import RULE_PARAMS
from qingfeng.framework.models import FrameworkVersion, Indicator, RuleType
from qingfeng.lib.notation import (
    NotationError,
    bands_text,
    grades_text,
    parse_bands,
    parse_grades,
)
from qingfeng.lib.typing import choice_field, model_choice_field
from qingfeng.org.forms import BootstrapMixin
from qingfeng.org.models import Station, UnitCategory


def text_to_bands(written: str) -> list[dict[str, Any]]:
    """Parse "blue<0.9, yellow<0.8" (or "none") into the interchange's list of
    {level, below}; a form error when it is badly written."""
    try:
        return parse_bands(written or "")
    except NotationError as error:
        raise forms.ValidationError(capfirst(str(error))) from error


def text_to_grades(written: str) -> dict[str, int | float]:
    """Parse "国家级一档:10, 省级一档:8" into {grade: points}."""
    try:
        return parse_grades(written or "")
    except NotationError as error:
        raise forms.ValidationError(capfirst(str(error))) from error


class VersionSettingsForm(BootstrapMixin, forms.ModelForm):
    bands_text = forms.CharField(
        required=False,
        label=_("Warning bands"),
        help_text=_(
            "level<fraction of the maximum, most lenient first: blue<0.9, yellow<0.8, red<0.6"
        ),
    )
    components_text = forms.CharField(
        required=False,
        label=_("Components"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: code, name, weight (weights sum to 1), e.g. daily, 日常检查, 0.7"
        ),
    )

    class Meta:
        model = FrameworkVersion
        fields = ["name", "year", "scale", "assessed_on", "unreported_rule"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bands_text"].initial = bands_text(self.instance.bands or None)
        self.fields["components_text"].initial = "\n".join(
            f"{c['code']}, {c.get('name', '')}, {c['weight']:g}"
            for c in self.instance.components or []
        )
        # A form posted without it (an older page, a script) keeps the version's rule.
        self.fields["unreported_rule"].required = False
        self._style()

    def clean_unreported_rule(self) -> str:
        return self.cleaned_data.get("unreported_rule") or self.instance.unreported_rule

    def clean_bands_text(self) -> list[dict[str, Any]]:
        return text_to_bands(self.cleaned_data["bands_text"])

    def clean_components_text(self) -> list[dict[str, Any]]:
        components = []
        for number, line in enumerate(self.cleaned_data["components_text"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in re.split(r"[,，]", line)]
            try:
                code, name, weight = parts[0], parts[1], float(parts[2])
            except (IndexError, ValueError) as error:
                raise forms.ValidationError(
                    _("Line %(line)d: write code, name, weight.") % {"line": number}
                ) from error
            components.append({"code": code, "name": name, "weight": weight})
        return components


class IndicatorForm(BootstrapMixin, forms.ModelForm):
    """One indicator of a draft version, with its rule's parameters as plain fields."""

    rule_type = forms.ChoiceField(
        required=False, label=_("Rule"), choices=[("", _("none (a group)")), *RuleType.choices]
    )
    per = forms.FloatField(required=False, label=_("points per item"))
    cap = forms.FloatField(required=False, label=_("deduction cap"))
    grades_text = forms.CharField(required=False, label=_("grades (grade:points)"))
    zero_at = forms.FloatField(required=False, label=_("value scoring zero"))
    full_at = forms.FloatField(required=False, label=_("value scoring full points"))
    applies_to = forms.MultipleChoiceField(
        required=False,
        label=_("Applies to unit categories (none: all)"),
        widget=forms.CheckboxSelectMultiple,
    )
    bands_text = forms.CharField(
        required=False, label=_("Own warning bands (empty: the version's; none: no warnings)")
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "parent",
            "max",
            "standard",
            "method",
            "station",
            "component",
            "self_assessed",
        ]
        widgets = {
            "standard": forms.Textarea(attrs={"rows": 2}),
            "method": forms.Textarea(attrs={"rows": 2}),
        }

    # The form field of each rule parameter (the interchange key, except for grades).
    RULE_FIELDS = {"per": "per", "cap": "cap", "grades": "grades_text"}
    RULE_FIELDS |= {"zero_at": "zero_at", "full_at": "full_at"}

    def __init__(self, *args: Any, version: FrameworkVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = version.indicators.all()
        if self.instance.pk:
            groups = groups.exclude(pk=self.instance.pk)
        model_choice_field(self, "parent").queryset = groups.order_by("code")
        model_choice_field(self, "station").queryset = Station.objects.within(
            version.framework.region
        ) | Station.objects.filter(pk=self.instance.station_id or 0)
        choice_field(self, "applies_to").choices = [
            (c.code, c.name) for c in UnitCategory.objects.all()
        ]
        component_choices = [("", "—")] + [
            (c["code"], c.get("name") or c["code"]) for c in version.components or []
        ]
        self.fields["component"] = forms.ChoiceField(
            required=False, choices=component_choices, label=_("component")
        )
        rule = self.instance.rule or {}
        self.initial.update(
            {
                "rule_type": rule.get("type", ""),
                "per": rule.get("per"),
                "cap": rule.get("cap"),
                "grades_text": grades_text(rule.get("grades")),
                "zero_at": rule.get("zero_at"),
                "full_at": rule.get("full_at"),
                "applies_to": self.instance.applies_to or [],
                # "无" in Chinese: one of the words the notation reads as "no warnings".
                "bands_text": bands_text(
                    self.instance.bands, nothing=pgettext("no warning bands", "none")
                ),
            }
        )
        for key, name in self.RULE_FIELDS.items():
            kinds = [kind for kind, params in RULE_PARAMS.items() if key in params]
            self.fields[name].widget.attrs["data-qf-rule-param"] = " ".join(kinds)
            # Said in words for a browser without JavaScript, where every field shows.
            self.fields[name].help_text = _("Used by: %(rules)s") % {
                "rules": "、".join(str(RuleType(kind).label) for kind in kinds)
            }
        self.fields["rule_type"].widget.attrs["data-qf-rule-type"] = ""
        self._style()

    def clean_grades_text(self) -> dict[str, float]:
        return text_to_grades(self.cleaned_data["grades_text"])

    def clean_bands_text(self) -> list[dict[str, Any]] | None:
        text = self.cleaned_data["bands_text"]
        return text_to_bands(text) if text.strip() else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rule_type = data.get("rule_type")
        if rule_type:
            # Only the chosen rule's parameters: a value left in a field the page hid (or,
            # without JavaScript, one the user did not clear) must not change the rule.
            rule: dict[str, Any] = {"type": rule_type}
            for key in RULE_PARAMS.get(rule_type, ()):
                value = data.get(self.RULE_FIELDS[key])
                if value is not None and value != {}:
                    rule[key] = value
            self.instance.rule = rule
        else:
            self.instance.rule = None
        self.instance.applies_to = list(data.get("applies_to") or [])
        self.instance.bands = data.get("bands_text")
        return data


class MoveForm(BootstrapMixin, forms.Form):
    parent = forms.ModelChoiceField(
        queryset=Indicator.objects.none(), required=False, label=_("new parent (none: level 1)")
    )
    position = forms.IntegerField(min_value=0, label=_("position among its siblings (0 = first)"))

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = indicator.version.indicators.exclude(pk=indicator.pk)
        model_choice_field(self, "parent").queryset = parents.order_by("code")
        self._style()
