"""The API's language: Chinese unless the request asks for English, for every answer under
the API's prefix (errors, parameter errors, the OpenAPI document).

``ApiLanguageMiddleware`` (in ``settings.MIDDLEWARE``, after the site's language
middleware) picks the language from ``Accept-Language`` alone: a sending system has no UI
language cookie, and the product is Chinese first, so English only when the header ranks
it before Chinese. The docs page (``/api/docs``) is a page read in a browser: it follows
the site's own rule (the language switch's cookie, else Chinese), as every page does.

``parameter_errors`` and ``error_message`` word ninja's (pydantic's) validation errors in
that language; ``STATUS_PHRASES`` names the answers in the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header

CHINESE = "zh-hans"
ENGLISH = "en"


def api_language(request: HttpRequest) -> str:
    """The language of an API answer: the first of Chinese and English that
    ``Accept-Language`` names (``zh``, ``zh-CN``, ``en-US`` …); Chinese when it names
    neither, or is absent."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code.startswith("zh"):
            return CHINESE
        if code.startswith("en"):
            return ENGLISH
    return CHINESE


def _path(name: str) -> str | None:
    try:
        return reverse(f"ninja:{name}")
    except NoReverseMatch:
        return None


class ApiLanguageMiddleware:
    """Activates ``api_language`` for requests under the API's prefix, except the docs
    page; says ``Content-Language`` and ``Vary: Accept-Language`` on their answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        prefix, docs = _path("api-root"), _path("openapi-view")
        url = request.path  # the URL's path (not an organisation tree's)
        if not prefix or not url.startswith(prefix) or url == docs:
            return self.get_response(request)
        translation.activate(api_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            # ninja answers a wrong method with English text; the API answers JSON.
            response = _not_allowed(response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers["Content-Language"] = translation.get_language()
        return response


def _not_allowed(plain: HttpResponseBase) -> HttpResponseBase:
    answer = JsonResponse({"detail": _("this method is not allowed here")}, status=405)
    if "Allow" in plain:
        answer["Allow"] = plain["Allow"]
    return answer


# The answers' names in the OpenAPI document (ninja would say "OK", "Not Found" …).
STATUS_PHRASES: dict[int, Promise] = {
    200: gettext_lazy("Success"),
    201: gettext_lazy("Created"),
    401: gettext_lazy("No valid token"),
    404: gettext_lazy("Not found (or outside the token's scope)"),
    413: gettext_lazy("Request body too large"),
    422: gettext_lazy("Request not valid"),
    429: gettext_lazy("Too many requests"),
}


def unauthorized() -> str:
    """The message of a 401: no token, or one that is unknown or revoked."""
    return _("a valid token is required: send the header Authorization: Bearer <token>")


def error_message(error: dict[str, Any]) -> str:
    """One pydantic error in the active language, by its type (its English ``msg`` is
    pydantic's and never translated)."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("this field is required")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("expected a whole number")
    if kind in {"float_parsing", "float_type", "decimal_parsing"}:
        return _("expected a number")
    if kind in {"bool_parsing", "bool_type"}:
        return _("expected true or false")
    if kind in {"string_type", "string_unicode"}:
        return _("expected text")
    if kind in {"list_type", "tuple_type"}:
        return _("expected a list")
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return _("expected an object")
    if kind == "extra_forbidden":
        return _("unknown field")
    if kind == "string_too_long" and "max_length" in context:
        return _("at most %(max)s characters") % {"max": context["max_length"]}
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return _("expected a date (YYYY-MM-DD)")
    return _("this value is not valid")


def parameter_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ninja's list of errors with each ``msg`` worded in the active language; the rest of
    each error (``type``, ``loc`` …) kept as ninja gives it (docs/api.md)."""
    return [{**error, "msg": error_message(error)} for error in errors]
