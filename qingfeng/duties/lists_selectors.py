"""Reads of the duty lists part: which lists a user sees, who holds a list (and may edit
it), who endorses it (签字背书), who checks it, and who keeps the installation-wide
configuration. Every rule is written here once; the views and the services call them.

Seeing a list is ``accounts.selectors.duty_visibility_q`` (outside it: a 404); the rules
below only ever narrow that.
"""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from qingfeng.accounts.models import ScopeKind
from qingfeng.accounts.roles import Capability, roles_with
from qingfeng.accounts.selectors import (
    duty_visibility_q,
    granting,
    has_global_scope,
    own_people,
    regions_held_with,
    users_of_people,
)
from qingfeng.duties.fulfil_selectors import may_fulfil
from qingfeng.duties.models import (
    AccountabilityStep,
    DutyList,
    ListStatus,
    QuarterlyCheck,
    SubjectKind,
)
from qingfeng.org.models import (
    DisciplineGroup,
    InCharge,
    InChargeKind,
    Person,
    PostRole,
    Unit,
)

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.org.models import Region

AnyUser = Any


def visible_lists(user: AnyUser) -> QuerySet[DutyList]:
    """The duty lists the user may see (the one visibility rule)."""
    return DutyList.objects.filter(duty_visibility_q(user)).select_related(
        "unit", "person", "discipline_group", "confirmed_by", "endorsed_by"
    )


def visible_checks(user: AnyUser) -> QuerySet[QuarterlyCheck]:
    """The quarterly checks of the lists the user sees."""
    return QuarterlyCheck.objects.filter(duty_visibility_q(user, prefix="duty_list__"))


def visible_steps(user: AnyUser) -> QuerySet[AccountabilityStep]:
    """The accountability steps of the lists the user sees."""
    return AccountabilityStep.objects.filter(duty_visibility_q(user, prefix="duty_list__"))


def subject_region_id(duty_list: DutyList) -> int | None:
    """The region a list's subject lies in: its unit's, or its discipline group's."""
    if duty_list.kind == SubjectKind.GROUP:
        group_id = duty_list.discipline_group_id
        group = DisciplineGroup.objects.filter(pk=group_id).first() if group_id else None
        return group.region_id if group else None
    return duty_list.unit.region_id if duty_list.unit is not None else None


def manages_subject(user: AnyUser, duty_list: DutyList) -> bool:
    """Whether the user holds ``MANAGE_DUTIES`` over the region of the list's subject (a
    commission administrator of that region or above)."""
    if has_global_scope(user, Capability.MANAGE_DUTIES):
        return True
    region_id = subject_region_id(duty_list)
    if region_id is None:
        return False
    return regions_held_with(user, Capability.MANAGE_DUTIES).filter(pk=region_id).exists()


def current_principals(unit_id: int | None) -> QuerySet[Person]:
    """The current principal leaders of a unit (usually one)."""
    if unit_id is None:
        return Person.objects.none()
    return Person.objects.filter(
        posts__unit_id=unit_id, posts__role=PostRole.PRINCIPAL, posts__end__isnull=True
    ).distinct()


def leaders_in_charge(unit_id: int | None) -> QuerySet[Person]:
    """The leaders in charge (分管, not mere liaison contacts) of a unit."""
    if unit_id is None:
        return Person.objects.none()
    return Person.objects.filter(
        units_in_charge__unit_id=unit_id, units_in_charge__kind=InChargeKind.IN_CHARGE
    ).distinct()


def may_edit_list(user: AnyUser, duty_list: DutyList) -> bool:
    """Whether the user may change the list's tasks: while it is a draft, its holder
    (``fulfil_selectors.may_fulfil``: who keeps its records) or a user with
    ``MANAGE_DUTIES`` over the subject's region."""
    if duty_list.status != ListStatus.DRAFT:
        return False
    return may_fulfil(user, duty_list) or manages_subject(user, duty_list)


def may_confirm(user: AnyUser, duty_list: DutyList) -> bool:
    """Whether the user may confirm the list: its holder, while it is a draft."""
    return duty_list.status == ListStatus.DRAFT and may_fulfil(user, duty_list)


def endorser_people(duty_list: DutyList) -> QuerySet[Person]:
    """The persons who endorse the list (the level above): a member's list, the unit's
    current principal; a principal's or team list, the unit's leaders in charge; a group
    list, nobody by person (a commission administrator endorses it)."""
    if duty_list.kind == SubjectKind.MEMBER:
        return current_principals(duty_list.unit_id)
    if duty_list.kind in (SubjectKind.PRINCIPAL, SubjectKind.TEAM):
        return leaders_in_charge(duty_list.unit_id)
    return Person.objects.none()


def admin_endorses(duty_list: DutyList) -> bool:
    """Whether a commission administrator (``MANAGE_DUTIES`` over the region) may endorse
    the list: every kind but a member's list (the principal endorses those)."""
    return duty_list.kind != SubjectKind.MEMBER


def is_endorser(user: AnyUser, duty_list: DutyList) -> bool:
    """Whether the user is at the level above the list's holder (whatever the status):
    the endorser persons of ``endorser_people`` (by a role granting ``FULFIL_DUTIES``), or
    a commission administrator where ``admin_endorses``. Never the list's own holder."""
    if may_fulfil(user, duty_list):
        return False
    people = own_people(user, Capability.FULFIL_DUTIES)
    if people and endorser_people(duty_list).filter(pk__in=people).exists():
        return True
    return admin_endorses(duty_list) and manages_subject(user, duty_list)


def may_endorse(user: AnyUser, duty_list: DutyList) -> bool:
    """Whether the user may endorse the list now: it is confirmed, the user is its
    endorser (``is_endorser``) and did not confirm it."""
    return (
        duty_list.status == ListStatus.CONFIRMED
        and duty_list.confirmed_by_id != getattr(user, "pk", None)
        and is_endorser(user, duty_list)
    )


def may_reopen(user: AnyUser, duty_list: DutyList) -> bool:
    """Whether the user may put a confirmed or endorsed list back to draft: a manager
    (``MANAGE_DUTIES`` over the subject's region)."""
    return duty_list.status != ListStatus.DRAFT and manages_subject(user, duty_list)


def endorser_users(duty_list: DutyList) -> list[User]:
    """The active accounts that may endorse the list (the notice on confirmation goes to
    them): the endorser persons' accounts and, where ``admin_endorses``, the commission
    administrators over the subject's region. The holder's own accounts are left out."""
    from qingfeng.accounts.models import User

    users = list(users_of_people(endorser_people(duty_list)))
    if admin_endorses(duty_list):
        candidates = User.objects.filter(
            is_active=True, assignments__role__in=roles_with(Capability.MANAGE_DUTIES)
        ).distinct()
        users += [user for user in candidates if manages_subject(user, duty_list)]
    seen: set[int] = set()
    result = []
    for user in users:
        if user.pk not in seen and not may_fulfil(user, duty_list):
            seen.add(user.pk)
            result.append(user)
    return result


def checkable_q(user: AnyUser) -> Q:
    """The lists the user may record quarterly checks and accountability steps of: those
    of the units a discipline group of theirs covers, and, for a holder of
    ``CHECK_DUTIES`` over a region (a commission administrator), every list of the
    region's units and discipline groups."""
    if has_global_scope(user, Capability.CHECK_DUTIES):
        return Q()
    conditions: list[Q] = []
    for assignment in granting(user, Capability.CHECK_DUTIES):
        if assignment.scope_kind == ScopeKind.DISCIPLINE_GROUP and assignment.discipline_group_id:
            covered = DisciplineGroup.units.through.objects.filter(
                disciplinegroup_id=assignment.discipline_group_id
            ).values("unit_id")
            conditions.append(Q(unit__in=covered))
        elif assignment.scope_kind == ScopeKind.REGION and assignment.region:
            conditions.append(Q(unit__in=Unit.objects.within(assignment.region).values("pk")))
            groups = DisciplineGroup.objects.within(assignment.region).values("pk")
            conditions.append(Q(discipline_group__in=groups))
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def may_check(user: AnyUser, duty_list: DutyList) -> bool:
    """Whether the user may record a quarterly check or an accountability step of the
    list (``checkable_q``)."""
    return DutyList.objects.filter(checkable_q(user), pk=duty_list.pk).exists()


def quarter_to_check(*, year: int, today: datetime.date) -> int | None:
    """The quarter of ``year`` whose check is due now: the last one that has ended (the
    fourth for a past year; None before the first quarter of this year ends)."""
    if year < today.year:
        return 4
    if year > today.year:
        return None
    return (today.month - 1) // 3 or None


def lists_awaiting_check(user: AnyUser, *, year: int, quarter: int) -> QuerySet[DutyList]:
    """The team lists of ``year`` the user may check that have no check for ``quarter``
    yet, by unit code."""
    return (
        DutyList.objects.filter(checkable_q(user), year=year, kind=SubjectKind.TEAM)
        .exclude(checks__quarter=quarter)
        .select_related("unit")
        .order_by("unit__code")
    )


def can_configure_duties(user: AnyUser) -> bool:
    """Categories, templates and the ladder are shared by the whole installation: only a
    global or root-region holder of ``MANAGE_DUTIES`` may change them (the same idea as
    ``accounts.selectors.can_edit_categories``)."""
    if has_global_scope(user, Capability.MANAGE_DUTIES):
        return True
    return any(
        a.scope_kind == ScopeKind.REGION and a.region and a.region.parent_id is None
        for a in granting(user, Capability.MANAGE_DUTIES)
    )


def build_regions(user: AnyUser) -> QuerySet[Region]:
    """The regions the user may build duty lists for (``MANAGE_DUTIES`` region scopes)."""
    return regions_held_with(user, Capability.MANAGE_DUTIES)


def in_charge_titles(unit_id: int | None) -> dict[int, str]:
    """The positions of a unit's leaders in charge, by person (for "待谁背书")."""
    if unit_id is None:
        return {}
    return dict(
        InCharge.objects.filter(unit_id=unit_id, kind=InChargeKind.IN_CHARGE).values_list(
            "person_id", "title"
        )
    )
