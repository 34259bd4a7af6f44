"""Who may see what: the single source of truth for scopes.

``visible_units(user)`` decides which units a user sees; every other selector (regions,
people, stations, discipline groups, and every later list, count, chart, export and API
answer) derives from it. A capability narrows the answer to the assignments whose role
grants it, so "may edit" is the same rule as "may see", over fewer assignments.
``token_units(token)`` is the same rule for an API token: it sees what a holder of its
data station's scope sees. Tree queries go through ``org.models`` (``within_q``,
``subtree_q``, the querysets), never a raw path prefix.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from qingfeng.accounts.models import RoleAssignment
from qingfeng.accounts.models import User as UserModel
from qingfeng.accounts.roles import ROLE_CAPABILITIES, Capability, Role, ScopeKind
from qingfeng.org.interchange_scope import OrgScope
from qingfeng.org.models import (
    DisciplineGroup,
    InCharge,
    Person,
    Post,
    PostRole,
    Region,
    RegionQuerySet,
    Station,
    StationQuerySet,
    Unit,
    UnitQuerySet,
    subtree_q,
    within_q,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qingfeng.accounts.models import User
    from qingfeng.api.models import StationToken

    AnyUser = User | AnonymousUser
else:
    AnyUser = Any

_CACHE_ATTR = "_qingfeng_assignments"


def user_assignments(user: AnyUser) -> list[RoleAssignment]:
    """The user's role assignments with their scope targets, cached on the user object.

    The cache lives as long as the request's user object, so a page that asks several
    selectors reads the assignments once.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user_id=user.pk).select_related(
                "region", "station__region", "discipline_group", "unit", "person"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_assignments(user: AnyUser) -> None:
    """Drop the cached assignments (after the user's roles changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def granting(user: AnyUser, capability: Capability) -> list[RoleAssignment]:
    """The user's assignments whose role grants ``capability`` (cached with them)."""
    return [a for a in user_assignments(user) if capability in ROLE_CAPABILITIES[a.role]]


def has_global_scope(user: AnyUser, capability: Capability = Capability.VIEW_ORG) -> bool:
    """True for a superuser, or when an assignment granting ``capability`` covers everything."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return any(a.scope_kind == ScopeKind.ALL for a in granting(user, capability))


def has_capability(user: AnyUser, capability: Capability) -> bool:
    """True if any of the user's assignments grants ``capability`` (over some scope)."""
    return has_global_scope(user, capability) or bool(granting(user, capability))


def _station_scope(station: Station) -> Q:
    """The units a data station's scope covers: those of its region's subtree."""
    return within_q(station.region)


def visible_units(user: AnyUser, capability: Capability = Capability.VIEW_ORG) -> UnitQuerySet:
    """The units the user may see (or, with another capability, act on).

    - all: every unit; region: units of the region's subtree; station: units of the
      station's region subtree; discipline group: the units it covers; unit: the unit and
      its sub-units; person: the units where the person currently holds a post.
    """
    if has_global_scope(user, capability):
        return Unit.objects.all()
    return _units_of(granting(user, capability))


def _assignment_units(assignment: RoleAssignment) -> Q | None:
    """The condition on units one assignment covers (None when its target is missing)."""
    kind = assignment.scope_kind
    if kind == ScopeKind.REGION and assignment.region:
        return within_q(assignment.region)
    if kind == ScopeKind.STATION and assignment.station:
        return _station_scope(assignment.station)
    if kind == ScopeKind.DISCIPLINE_GROUP and assignment.discipline_group_id:
        covered = DisciplineGroup.units.through.objects.filter(
            disciplinegroup_id=assignment.discipline_group_id
        ).values("unit_id")
        return Q(pk__in=covered)
    if kind == ScopeKind.UNIT and assignment.unit:
        return subtree_q(assignment.unit)
    if kind == ScopeKind.PERSON and assignment.person_id:
        held = Post.objects.filter(person_id=assignment.person_id, end__isnull=True)
        return Q(pk__in=held.values("unit_id"))
    return None


def _units_of(assignments: list[RoleAssignment]) -> UnitQuerySet:
    """The units any of ``assignments`` covers."""
    conditions = [q for q in map(_assignment_units, assignments) if q is not None]
    if not conditions:
        return Unit.objects.none()
    return Unit.objects.filter(reduce(or_, conditions))


def own_units(user: AnyUser, capability: Capability = Capability.VIEW_ORG) -> UnitQuerySet:
    """The units the user belongs to rather than oversees: those of their unit and person
    scopes granting ``capability`` (a liaison's unit and its sub-units, a leader's current
    units), by the same rule as ``visible_units``; none for a user whose scopes are
    regions, stations or groups (a superuser included)."""
    return _units_of(
        [
            a
            for a in granting(user, capability)
            if a.scope_kind in (ScopeKind.UNIT, ScopeKind.PERSON)
        ]
    )


def station_units(station: Station) -> UnitQuerySet:
    """The units a data station's scope covers (what its clerks see through it)."""
    return Unit.objects.filter(_station_scope(station))


def token_units(token: StationToken) -> UnitQuerySet:
    """The units an API token may see: those of its data station's scope, the same rule
    as for a user holding a role over the station. Any other unit is, to the token, a unit
    that does not exist."""
    return station_units(token.station)


def _scoped_regions(user: AnyUser, capability: Capability) -> list[Region]:
    """The region subtrees the user holds directly (region and station scopes)."""
    regions = []
    for assignment in granting(user, capability):
        if assignment.scope_kind == ScopeKind.REGION and assignment.region:
            regions.append(assignment.region)
        elif assignment.scope_kind == ScopeKind.STATION and assignment.station:
            regions.append(assignment.station.region)
    return regions


def visible_regions(user: AnyUser, capability: Capability = Capability.VIEW_ORG) -> RegionQuerySet:
    """Regions in the user's region subtrees, plus the regions of any unit they see."""
    if has_global_scope(user, capability):
        return Region.objects.all()
    conditions = [subtree_q(region) for region in _scoped_regions(user, capability)]
    conditions.append(Q(pk__in=visible_units(user, capability).values("region_id")))
    return Region.objects.filter(reduce(or_, conditions))


def editable_regions(user: AnyUser) -> RegionQuerySet:
    """Regions where the user may create or change units, stations and groups."""
    return regions_held_with(user, Capability.EDIT_ORG)


def visible_people(user: AnyUser, capability: Capability = Capability.VIEW_ORG) -> QuerySet[Person]:
    """People who hold or held a post in a visible unit or are in charge of one (分管/联系),
    and the user's own person."""
    if has_global_scope(user, capability):
        return Person.objects.all()
    units = visible_units(user, capability)
    condition = Q(pk__in=Post.objects.filter(unit__in=units).values("person_id")) | Q(
        pk__in=InCharge.objects.filter(unit__in=units).values("person_id")
    )
    for assignment in granting(user, capability):
        if assignment.scope_kind == ScopeKind.PERSON and assignment.person_id:
            condition |= Q(pk=assignment.person_id)
    return Person.objects.filter(condition)


def _named_directly(user: AnyUser, capability: Capability, kind: str, id_field: str) -> list[Q]:
    """The condition for the objects the user's assignments of scope ``kind`` name
    directly (by ``id_field``); none when they name none."""
    own = [
        getattr(a, id_field)
        for a in granting(user, capability)
        if a.scope_kind == kind and getattr(a, id_field)
    ]
    return [Q(pk__in=own)] if own else []


def visible_stations(
    user: AnyUser, capability: Capability = Capability.VIEW_ORG
) -> StationQuerySet:
    """Stations of the user's region subtrees, and the user's own stations."""
    if has_global_scope(user, capability):
        return Station.objects.all()
    conditions = [
        within_q(assignment.region)
        for assignment in granting(user, capability)
        if assignment.scope_kind == ScopeKind.REGION and assignment.region
    ]
    conditions += _named_directly(user, capability, ScopeKind.STATION, "station_id")
    if not conditions:
        return Station.objects.none()
    return Station.objects.filter(reduce(or_, conditions))


def visible_discipline_groups(
    user: AnyUser, capability: Capability = Capability.VIEW_ORG
) -> QuerySet[DisciplineGroup]:
    """Groups of the user's region subtrees, the user's own group, and groups covering a
    unit the user sees."""
    if has_global_scope(user, capability):
        return DisciplineGroup.objects.all()
    conditions = [within_q(region) for region in _scoped_regions(user, capability)]
    conditions += _named_directly(
        user, capability, ScopeKind.DISCIPLINE_GROUP, "discipline_group_id"
    )
    covering = DisciplineGroup.units.through.objects.filter(
        unit_id__in=visible_units(user, capability).values("pk")
    ).values("disciplinegroup_id")
    conditions.append(Q(pk__in=covering))
    return DisciplineGroup.objects.filter(reduce(or_, conditions))


def can_edit_categories(user: AnyUser) -> bool:
    """Categories are shared by the whole installation: only a global or root-region
    administrator may change them."""
    if has_global_scope(user, Capability.EDIT_ORG):
        return True
    return any(
        a.scope_kind == ScopeKind.REGION and a.region and a.region.parent_id is None
        for a in granting(user, Capability.EDIT_ORG)
    )


def assignable_users(user: AnyUser) -> QuerySet[User]:
    """Users whose roles the user may manage: everyone for a global administrator, else
    the users whose every assignment lies inside the manager's regions."""
    from qingfeng.accounts.models import User

    if has_global_scope(user, Capability.ASSIGN_ROLES):
        return User.objects.all()
    regions = regions_held_with(user, Capability.ASSIGN_ROLES)
    units = visible_units(user, Capability.ASSIGN_ROLES)
    inside = (
        Q(region__in=regions)
        | Q(station__region__in=regions)
        | Q(discipline_group__region__in=regions)
        | Q(unit__in=units)
        | Q(person__posts__unit__in=units)
    )
    outside_users = RoleAssignment.objects.exclude(inside).values("user_id")
    # Accounts with no role yet are assignable too: that is how a new account gets one.
    return User.objects.filter(is_superuser=False).exclude(pk__in=outside_users)


def regions_held_with(user: AnyUser, capability: Capability) -> RegionQuerySet:
    """Region subtrees the user holds with ``capability`` (region scopes only)."""
    if has_global_scope(user, capability):
        return Region.objects.all()
    return Region.objects.subtrees(
        a.region
        for a in granting(user, capability)
        if a.scope_kind == ScopeKind.REGION and a.region
    )


def org_scope(user: User) -> OrgScope:
    """The user's reach over the organisation, for the organisation import and export
    (the querysets are lazy; the capability checks use the cached assignments)."""
    return OrgScope(
        user=user,
        may_import=has_capability(user, Capability.IMPORT_ORG),
        may_edit_categories=can_edit_categories(user),
        edits_everywhere=has_global_scope(user, Capability.EDIT_ORG),
        editable_regions=editable_regions(user),
        editable_people=visible_people(user, Capability.EDIT_ORG),
        units=visible_units(user),
        regions=visible_regions(user),
        stations=visible_stations(user),
        discipline_groups=visible_discipline_groups(user),
    )


def users_acting_for(unit: Unit) -> QuerySet[User]:
    """The active users who act for ``unit``: its liaisons (a unit liaison role over the
    unit) and the accounts of its current principal leader (a leader role over that
    person, or the account linked to the person). Notices to a unit go to them."""
    principals = Post.objects.filter(unit=unit, end__isnull=True, role=PostRole.PRINCIPAL).values(
        "person_id"
    )
    return (
        UserModel.objects.filter(is_active=True)
        .filter(
            Q(assignments__role=Role.UNIT_LIAISON, assignments__unit=unit)
            | Q(assignments__role=Role.LEADER, assignments__person__in=principals)
            | Q(person__in=principals)
        )
        .distinct()
    )


def users_of_people(people: QuerySet[Person]) -> QuerySet[User]:
    """The active accounts of ``people`` (a leader role over the person, or the account
    linked to the person): where a copy for a leader in charge goes."""
    ids = people.values("pk")
    return (
        UserModel.objects.filter(is_active=True)
        .filter(Q(assignments__role=Role.LEADER, assignments__person__in=ids) | Q(person__in=ids))
        .distinct()
    )


def visible_in_charge(
    user: AnyUser, capability: Capability = Capability.VIEW_ORG
) -> QuerySet[InCharge]:
    """The in-charge relations (分管/联系) of the units the user may see (or, with another
    capability, act on)."""
    return InCharge.objects.filter(unit__in=visible_units(user, capability).values("pk"))


def own_people(user: AnyUser, capability: Capability = Capability.VIEW_ORG) -> set[int]:
    """The people (primary keys) the user *is*: the person of each person scope granting
    ``capability`` (a leader's role), and the person linked to the account."""
    if not user.is_authenticated or not user.is_active:
        return set()
    people = {
        a.person_id
        for a in granting(user, capability)
        if a.scope_kind == ScopeKind.PERSON and a.person_id
    }
    linked = getattr(user, "person_id", None)
    if linked is not None and has_capability(user, capability):
        people.add(linked)
    return people


def duty_visibility_q(user: AnyUser, *, prefix: str = "", personal: bool = False) -> Q:
    """The two-responsibilities rows (duty lists, their tasks' dues, fulfilment records,
    checks, accountability steps; with ``personal``, a leader's reports) the user may see:
    the one rule for all of them.

    A row names its subject by the fields ``kind``, ``unit``, ``person`` and
    ``discipline_group`` (reached through ``prefix``, e.g. ``"duty_list__"``); a personal
    row (``personal=True``) has only ``unit`` and ``person``. Over the assignments granting
    ``VIEW_DUTIES``:

    - the commission (a region scope): every subject of the region's subtree;
    - a discipline group: the subjects of the units it covers, and its own list;
    - a leader (a person scope, or the person linked to the account): their own lists and
      reports; as a unit's principal, everything of that unit (the team's and every
      member's); as a team member, the team's list but never a fellow member's or the
      principal's; as the leader in charge (分管/联系) of a unit, everything of that unit;
    - a unit liaison: the team lists of the unit (the liaison keeps the team's records).

    Nothing else: a station's clerk sees none of it.
    """

    def field(name: str) -> str:
        return f"{prefix}{name}"

    if has_global_scope(user, Capability.VIEW_DUTIES):
        return Q()
    conditions: list[Q] = []
    for assignment in granting(user, Capability.VIEW_DUTIES):
        kind = assignment.scope_kind
        if kind == ScopeKind.REGION and assignment.region:
            # Semi-joins on the row's own columns, not joins through unit and region: the
            # same rows, but a province board counting 3.2 M dues skips two joins per due
            # (bench/README.md, issue 14).
            units = Unit.objects.within(assignment.region).values("pk")
            conditions.append(Q(**{field("unit__in"): units}))
            if not personal:
                groups = DisciplineGroup.objects.within(assignment.region).values("pk")
                conditions.append(Q(**{field("discipline_group__in"): groups}))
        elif kind == ScopeKind.DISCIPLINE_GROUP and assignment.discipline_group_id:
            covered = DisciplineGroup.units.through.objects.filter(
                disciplinegroup_id=assignment.discipline_group_id
            ).values("unit_id")
            conditions.append(Q(**{field("unit__in"): covered}))
            if not personal:
                conditions.append(Q(**{field("discipline_group"): assignment.discipline_group_id}))
        elif kind == ScopeKind.UNIT and assignment.unit and not personal:
            conditions.append(
                Q(**{field("kind"): "team"}) & subtree_q(assignment.unit, prefix=field("unit__"))
            )
    people = own_people(user, Capability.VIEW_DUTIES)
    if people:
        current = Post.objects.filter(person_id__in=people, end__isnull=True)
        led = current.filter(role=PostRole.PRINCIPAL).values("unit_id")
        in_charge = InCharge.objects.filter(person_id__in=people).values("unit_id")
        conditions += [
            Q(**{field("person__in"): people}),
            Q(**{field("unit__in"): led}),
            Q(**{field("unit__in"): in_charge}),
        ]
        if not personal:
            conditions.append(
                Q(**{field("kind"): "team", field("unit__in"): current.values("unit_id")})
            )
    if not conditions:
        return Q(**{field("pk__in"): []})
    return reduce(or_, conditions)


def command_user(username: str, *, stand_in: str) -> UserModel | None:
    """Whose scope a management command reads with: the active user named, or, when no
    name is given, an unsaved administrator of the whole installation called
    ``stand_in`` (the command runs on the server, by whoever runs the server). None when
    the name matches no active user."""
    if not username:
        return UserModel(username=stand_in, is_superuser=True, is_active=True)
    return UserModel.objects.filter(username=username, is_active=True).first()
