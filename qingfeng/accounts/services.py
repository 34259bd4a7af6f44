"""Writes to accounts: creating users and granting or withdrawing roles.

A manager can only grant a role over a scope inside their own ``accounts.assign`` scope,
and only a global administrator can grant the whole installation.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.accounts import selectors
from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.accounts.roles import Capability, ScopeKind
from qingfeng.lib.history import stamp


def _target_in_scope(*, actor: Any, assignment: RoleAssignment) -> bool:
    cap = Capability.ASSIGN_ROLES
    if selectors.has_global_scope(actor, cap):
        return True
    kind = assignment.scope_kind
    regions = selectors.regions_held_with(actor, cap)
    if kind == ScopeKind.REGION and assignment.region_id is not None:
        return regions.filter(pk=assignment.region_id).exists()
    if kind == ScopeKind.STATION and assignment.station is not None:
        return regions.filter(pk=assignment.station.region_id).exists()
    if kind == ScopeKind.DISCIPLINE_GROUP and assignment.discipline_group is not None:
        return regions.filter(pk=assignment.discipline_group.region_id).exists()
    if kind == ScopeKind.UNIT and assignment.unit_id is not None:
        return selectors.visible_units(actor, cap).filter(pk=assignment.unit_id).exists()
    if kind == ScopeKind.PERSON and assignment.person_id is not None:
        return selectors.visible_people(actor, cap).filter(pk=assignment.person_id).exists()
    return False


@transaction.atomic
def user_create(*, username: str, password: str, display_name: str = "", actor: Any = None) -> User:
    """Create an account (no role yet); the password is checked by the validators."""
    from django.contrib.auth.password_validation import validate_password

    user = User(username=username, display_name=display_name)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    stamp(user, actor)
    user.save()
    return user


@transaction.atomic
def assignment_add(*, actor: Any, assignment: RoleAssignment) -> RoleAssignment:
    """Grant a role over a scope, if the scope lies within the actor's own."""
    assignment.full_clean()
    if not selectors.assignable_users(actor).filter(pk=assignment.user_id).exists():
        raise PermissionDenied
    if not _target_in_scope(actor=actor, assignment=assignment):
        raise ValidationError(_("This scope is outside the scope you administer."))
    stamp(assignment, actor)
    assignment.save()
    return assignment


@transaction.atomic
def assignment_remove(*, actor: Any, assignment: RoleAssignment) -> None:
    """Withdraw a role (kept in the history as a deletion)."""
    if not _target_in_scope(actor=actor, assignment=assignment):
        raise PermissionDenied
    stamp(assignment, actor)
    assignment.delete()


@transaction.atomic
def password_change(*, user: User, form: Any) -> User:
    """Save a validated ``PasswordChangeForm`` and lift the first-login requirement (the
    change is in the account's history; the password itself never is)."""
    form.save(commit=False)
    user.must_change_password = False
    stamp(user, user)
    user.save()
    return user
