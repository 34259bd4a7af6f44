"""Reads of the organisation that are not a matter of scope (``accounts.selectors`` says
who sees what; callers pass units and people they have already found in the user's
scope)."""

from __future__ import annotations

from django.db.models import QuerySet

from qingfeng.org.models import InCharge, Person, Unit


def leaders_in_charge(unit: Unit, *, kind: str | None = None) -> QuerySet[InCharge]:
    """The relations naming who is in charge of (分管) or the liaison contact for (联系)
    ``unit``, with the leader; only those of ``kind`` when given."""
    found = InCharge.objects.filter(unit=unit).select_related("person")
    return found.filter(kind=kind) if kind else found


def units_in_charge_of(person: Person, *, kind: str | None = None) -> QuerySet[InCharge]:
    """The relations naming the units ``person`` is in charge of or the contact for, with
    the unit; only those of ``kind`` when given."""
    found = InCharge.objects.filter(person=person).select_related("unit").order_by("unit__code")
    return found.filter(kind=kind) if kind else found


def people_in_charge(unit: Unit) -> QuerySet[Person]:
    """The leaders in charge of or the contact for ``unit`` (each once)."""
    return Person.objects.filter(units_in_charge__unit=unit).distinct()
