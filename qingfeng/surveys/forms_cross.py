"""Forms of the cross evaluations: the new evaluation, adding a rater, and a rater's
table (one points cell per unit it rates). The rules are checked by
``services_cross``; these forms only collect what the user typed or ticked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from qingfeng.accounts.selectors import visible_people
from qingfeng.framework.models import Framework
from qingfeng.framework.selectors import visible_frameworks
from qingfeng.org.models import Person, Region, Unit, code_validator
from qingfeng.surveys import feed, selectors
from qingfeng.surveys.forms_common import offer_managed_regions
from qingfeng.surveys.models import CrossEvaluation

# The name of a points cell: "u" and the rated unit's pk.
_CELL = re.compile(r"u(\d{1,12})")


def leader_choices(user: Any) -> QuerySet[Person]:
    """The leaders a user may name as raters: people they see holding a current post or
    in charge of a unit (分管/联系)."""
    return (
        visible_people(user)
        .filter(Q(posts__end__isnull=True) | Q(units_in_charge__isnull=False))
        .distinct()
        .order_by("code")
    )


def leader_label(person: Any) -> str:
    """A leader as "name（their first current post）"."""
    post = next((p for p in person.posts.all() if p.end is None), None)
    if post is None:
        return str(person.name)
    return f"{person.name}（{post.unit.name}{post.title}）"


class LeaderField(forms.ModelMultipleChoiceField):
    """Leaders, shown with their post."""

    def label_from_instance(self, obj: Any) -> str:
        return leader_label(obj)


class OneLeaderField(forms.ModelChoiceField):
    """One leader, shown with their post."""

    def label_from_instance(self, obj: Any) -> str:
        return leader_label(obj)


def leaf_choices(*, user: Any, period: str) -> list[tuple[str, str]]:
    """ "framework pk:leaf code" of every direct leaf the user may feed for ``period``."""
    choices: list[tuple[str, str]] = [("", str(_("None: the results only inform")))]
    for framework in visible_frameworks(user).order_by("code"):
        for leaf in feed.feedable_leaves(
            framework=framework, period=period, instrument=CrossEvaluation
        ):
            label = f"{framework.name} · {leaf.code} {leaf.name}（{leaf.max:g}）"
            choices.append((f"{framework.pk}:{leaf.code}", label))
    return choices


class CrossForm(forms.Form):
    """A new cross evaluation: what it is, the period, the leaf it feeds, the rated units
    and the raters (units and leaders)."""

    code = forms.CharField(label=_("Code"), max_length=32, validators=[code_validator])
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": "2026年第三季度镇街评部门"}),
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    period = forms.ChoiceField(label=_("Period"))
    leaf = forms.ChoiceField(label=_("Feeds indicator"), required=False)
    rated_units = forms.ModelMultipleChoiceField(
        label=_("Units rated"), queryset=Unit.objects.none()
    )
    rater_units = forms.ModelMultipleChoiceField(
        label=_("Rater units"), queryset=Unit.objects.none(), required=False
    )
    rater_people = LeaderField(
        label=_("Rater leaders"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = offer_managed_regions(self, user)
        periods = selectors.period_choices()
        self.fields["period"].choices = periods  # type: ignore[attr-defined]
        period = self.data.get("period") or (periods[0][0] if periods else "")
        self.fields["leaf"].choices = leaf_choices(user=user, period=period)  # type: ignore[attr-defined]
        self.units = (
            Unit.objects.filter(
                pk__in=selectors.units_seen(user).values("pk"),
                region__in=regions.values("pk"),
                active=True,
            )
            .select_related("category")
            .order_by("category__code", "path")
        )
        for name in ("rated_units", "rater_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = self.units
        people = self.fields["rater_people"]
        assert isinstance(people, forms.ModelMultipleChoiceField)
        people.queryset = leader_choices(user).prefetch_related("posts__unit")
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif isinstance(widget, forms.TextInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")

    def unit_groups(self, name: str) -> list[tuple[Any, list[tuple[Unit, bool]]]]:
        """The units of field ``name`` by category, each with whether it is ticked."""
        ticked = {str(value) for value in (self[name].value() or [])}
        groups: dict[Any, list[tuple[Unit, bool]]] = {}
        for unit in self.units:
            groups.setdefault(unit.category, []).append((unit, str(unit.pk) in ticked))
        return list(groups.items())

    def clean_leaf(self) -> tuple[Framework | None, str]:
        value = self.cleaned_data.get("leaf") or ""
        if not value:
            return None, ""
        framework_pk, _sep, code = value.partition(":")
        framework = Framework.objects.filter(
            pk=int(framework_pk) if framework_pk.isdigit() else 0
        ).first()
        if framework is None:
            raise ValidationError(_("Choose an indicator to feed, or none."))
        return framework, code


class RaterAddForm(forms.Form):
    """One more rater: a unit or a leader."""

    unit = forms.ModelChoiceField(
        label=_("Rater unit"), queryset=Unit.objects.none(), required=False
    )
    person = OneLeaderField(label=_("Rater leader"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = units
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = leader_choices(user).prefetch_related("posts__unit")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class RatingForm(forms.Form):
    """A rater's table: one points cell ``u<pk>`` per unit it rates (text: the service
    parses and bounds every number, with the same words on every way in)."""

    def __init__(
        self,
        *args: Any,
        units: Sequence[Unit],
        full: float,
        given: dict[int, float] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = list(units)
        given = given or {}
        for unit in self.units:
            self.fields[f"u{unit.pk}"] = forms.CharField(
                label=unit.name,
                required=False,
                initial=f"{given[unit.pk]:g}" if unit.pk in given else "",
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "autocomplete": "off",
                        "class": "form-control text-end",
                        "data-full": f"{full:g}",
                        "aria-label": unit.name,
                    }
                ),
            )

    def points(self) -> dict[int, Any]:
        """What was typed, by unit pk; a cell of a unit not in the table (a crafted POST)
        is passed on too, so the service refuses it rather than it being dropped."""
        typed: dict[int, Any] = {
            unit.pk: self.cleaned_data.get(f"u{unit.pk}", "") for unit in self.units
        }
        for key in self.data:
            match = _CELL.fullmatch(key)
            if match and int(match[1]) not in typed:
                typed[int(match[1])] = self.data.get(key)
        return typed

    def rows(self) -> list[tuple[Unit, forms.BoundField]]:
        """Each unit with its cell, in order."""
        return [(unit, self[f"u{unit.pk}"]) for unit in self.units]


def refuse(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: at its field when the form has it,
    else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
