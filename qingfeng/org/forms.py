"""Forms for editing the organisation; every choice list is limited to the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts import selectors
from qingfeng.accounts.roles import Capability
from qingfeng.lib.typing import model_choice_field
from qingfeng.org.models import (
    DisciplineGroup,
    InChargeKind,
    Person,
    Post,
    PostRole,
    Region,
    Station,
    Unit,
    UnitCategory,
)


class IsoDateInput(forms.DateInput):
    """The browser's date picker: ``<input type=date>`` only reads YYYY-MM-DD, whatever the
    UI language's date format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class BootstrapMixin:
    """Give every widget Bootstrap's classes so templates can render ``{{ form }}`` plainly."""

    fields: dict[str, forms.Field]  # the form's, as this mixin comes before forms.Form

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ScopedModelForm(BootstrapMixin, forms.ModelForm):
    """A model form that knows its user, to limit choices to what the user may edit."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.limit_choices()
        self._style()

    def limit_choices(self) -> None:
        """Override to narrow the querysets of foreign-key fields."""


class RegionForm(ScopedModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "commission_name"]

    def limit_choices(self) -> None:
        editable = selectors.editable_regions(self.user)
        if self.instance.pk:
            editable = editable.outside(self.instance)
        model_choice_field(self, "parent").queryset = editable
        if not selectors.has_global_scope(self.user, Capability.EDIT_ORG):
            # Only a global administrator may create a new root region.
            self.fields["parent"].required = True


class CategoryForm(ScopedModelForm):
    class Meta:
        model = UnitCategory
        fields = ["code", "name"]


class UnitForm(ScopedModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "category", "region", "parent", "headcount", "active"]

    def limit_choices(self) -> None:
        model_choice_field(self, "region").queryset = selectors.editable_regions(self.user)
        parents = selectors.visible_units(self.user, Capability.EDIT_ORG)
        if self.instance.pk:
            parents = parents.outside(self.instance)
        model_choice_field(self, "parent").queryset = parents.order_by("code")
        model_choice_field(self, "category").queryset = UnitCategory.objects.all()


class PersonForm(ScopedModelForm):
    class Meta:
        model = Person
        fields = ["code", "name", "gender", "birth_year", "rank"]


class PostForm(ScopedModelForm):
    class Meta:
        model = Post
        fields = ["unit", "role", "title", "managed_level", "start", "end"]
        widgets = {
            "start": IsoDateInput(),
            "end": IsoDateInput(),
        }

    def limit_choices(self) -> None:
        units = selectors.visible_units(self.user, Capability.EDIT_ORG).filter(active=True)
        model_choice_field(self, "unit").queryset = units.order_by("code")


class NewPersonForm(PersonForm):
    """A new person comes with their first post, so they are inside someone's scope."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("unit"))
    role = forms.ChoiceField(choices=PostRole.choices, label=_("role in the team"))
    title = forms.CharField(max_length=100, required=False, label=_("post title"))
    start = forms.DateField(
        required=False,
        label=_("start"),
        widget=IsoDateInput(),
    )

    def limit_choices(self) -> None:
        units = selectors.visible_units(self.user, Capability.EDIT_ORG).filter(active=True)
        model_choice_field(self, "unit").queryset = units.order_by("code")


class EndPostForm(BootstrapMixin, forms.Form):
    end = forms.DateField(label=_("end"), widget=IsoDateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class StationForm(ScopedModelForm):
    class Meta:
        model = Station
        fields = ["code", "name", "kind", "region", "unit"]

    def limit_choices(self) -> None:
        model_choice_field(self, "region").queryset = selectors.editable_regions(self.user)
        units = selectors.visible_units(self.user, Capability.EDIT_ORG)
        model_choice_field(self, "unit").queryset = units.order_by("code")


class DisciplineGroupForm(ScopedModelForm):
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("covered units"),
        widget=forms.SelectMultiple(attrs={"size": 15}),
    )

    class Meta:
        model = DisciplineGroup
        fields = ["code", "name", "region"]

    def limit_choices(self) -> None:
        model_choice_field(self, "region").queryset = selectors.editable_regions(self.user)
        units = selectors.visible_units(self.user, Capability.EDIT_ORG).filter(active=True)
        model_choice_field(self, "units").queryset = units.order_by("code")
        if self.instance.pk:
            self.initial["units"] = list(self.instance.units.values_list("pk", flat=True))


class UnitFilterForm(BootstrapMixin, forms.Form):
    """The unit list's search box and filters."""

    q = forms.CharField(required=False, label=_("Search"))
    category = forms.ModelChoiceField(
        queryset=UnitCategory.objects.all(),
        required=False,
        label=_("Category"),
        empty_label=_("All categories"),
    )
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        required=False,
        label=_("Region"),
        empty_label=_("All regions"),
    )
    active = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("1", _("active")), ("0", _("inactive")), ("", _("all"))],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "region").queryset = selectors.visible_regions(user)
        self._style()


class InChargeForm(BootstrapMixin, forms.Form):
    """A leader in charge of (分管) or the liaison contact for (联系) a unit, named by the
    person's code: a person the user may see, or one with no post (a county leader
    entered only as a person)."""

    person = forms.ModelChoiceField(
        label=_("leader's person code"),
        queryset=Person.objects.none(),
        to_field_name="code",
        widget=forms.TextInput,
        error_messages={"invalid_choice": _("No such person you may choose.")},
    )
    kind = forms.ChoiceField(label=_("kind"), choices=InChargeKind.choices)
    title = forms.CharField(
        label=_("leader's position"),
        max_length=100,
        required=False,
        help_text=_("e.g. 副县长"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = selectors.visible_people(user, Capability.EDIT_ORG).values("pk")
        model_choice_field(self, "person").queryset = Person.objects.filter(
            Q(pk__in=visible) | Q(posts__isnull=True)
        ).distinct()
        self._style()
