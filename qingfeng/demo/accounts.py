"""The demo accounts: one per role (two more for the late station of 2026Q3), each scoped in
the demo county (``seed_demo``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.accounts.roles import Role, ScopeKind
from qingfeng.demo import CHANGE_REASON
from qingfeng.demo import org_data as data
from qingfeng.org.models import DisciplineGroup, Person, Post, PostRole, Region, Station, Unit

DEFAULT_PASSWORD = "qingfeng-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    """A demo login. ``target`` names the scope: a region, station or discipline group by
    code; for ``unit`` the unit's name in the demo county; for ``person`` the name of the
    demo-county unit whose current principal the account is, or "<unit>#N" for its N-th
    team member."""

    username: str
    role: str
    scope_kind: str
    target: str
    display_name: str
    scope_label: str


# One account per role, and the late station's clerk and reviewer, all scoped in the demo
# county (see ``DemoAccount``).
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = tuple(DemoAccount(*row) for row in data.DEMO_ACCOUNTS)
DEMO_USERNAMES: tuple[str, ...] = tuple(account.username for account in DEMO_ACCOUNTS)


def _scope_target(account: DemoAccount, county: Region) -> Model | None:
    kind = account.scope_kind
    if kind == ScopeKind.REGION:
        return Region.objects.get(code=account.target)
    if kind == ScopeKind.STATION:
        return Station.objects.get(code=account.target)
    if kind == ScopeKind.DISCIPLINE_GROUP:
        return DisciplineGroup.objects.get(code=account.target)
    if kind == ScopeKind.UNIT:
        return Unit.objects.get(region=county, name=account.target)
    if kind == ScopeKind.PERSON:
        # "县第一中学": its principal; "县第一中学#2": its second team member (by post).
        unit_name, _sep, number = account.target.partition("#")
        posts = Post.objects.select_related("person").filter(
            unit__region=county, unit__name=unit_name, end__isnull=True
        )
        if not number:
            return posts.get(role=PostRole.PRINCIPAL).person
        return posts.filter(role=PostRole.MEMBER).order_by("pk")[int(number) - 1].person
    return None


@transaction.atomic
def create_demo_accounts(*, password: str = DEFAULT_PASSWORD) -> list[User]:
    """Create one account per role (``DEMO_ACCOUNTS``) with its scope in the demo county."""
    county = Region.objects.get(code=data.DEMO_COUNTY_CODE)
    users = []
    for account in DEMO_ACCOUNTS:
        target = _scope_target(account, county)
        is_admin = account.role == Role.SYSTEM_ADMIN
        user = User(
            username=account.username,
            display_name=account.display_name,
            is_staff=is_admin,
            is_superuser=is_admin,
            person=target if isinstance(target, Person) else None,
        )
        user.set_password(password)
        user.full_clean()
        user._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
        user.save()
        assignment = RoleAssignment(
            user=user,
            role=account.role,
            scope_kind=account.scope_kind,
            note=_("Demo account"),
            **({account.scope_kind: target} if target is not None else {}),
        )
        assignment.full_clean()
        assignment._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
        assignment.save()
        users.append(user)
    return users
