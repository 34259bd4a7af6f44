"""The error pages (400, 403, 404, 500 and a refused CSRF check), styled and translated.

Wired in ``qingfeng/urls.py`` (``handler400`` …) and ``settings.CSRF_FAILURE_VIEW``. The
400, 403 and 404 pages extend the base layout, so a logged-in user keeps the navigation
bar; each says what happened and offers a way back (home, or the previous page). Whatever
went wrong, none of them shows a stack trace or the exception's text.

The 500 page is rendered without the request's context processors (they read the
database, which may be what failed) from a template that needs nothing but translations
and static URLs; if even that fails, a fixed page is answered.

Under the API's prefix the answer is JSON (``{"detail": …}``), like the API's other errors.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The answer of last resort, when even the 500 template cannot be rendered: both
# languages, no template, no static file.
FALLBACK_500 = (
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>服务器错误 · Server error</title></head>"
    '<body style="font-family:sans-serif;margin:2rem">'
    "<h1>服务器出错了</h1><p>请稍后再试；如果一直出现，请联系系统管理员。</p>"
    "<p>Server error: please try again later.</p>"
    '<p><a href="/">返回首页 · Home</a></p></body></html>'
)


def _api_prefix() -> str | None:
    """The path under which the API answers (``/api/``), None if it is not mounted."""
    try:
        return reverse("ninja:api-root")
    except NoReverseMatch:
        return None


def _is_api(request: HttpRequest) -> bool:
    prefix, url = _api_prefix(), request.path  # the URL's path (not an organisation tree's)
    return bool(prefix) and url.startswith(str(prefix))


def _back(request: HttpRequest) -> str | None:
    """The page the user came from, if it is on this site (a link back to it)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        allowed = {request.get_host()}
    except Exception:  # DisallowedHost: the very error this page may be answering
        return None
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts=allowed, require_https=request.is_secure()
    ):
        return referer
    return None


def _page(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    """The error page of ``status`` (JSON under the API's prefix)."""
    if _is_api(request):
        return JsonResponse({"detail": title}, status=status)
    if not hasattr(request, "user"):
        # Refused before the middleware read the session (an unknown host): the base
        # layout's navigation needs the user, so the page that needs nothing answers.
        return server_error(request, status=status, title=title, message=message)
    context = {"status": status, "title": title, "message": message, "back": _back(request)}
    try:
        return render(request, "errors/error.html", context, status=status)
    except Exception:  # the request itself may be what is broken (e.g. a 400)
        logger.exception("error page %s could not be rendered with the request", status)
        return server_error(request, status=status, title=title, message=message)


def bad_request(
    request: HttpRequest, exception: Exception | None = None, *, message: str | None = None
) -> HttpResponse:
    """400: the request could not be understood (a malformed or refused request);
    ``message`` says why when the caller knows."""
    return _page(
        request,
        status=400,
        title=_("Bad request"),
        message=message or _("The request could not be understood. Go back and try again."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the user may not do this (their roles do not allow it)."""
    return _page(
        request,
        status=403,
        title=_("Access denied"),
        message=_(
            "Your roles do not allow this page or action. If you need it, ask your "
            "system administrator."
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: nothing here, or nothing the user may see (the two look the same)."""
    return _page(
        request,
        status=404,
        title=_("Page not found"),
        message=_(
            "There is nothing at this address, or it is outside what you may see. "
            "Check the address, or start again from the home page."
        ),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 of a form whose security check failed (``settings.CSRF_FAILURE_VIEW``): usually
    a page left open past the session, or cookies blocked. ``reason`` is not shown."""
    return _page(
        request,
        status=403,
        title=_("The form has expired"),
        message=_(
            "The form could not be verified, usually because the page was open for a "
            "long time or you logged in again elsewhere. Go back, reload the page and "
            "submit it again; cookies must be allowed for this site."
        ),
    )


def server_error(
    request: HttpRequest,
    *,
    status: int = 500,
    title: str | None = None,
    message: str | None = None,
) -> HttpResponse:
    """500 (and the fallback of the other pages): rendered without the request's context,
    which may be broken, and without the database."""
    if _is_api(request):
        return JsonResponse({"detail": _("Server error")}, status=status)
    context = {
        "status": status,
        "title": title or _("Server error"),
        "message": message
        or _(
            "Something went wrong on the server; nothing you did caused it. Try again in "
            "a moment; if it keeps happening, tell your system administrator."
        ),
    }
    try:
        content = loader.get_template("errors/500.html").render(context)
    except Exception:
        logger.exception("the 500 page could not be rendered")
        content = FALLBACK_500
    return HttpResponse(content, status=status)
