"""Language choice (Chinese unless the user picked another) and the Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
