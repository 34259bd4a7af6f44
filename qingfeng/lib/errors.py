"""Domain errors that selectors and services raise, and the one place that turns them into
HTTP answers, so reads stay free of ``django.http``.

``NotFound``: what was asked for does not exist, or lies outside the user's scope. The two
must look the same (docs/design.md: a user outside the scope gets 404, never a leak of
existence); ``OutOfScope`` only says which one it was, for the code and its tests.
``NotFoundMiddleware`` (in ``settings.MIDDLEWARE``) answers either with Django's 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

M = TypeVar("M", bound=Model)


class NotFound(Exception):
    """Nothing to show for this request (unknown or out-of-scope object, period, node …)."""


class OutOfScope(NotFound):
    """The object exists, but the user may not reach it: answered exactly like NotFound."""


def get_or_not_found(queryset: QuerySet[M], **lookup: Any) -> M:
    """The one row of ``queryset`` matching ``lookup``; NotFound when there is none (pass
    a queryset already narrowed to the user's scope, so "outside" reads as "absent")."""
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist as error:
        raise NotFound(f"no {queryset.model._meta.model_name} matching {lookup}") from error


class NotFoundMiddleware:
    """Turns a NotFound that escapes a view into Django's 404 (the same page, logging and
    status as ``Http404``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Re-raise a NotFound as Http404 (without its message: the 404 page says nothing
        about what was looked for); leave every other exception alone."""
        if isinstance(exception, NotFound):
            raise Http404 from exception
