"""Forms of the fulfil part: the quick entry of a fulfilment record, the filters of the
records and reports lists, and the personal report (报备)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from qingfeng.duties.models import DutyCategory, ReportKind, SubjectKind, TaskDue
from qingfeng.org.forms import BootstrapMixin, IsoDateInput
from qingfeng.org.models import Post
from qingfeng.records.forms import MultipleFileField

CONTENT_MAX = 4000


class StyledForm(BootstrapMixin, forms.Form):
    """A form whose widgets carry Bootstrap's classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class DueChoiceField(forms.ModelChoiceField):
    """A due named by its window, e.g. "2026-07-01 – 2026-09-30"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.starts:%Y-%m-%d} – {obj.due:%Y-%m-%d}"


class FulfilmentForm(StyledForm):
    """Quick entry (履责纪实): which due, the day it was done, what was done, files. The
    rules (dates, evidence) are the service's; its errors come back at these fields."""

    due = DueChoiceField(queryset=TaskDue.objects.none(), label=gettext_lazy("Due period"))
    done_on = forms.DateField(widget=IsoDateInput(), label=gettext_lazy("Done on"))
    content = forms.CharField(
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("Work done"),
    )
    attachments = MultipleFileField(required=False, label=gettext_lazy("Attachments"))

    def __init__(self, *args: Any, dues: QuerySet[TaskDue], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["due"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = dues
        field.empty_label = None


class RecordFilterForm(forms.Form):
    """The records list's filters, from the query string; a wrong value is left out."""

    unit = forms.IntegerField(required=False, min_value=1)
    kind = forms.ChoiceField(required=False, choices=[("", ""), *SubjectKind.choices])
    category = forms.IntegerField(required=False, min_value=1)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)
    q = forms.CharField(required=False, max_length=100, strip=True)

    def values(self) -> dict[str, Any]:
        """The valid filters (each invalid one dropped) by name."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}


class ReportFilterForm(RecordFilterForm):
    """The reports list's filters."""

    kind = forms.ChoiceField(required=False, choices=[("", ""), *ReportKind.choices])
    late = forms.ChoiceField(required=False, choices=[("", ""), ("1", "1"), ("0", "0")])


def categories() -> QuerySet[DutyCategory]:
    """The categories offered as a filter."""
    return DutyCategory.objects.filter(active=True)


class PostChoiceField(forms.ModelChoiceField):
    """A post named by its unit and title."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.name} · {obj.title or obj.get_role_display()}"


class ReportForm(StyledForm):
    """A personal report (报备): under which post (when the leader holds several), what,
    when, where to, and a description."""

    post = PostChoiceField(queryset=Post.objects.none(), label=gettext_lazy("Unit"))
    kind = forms.ChoiceField(choices=ReportKind.choices, label=gettext_lazy("Kind"))
    starts = forms.DateField(widget=IsoDateInput(), label=gettext_lazy("Starts"))
    ends = forms.DateField(
        required=False,
        widget=IsoDateInput(),
        label=gettext_lazy("Ends"),
        help_text=gettext_lazy("For a trip: the day you come back."),
    )
    destination = forms.CharField(
        required=False, max_length=200, label=gettext_lazy("Destination (for a trip)")
    )
    description = forms.CharField(
        required=False,
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Report details"),
    )

    def __init__(self, *args: Any, posts: QuerySet[Post], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["post"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = posts
        field.empty_label = None
        # The principal's post first (see report_posts); the only one is a hidden field.
        field.initial = posts.first()
        if len(posts) == 1:
            field.widget = forms.HiddenInput()


def report_limits() -> dict[str, Any]:
    """The installation's report limits, for the form to state them in words."""
    return {
        "home_area": settings.DUTY_REPORT_HOME_AREA,
        "travel_days": settings.DUTY_REPORT_TRAVEL_DAYS,
        "ceremony_days": settings.DUTY_REPORT_CEREMONY_DAYS_AHEAD,
        "funeral_days": settings.DUTY_REPORT_FUNERAL_DAYS_AFTER,
    }
