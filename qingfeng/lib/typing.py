"""Typing helpers shared by the apps: requests as the views receive them.

Middleware and authentication add attributes to Django's ``HttpRequest`` that its type
does not declare; a view annotating its request with one of these classes reads them
without casts or ``type: ignore``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from qingfeng.accounts.models import User
    from qingfeng.api.models import StationToken


class AuthedRequest(HttpRequest):
    """A request whose user is logged in (views behind ``@login_required``)."""

    user: User


class HtmxRequest(AuthedRequest):
    """A logged-in request seen by django-htmx's middleware: ``htmx`` is truthy when htmx
    sent it (``request.htmx.target`` and the like tell more)."""

    htmx: HtmxDetails


class ApiRequest(HttpRequest):
    """A request of the HTTP API that ``TokenAuth`` accepted: ``auth`` is its token."""

    auth: StationToken
