"""Forms of the duty lists part: the index filters, a task, a reason, a quarterly check, an
accountability step, building lists for a region and the configuration items."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingfeng.duties.models import (
    CheckResult,
    DutyCategory,
    DutyTask,
    LadderStep,
    ListStatus,
    SubjectKind,
    TemplateItem,
)
from qingfeng.org.models import Region

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"})


def _bootstrap(form: forms.BaseForm) -> None:
    """Give every widget its Bootstrap class (selects, checkboxes, text)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class ListFilterForm(forms.Form):
    """The index's filters: year (the current one by default), kind, unit, status."""

    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        label=_("subject kind"), required=False, choices=[("", _("all")), *SubjectKind.choices]
    )
    unit = forms.IntegerField(label=_("unit"), required=False)
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("all")), *ListStatus.choices]
    )

    def values(self) -> dict[str, Any]:
        """The cleaned filters (invalid ones dropped), the year defaulting to this year."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}
        data.setdefault("year", timezone.localdate().year)
        return data


class TaskForm(forms.ModelForm):
    """A task of a list: what it says and when it is due."""

    class Meta:
        model = DutyTask
        fields = [
            "category",
            "title",
            "measures",
            "recurrence",
            "due_date",
            "required_count",
            "department",
            "order",
        ]
        widgets = {"due_date": _DATE, "measures": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.category_id if self.instance.pk else 0
        self.fields["category"].queryset = DutyCategory.objects.filter(  # type: ignore[attr-defined]
            Q(active=True) | Q(pk=current)
        )
        _bootstrap(self)


class ReasonForm(forms.Form):
    """Why a list is reopened."""

    reason = forms.CharField(label=_("reason"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class CheckForm(forms.Form):
    """A quarterly check of a list."""

    quarter = forms.TypedChoiceField(
        label=_("quarter"), coerce=int, choices=[(q, _("Q%(q)s") % {"q": q}) for q in range(1, 5)]
    )
    result = forms.ChoiceField(label=_("result"), choices=CheckResult.choices)
    checked_on = forms.DateField(label=_("checked on"), widget=_DATE)
    findings = forms.CharField(
        label=_("findings"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].initial = timezone.localdate()
        _bootstrap(self)


class StepForm(forms.Form):
    """An accountability step: the ladder step, what it follows (a red light or a failed
    check of the list, given as ``due:ID`` or ``check:ID``), why, when, the document."""

    step = forms.ModelChoiceField(
        label=pgettext_lazy("duty statistics", "step"), queryset=LadderStep.objects.none()
    )
    follows = forms.ChoiceField(label=_("follows"))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("decided on"), widget=_DATE)
    document = forms.FileField(label=_("document"), required=False)

    def __init__(self, *args: Any, follows: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = LadderStep.objects.filter(  # type: ignore[attr-defined]
            active=True
        )
        self.fields["follows"].choices = follows  # type: ignore[attr-defined]
        self.fields["decided_on"].initial = timezone.localdate()
        _bootstrap(self)


class BuildForm(forms.Form):
    """Building the missing lists of a region for a year."""

    region: forms.ModelChoiceField[Region] = forms.ModelChoiceField(
        label=_("region"), queryset=Region.objects.none()
    )
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year
        _bootstrap(self)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = DutyCategory
        fields = ["code", "name", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class TemplateItemForm(forms.ModelForm):
    class Meta:
        model = TemplateItem
        fields = [
            "kind",
            "category",
            "title",
            "measures",
            "recurrence",
            "due_month",
            "due_day",
            "required_count",
            "department",
        ]
        widgets = {"measures": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.category_id if self.instance.pk else 0
        self.fields["category"].queryset = DutyCategory.objects.filter(  # type: ignore[attr-defined]
            Q(active=True) | Q(pk=current)
        )
        _bootstrap(self)


class LadderStepForm(forms.ModelForm):
    class Meta:
        model = LadderStep
        fields = ["code", "name", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
