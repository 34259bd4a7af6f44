"""An account created with a first-login password goes to the password page until it
has chosen its own (``accounts.leader_accounts``)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# What such a user may still reach: the page itself, logging out, the language switch and
# static files (the page needs its CSS).
ALLOWED_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/i18n/", "/static/")


class PasswordChangeRequired:
    """Redirect a logged-in user whose ``must_change_password`` is set to the password
    page, from every other page (the API's bearer tokens are not users: unaffected)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        url = request.path  # a URL, not a tree path
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not url.startswith(ALLOWED_PREFIXES)
        ):
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)
