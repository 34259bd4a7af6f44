"""Typing helpers shared by the apps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request whose user is logged in (views behind ``@login_required``)."""

    user: User
