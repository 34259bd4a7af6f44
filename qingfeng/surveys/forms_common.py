"""Form plumbing shared by the survey managers' forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from qingfeng.org.models import Region
from qingfeng.surveys import selectors


def offer_managed_regions(form: forms.Form, user: Any, name: str = "region") -> QuerySet[Region]:
    """Limit the form's region field to the regions ``user`` runs surveys for (in tree
    order), chosen in advance when there is only one; returns those regions."""
    regions = selectors.managed_regions(user).order_by("path")
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = regions
    if len(regions) == 1:
        field.initial = regions[0].pk
    return regions
