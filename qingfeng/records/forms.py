"""Forms of the entry pages: one record (fields adapting to the indicator's rule) and the
rows of the quick-entry table."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingfeng.framework.models import Indicator
from qingfeng.lib.numbers import (
    POINTS_LIMIT,
    QUANTITY_LIMIT,
    RECORD_LIMITS,
    VALUE_LIMIT,
    FiniteFloatField,
    NumberError,
    parse_within,
)
from qingfeng.lib.typing import choice_field, model_choice_field
from qingfeng.org.forms import BootstrapMixin, IsoDateInput
from qingfeng.org.models import Unit
from qingfeng.records.models import ProblemType, Record


def rule_inputs(leaf: Indicator) -> list[str]:
    """The record fields the leaf's rule needs (docs/design.md): deduct: the quantity when
    the rule deducts per item, else the points; bonus: grade (if the rule has grades) or
    points; rate/survey: value; direct: points; veto: none.

    A deduction with ``per`` asks only for the quantity: the design lets a record's own
    points override ``per`` × quantity, but a form offering both leaves the user guessing
    which one counts (imports and the API still accept points)."""
    rule = leaf.rule or {}
    kind = rule.get("type")
    if kind == "deduct":
        return ["quantity"] if rule.get("per") is not None else ["points"]
    if kind == "bonus":
        return ["grade", "points"] if rule.get("grades") else ["points"]
    if kind in ("rate", "survey"):
        return ["value"]
    if kind == "direct":
        return ["points"]
    return []


def grade_choices(leaf: Indicator) -> list[tuple[str, str]]:
    grades = (leaf.rule or {}).get("grades") or {}
    return [("", "—")] + [(str(g), f"{g} ({p:g})") for g, p in grades.items()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one ``<input type=file multiple>`` (checked by the evidence service)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def problem_type_choices() -> list[tuple[str, str]]:
    """The managed list of problem types, after an empty choice (the record names none)."""
    names = ProblemType.objects.filter(active=True).values_list("name", flat=True)
    return [("", "—")] + [(name, name) for name in names]


def number_labels(leaf: Indicator) -> dict[str, str]:
    """The labels of the number fields, saying what each counts for under the leaf's rule
    (a deduction's quantity is multiplied by its points per item)."""
    rule = leaf.rule or {}
    labels: dict[str, str] = {}
    if rule.get("type") == "deduct":
        per = rule.get("per")
        labels["points"] = _("Points deducted")
        if per is not None:
            labels["quantity"] = _("Quantity (items, %(per)s points deducted each)") % {
                "per": f"{per:g}"
            }
    return labels


def is_deduction(leaf: Indicator) -> bool:
    """Whether the leaf's rule deducts points (a unit may answer "no problem" on it)."""
    return (leaf.rule or {}).get("type") == "deduct"


class RecordEntryForm(BootstrapMixin, forms.Form):
    """One record of one indicator; only the fields its rule needs are kept."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Unit"))
    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=IsoDateInput(),
    )
    quantity = FiniteFloatField(
        required=False, label=gettext_lazy("Quantity (items)"), limit=QUANTITY_LIMIT
    )
    points = FiniteFloatField(required=False, label=gettext_lazy("Points"), limit=POINTS_LIMIT)
    grade = forms.ChoiceField(required=False, label=gettext_lazy("Grade"))
    value = FiniteFloatField(required=False, label=gettext_lazy("Value"), limit=VALUE_LIMIT)
    no_problem = forms.BooleanField(
        required=False,
        label=gettext_lazy("No problem found in this period"),
        help_text=gettext_lazy(
            "The unit's answer that nothing is to be deducted: stored as 0 points deducted."
        ),
    )
    problem_type = forms.ChoiceField(required=False, label=gettext_lazy("Problem type"))
    note = forms.CharField(
        required=False, label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = MultipleFileField(required=False, label=gettext_lazy("Evidence files"))

    def __init__(
        self,
        *args: Any,
        leaf: Indicator,
        units: list[Unit],
        self_assessment: bool = False,
        **kwargs: Any,
    ) -> None:
        """``self_assessment``: a unit's own answer, which on a deduction may be "no
        problem" (a nil answer, docs/design.md)."""
        super().__init__(*args, **kwargs)
        unit_field = model_choice_field(self, "unit")
        unit_field.queryset = Unit.objects.filter(pk__in=[unit.pk for unit in units]).order_by(
            "code"
        )
        unit_field.error_messages["invalid_choice"] = _("unknown unit")
        inputs = rule_inputs(leaf)
        for name in ("quantity", "points", "grade", "value"):
            if name not in inputs:
                del self.fields[name]
        if "grade" in self.fields:
            choice_field(self, "grade").choices = grade_choices(leaf)
        for name, label in number_labels(leaf).items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].help_text = leaf.rule_label
        if not (self_assessment and is_deduction(leaf)):
            del self.fields["no_problem"]
        problem_type = choice_field(self, "problem_type")
        problem_type.choices = problem_type_choices()
        problem_type.error_messages["invalid_choice"] = gettext_lazy(
            'unknown problem type "%(value)s"; choose one from the list'
        )
        self._style()

    def clean(self) -> dict[str, Any]:
        """A "no problem" answer carries no number: it is the number."""
        data = super().clean() or {}
        numbers = [name for name in ("quantity", "points") if name in self.fields]
        if data.get("no_problem"):
            for name in numbers:
                if data.get(name) is not None:
                    self.add_error(
                        name, _('Leave this empty when the answer is "no problem found".')
                    )
        elif "no_problem" in self.fields and all(data.get(name) is None for name in numbers):
            # Without a number a deduction per item would count one item: a unit answering
            # for itself says either how many or "no problem".
            self.add_error(
                numbers[0] if numbers else None,
                _('Enter the number, or tick "no problem found in this period".'),
            )
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned record fields other than unit, date and evidence. A "no problem"
        answer is stored as a deduction of 0 points (docs/design.md, "A nil answer")."""
        data = self.cleaned_data
        values = {
            name: data.get(name)
            for name in ("quantity", "points", "grade", "value", "problem_type", "note")
            if name in self.fields
        }
        if data.get("no_problem"):
            values.update(quantity=None, points=0.0)
        return values


def default_date(start: datetime.date, end: datetime.date) -> datetime.date:
    """Today when inside the period, else the period's last day."""
    today = timezone.localdate()
    return today if start <= today <= end else end


def parse_quick_row(
    post: Any, unit: Unit, inputs: list[str]
) -> tuple[dict[str, Any] | None, list[str]]:
    """The values typed on a unit's row of the quick-entry table: None if the row is
    empty, plus the cells that are not numbers or out of bounds (the number rule of
    ``qingfeng.lib.numbers``: ``inf`` and ``nan`` are no numbers). The problem type is
    checked against the managed list by the record's checks."""
    names = [*inputs, "problem_type", "note"]
    raw = {name: str(post.get(f"{name}-{unit.pk}", "")).strip() for name in names}
    if not any(raw.values()):
        return None, []
    values: dict[str, Any] = {"note": raw["note"], "problem_type": raw["problem_type"]}
    problems = []
    for name in inputs:
        text = raw[name]
        if name == "grade":
            values["grade"] = text
        elif text:
            try:
                values[name] = parse_within(text, limit=RECORD_LIMITS[name])
            except NumberError as error:
                # The field by its label (数量), as the table's column heading says it.
                label = getattr(Record._meta.get_field(name), "verbose_name", name)
                problems.append(_("%(field)s: %(message)s") % {"field": label, "message": error})
    return values, problems
