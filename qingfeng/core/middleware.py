"""Language choice (Chinese unless the user picked another), the Content-Security-Policy and
the refusal of NUL characters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from qingfeng.core.errors import bad_request


class DefaultLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language.

    Intranet PCs often run browsers installed in English; the product is Chinese first, so
    the UI is zh-hans until the user chooses English with the language switch (a cookie).
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def content_security_policy() -> str:
    """The Content-Security-Policy header value built from ``settings.CONTENT_SECURITY_POLICY``.

    The setting maps each directive to its sources (an empty list for a directive without
    sources); the header lists them in the setting's order.
    """
    policy: dict[str, list[str]] = settings.CONTENT_SECURITY_POLICY
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy on every response (pages, JSON, files, errors).

    The policy allows only this site's own static files as scripts, so a name or a problem
    type that slipped into HTML unescaped still cannot run script. A response that already
    carries its own policy keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.header
        return response


def _holds_nul(values: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in vs) for key, vs in values.lists())


class NulCharacterMiddleware:
    """Refuses (400) a page request whose path, query string or form fields hold a NUL
    character (U+0000).

    No text of the site can hold one: PostgreSQL can neither store nor compare it, so a
    NUL reaching a query (a filter's code, a quick entry's note) was a server error there,
    and a harmless no-op on SQLite. No keyboard types it; it comes from pasted binary or a
    script, and is refused before any view sees it. Django's form fields already refuse it
    one by one; this covers the views that read ``request.GET``/``POST`` themselves. The
    API (namespace ``ninja``) answers in JSON and checks its own inputs
    (``qingfeng.api.body``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        if match is not None and "ninja" in match.namespaces:
            return None
        if "\x00" in request.path or _holds_nul(request.GET) or _holds_nul(request.POST):
            message = _("The request holds a NUL character, which no text may hold.")
            # The site's styled 400 page (navigation bar, a way back), saying why.
            return bad_request(request, message=message)
        return None
