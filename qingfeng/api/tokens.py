"""API tokens: issuing, revoking and looking them up.

A token is ``secrets.token_urlsafe(32)``; only its SHA-256 (hex) is stored, with its first
8 characters as a prefix so an administrator can tell tokens apart. The plain token is
returned once, by ``token_issue``, and never again.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import has_capability, regions_held_with
from qingfeng.api.models import StationToken
from qingfeng.lib.history import save_validated
from qingfeng.org.models import Station

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

PREFIX_LENGTH = 8
# last_used_at is written at most this often per token, so a busy sender doesn't turn every
# request into a write.
TOUCH_EVERY = datetime.timedelta(minutes=1)


def token_hash(plain: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(plain.encode()).hexdigest()


def manageable_stations(user: User) -> QuerySet[Station]:
    """Stations whose tokens the user may issue and revoke: those of the regions the user
    holds with the token capability."""
    regions = regions_held_with(user, Capability.MANAGE_TOKENS)
    return Station.objects.filter(region__in=regions.values("pk")).select_related("region")


def manageable_tokens(user: User) -> QuerySet[StationToken]:
    """The tokens of the stations in ``manageable_stations``."""
    return StationToken.objects.filter(
        station__in=manageable_stations(user).values("pk")
    ).select_related("station", "created_by")


def may_manage_tokens(user: User) -> bool:
    """True if the user holds the token capability over some scope."""
    return has_capability(user, Capability.MANAGE_TOKENS)


def _check(actor: User, station: Station) -> None:
    if not manageable_stations(actor).filter(pk=station.pk).exists():
        raise PermissionDenied(_("You may not manage the API tokens of this data station."))


@transaction.atomic
def token_issue(*, station: Station, name: str, actor: User) -> tuple[StationToken, str]:
    """Issue a token for ``station``; the stored token and the plain token (shown once)."""
    _check(actor, station)
    plain = secrets.token_urlsafe(32)
    token = StationToken(
        station=station,
        name=name.strip(),
        prefix=plain[:PREFIX_LENGTH],
        token_hash=token_hash(plain),
        created_by=actor,
    )
    save_validated(token, actor)
    return token, plain


@transaction.atomic
def token_revoke(*, token: StationToken, actor: User) -> StationToken:
    """Revoke a token: every later request with it gets 401. Revoking twice is harmless."""
    _check(actor, token.station)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        save_validated(token, actor)
    return token


def token_lookup(plain: str) -> StationToken | None:
    """The active token whose hash matches ``plain`` (None if unknown or revoked)."""
    if not plain:
        return None
    token = (
        StationToken.objects.filter(token_hash=token_hash(plain))
        .select_related("station__region")
        .first()
    )
    if token is None or token.revoked_at is not None:
        return None
    return token


def token_touch(token: StationToken) -> None:
    """Note that the token was used, at most once per ``TOUCH_EVERY``. An update query
    rather than ``save()``: the use is not a change worth a history row."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        StationToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
