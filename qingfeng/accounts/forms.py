"""Forms for accounts and role assignments, limited to the manager's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts import selectors
from qingfeng.accounts.models import RoleAssignment
from qingfeng.accounts.roles import Capability, Role, ScopeKind
from qingfeng.lib.typing import choice_field, model_choice_field
from qingfeng.org.forms import BootstrapMixin


class NewUserForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(regex=r"^[\w.@+-]+\Z", max_length=150, label=_("Username"))
    display_name = forms.CharField(max_length=100, required=False, label=_("display name"))
    password = forms.CharField(widget=forms.PasswordInput, label=_("Password"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class AssignmentForm(BootstrapMixin, forms.ModelForm):
    """Role + scope. Units and people are given by code: a province has too many for a list."""

    unit_code = forms.CharField(required=False, label=_("unit code"))
    person_code = forms.CharField(required=False, label=_("person code"))

    class Meta:
        model = RoleAssignment
        fields = ["role", "scope_kind", "region", "station", "discipline_group", "note"]

    def __init__(self, *args: Any, manager: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cap = Capability.ASSIGN_ROLES
        self.manager = manager
        regions = selectors.regions_held_with(manager, cap)
        model_choice_field(self, "region").queryset = regions
        model_choice_field(self, "station").queryset = selectors.visible_stations(manager).filter(
            region__in=regions
        )
        model_choice_field(self, "discipline_group").queryset = selectors.visible_discipline_groups(
            manager
        ).filter(region__in=regions)
        if not selectors.has_global_scope(manager, cap):
            choice_field(self, "role").choices = [
                c for c in Role.choices if c[0] != Role.SYSTEM_ADMIN
            ]
            choice_field(self, "scope_kind").choices = [
                c for c in ScopeKind.choices if c[0] != ScopeKind.ALL
            ]
        self._style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cap = Capability.ASSIGN_ROLES
        if data.get("unit_code"):
            unit = selectors.visible_units(self.manager, cap).filter(code=data["unit_code"]).first()
            if unit is None:
                self.add_error("unit_code", _("No unit with this code in your scope."))
            self.instance.unit = unit
        if data.get("person_code"):
            person = (
                selectors.visible_people(self.manager, cap).filter(code=data["person_code"]).first()
            )
            if person is None:
                self.add_error("person_code", _("No person with this code in your scope."))
            self.instance.person = person
        return data

    def _update_errors(self, errors: Any) -> None:
        # The model reports a missing unit or person on its foreign keys; the form asks
        # for their codes, so the message belongs beside the code fields.
        if hasattr(errors, "error_dict"):
            for model_field, form_field in (("unit", "unit_code"), ("person", "person_code")):
                if model_field in errors.error_dict:
                    moved = errors.error_dict.pop(model_field)
                    errors.error_dict.setdefault(form_field, []).extend(moved)
        super()._update_errors(errors)  # type: ignore[misc]  # not in django-stubs
