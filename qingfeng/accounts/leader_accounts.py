"""Accounts for every leader at once (issue 14, item 1): a `leader` account with the
person scope for every current post holder who has none, with a first-login password that
must be changed at the first login (``accounts.middleware.PasswordChangeRequired``).

``leader_accounts_create`` is idempotent: a person with an account is skipped, so running
it again after new appointments creates only the new leaders' accounts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qingfeng.accounts.models import RoleAssignment, User
from qingfeng.accounts.roles import Role, ScopeKind
from qingfeng.lib.history import stamp
from qingfeng.lib.xlsx import Sheet
from qingfeng.org.models import Person, Post, Unit

# No 0/o, 1/l/i: the password is read off a printed sheet and typed in.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class NewLeaderAccount:
    """One account created, with the first-login password shown once."""

    person: Person
    unit: Unit
    title: str
    username: str
    password: str


def leaders_without_accounts(*, units: QuerySet[Unit]) -> QuerySet[Post]:
    """The current posts in the active ones of ``units`` whose holder has no account yet,
    in unit order (a person with several posts appears once per post)."""
    posts = Post.objects.filter(end__isnull=True, unit__in=units.filter(active=True)).exclude(
        person__in=User.objects.filter(person__isnull=False).values("person_id")
    )
    return posts.select_related("person", "unit").order_by(
        "unit__path", "unit__code", "-role", "start", "pk"
    )


def first_login_password() -> str:
    """A random password for the printed sheet."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def _free_username(code: str, taken: set[str]) -> str:
    """The person's code, or the code with -2, -3 … when an account already has it."""
    name, n = code, 1
    while name.lower() in taken:
        n += 1
        name = f"{code}-{n}"
    taken.add(name.lower())
    return name


@transaction.atomic
def leader_accounts_create(*, actor: Any, units: QuerySet[Unit]) -> list[NewLeaderAccount]:
    """Create a `leader` account (person scope, must change its password) for every
    current post holder of ``units`` who has none; return them with their first-login
    passwords, which are not stored in clear anywhere."""
    taken = {name.lower() for name in User.objects.values_list("username", flat=True)}
    created: list[NewLeaderAccount] = []
    seen: set[int] = set()
    for post in leaders_without_accounts(units=units):
        if post.person_id in seen:
            continue  # a person with several posts gets one account
        seen.add(post.person_id)
        person = post.person
        username = _free_username(person.code, taken)
        password = first_login_password()
        user = User(username=username, display_name=person.name, person=person)
        validate_password(password, user)
        user.set_password(password)
        user.must_change_password = True
        user.full_clean()
        stamp(user, actor)
        user.save()
        assignment = RoleAssignment(
            user=user, role=Role.LEADER, scope_kind=ScopeKind.PERSON, person=person
        )
        assignment.full_clean()
        stamp(assignment, actor)
        assignment.save()
        created.append(NewLeaderAccount(person, post.unit, post.title, username, password))
    return created


def leader_accounts_headers() -> list[str]:
    """The sheet's column headers, in the user's language."""
    return [
        pgettext("person", "Name"),
        _("Unit"),
        _("Post"),
        _("User name"),
        _("First-login password"),
    ]


def leader_accounts_rows(created: list[NewLeaderAccount]) -> list[list[str]]:
    """One row per account created, as the sheet and the command print them."""
    return [[a.person.name, a.unit.name, a.title, a.username, a.password] for a in created]


def leader_accounts_sheet(created: list[NewLeaderAccount]) -> Sheet:
    """The sheet handed to the leaders (each cuts out their own line): name, unit, post,
    user name and first-login password, which must be changed at the first login."""
    return Sheet(
        name=_("Leader accounts"),
        title=_("Leader accounts: the password must be changed at the first login"),
        headers=leader_accounts_headers(),
        rows=leader_accounts_rows(created),
    )
