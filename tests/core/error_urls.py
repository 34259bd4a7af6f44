"""The site's URLs plus views that fail on purpose, to see each error page as a user would
(``override_settings(ROOT_URLCONF="tests.core.error_urls")``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from qingfeng.urls import handler400, handler403, handler404, handler500, urlpatterns

SECRET = "secret-detail-of-the-failure"


def bad(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(SECRET)


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(SECRET)


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


urlpatterns = [
    path("fail/400/", bad),
    path("fail/403/", forbidden),
    path("fail/500/", broken),
    *urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
