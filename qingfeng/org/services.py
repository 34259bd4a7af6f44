"""Writes to the organisation. Every change goes through here: validated with
``full_clean()``, in one transaction, with the acting user recorded in the history.

Tree paths (``Region.path``, ``Unit.path``) are written here and nowhere else (a moved
subtree through ``rebase_paths`` of the tree querysets in ``org.models``).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import signals
from django.utils.translation import gettext as _

from qingfeng.lib.history import save_validated, stamp
from qingfeng.org.models import (
    DisciplineGroup,
    InCharge,
    InChargeKind,
    Person,
    Post,
    PostRole,
    Region,
    Station,
    Unit,
    UnitCategory,
    path_within,
)

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


def child_path(parent_path: str | None, pk: int) -> str:
    """The materialised path of node ``pk`` under a parent whose path is ``parent_path``
    (``None`` for a root): what every region and unit stores, and the demo seed writes."""
    return f"{parent_path or '/'}{pk}/"


def _set_tree_path(obj: Region | Unit) -> None:
    parent = obj.parent
    new_path = child_path(parent.path if parent else None, obj.pk)
    old_path = obj.path
    if old_path != new_path:
        obj.path = new_path
        # A queryset update: the path is not in the history, so no second history row.
        type(obj).objects.filter(pk=obj.pk).update(path=new_path)
        if old_path:
            type(obj).objects.rebase_paths(old=old_path, new=new_path)


def _check_no_cycle(obj: Region | Unit, parent: Region | Unit | None) -> None:
    if parent is None or not obj.pk:
        return
    if parent.pk == obj.pk or (obj.path and path_within(parent.path, obj.path)):
        raise ValidationError({"parent": _("A node cannot be placed under itself.")})


@transaction.atomic
def region_save(*, region: Region, actor: User | None = None) -> Region:
    """Create or update a region and keep its subtree's paths right."""
    _check_no_cycle(region, region.parent)
    save_validated(region, actor, exclude=["path"])
    _set_tree_path(region)
    return region


@transaction.atomic
def category_save(*, category: UnitCategory, actor: User | None = None) -> UnitCategory:
    """Create or update a unit category."""
    save_validated(category, actor)
    return category


@transaction.atomic
def unit_save(*, unit: Unit, actor: User | None = None) -> Unit:
    """Create or update a unit and keep its sub-units' paths right."""
    _check_no_cycle(unit, unit.parent)
    if unit.parent is not None and unit.parent.region_id != unit.region_id:
        # A sub-unit sits in its parent's region; scopes rely on it.
        raise ValidationError({"parent": _("A sub-unit must be in its parent unit's region.")})
    save_validated(unit, actor, exclude=["path"])
    _set_tree_path(unit)
    return unit


@transaction.atomic
def person_save(*, person: Person, actor: User | None = None) -> Person:
    """Create or update a person's own details (posts are separate)."""
    save_validated(person, actor)
    return person


@transaction.atomic
def post_start(
    *,
    person: Person,
    unit: Unit,
    role: str = PostRole.MEMBER,
    title: str = "",
    managed_level: str = "",
    start: datetime.date | None = None,
    actor: User | None = None,
) -> Post:
    """Give a person a current post in a unit's leadership team."""
    post = Post(
        person=person,
        unit=unit,
        role=role,
        title=title,
        managed_level=managed_level,
        start=start,
    )
    save_validated(post, actor)
    return post


@transaction.atomic
def post_end(*, post: Post, end: datetime.date, actor: User | None = None) -> Post:
    """End a post; it stays in the person's history as a past post."""
    post.end = end
    save_validated(post, actor)
    return post


@transaction.atomic
def post_save(*, post: Post, actor: User | None = None) -> Post:
    """Correct a post's details (title, role, dates)."""
    save_validated(post, actor)
    return post


@transaction.atomic
def station_save(*, station: Station, actor: User | None = None) -> Station:
    """Create or update a data station."""
    save_validated(station, actor)
    return station


@transaction.atomic
def discipline_group_save(
    *, group: DisciplineGroup, units: list[Unit] | None = None, actor: User | None = None
) -> DisciplineGroup:
    """Create or update a discipline group and, if given, the exact set of units it covers.

    The save and the coverage change make ONE history row: django-simple-history would
    otherwise write one for the save and one per add/remove of covered units.
    """
    group.full_clean()
    if units is not None:
        outside = [u.code for u in units if not u.is_within(group.region)]
        if outside:
            raise ValidationError(
                {
                    "units": _("These units are outside the group's region: %(codes)s")
                    % {"codes": ", ".join(outside)}
                }
            )
    created = group.pk is None
    group.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        group.save()
        if units is not None:
            group.units.set(units)
    finally:
        del group.skip_history_when_saving  # type: ignore[attr-defined]
    stamp(group, actor)
    # Let simple-history's own receiver write the single row, with the final coverage.
    signals.post_save.send(sender=DisciplineGroup, instance=group, created=created, raw=False)
    return group


@transaction.atomic
def in_charge_add(
    *,
    unit: Unit,
    person: Person,
    kind: str = InChargeKind.IN_CHARGE,
    title: str = "",
    actor: User | None = None,
) -> InCharge:
    """Make ``person`` the leader in charge of (分管) or the liaison contact for (联系)
    ``unit``; ``title`` is the leader's position (副县长). The same leader, unit and kind
    twice is refused."""
    relation = InCharge(unit=unit, person=person, kind=kind, title=title)
    if InCharge.objects.filter(unit=unit, person=person, kind=kind).exists():
        raise ValidationError({"person": _("This leader already has this relation with the unit.")})
    save_validated(relation, actor)
    return relation


@transaction.atomic
def in_charge_save(*, relation: InCharge, actor: User | None = None) -> InCharge:
    """Correct an existing relation's kind or the leader's position."""
    save_validated(relation, actor)
    return relation


@transaction.atomic
def in_charge_remove(*, relation: InCharge, actor: User | None = None) -> None:
    """End an in-charge relation: the row goes, its history keeps who removed it."""
    stamp(relation, actor)
    relation.delete()
