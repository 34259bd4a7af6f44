"""The public questionnaire of a unit's link (``/s/<token>/``), answered without logging in.

The page shows the questionnaire and the one unit it is about, nothing else of the
platform. One answer per browser and link: a signed cookie lists the links this browser
has answered (docs/surveys-answering.md says why a cookie, and what it does not stop);
the per-link rate limit (``throttle``) bounds the rest. No IP address is read or kept.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from qingfeng.surveys import rules, throttle
from qingfeng.surveys.services_answers import (
    FormQuestion,
    OpenLink,
    open_link,
    response_submit,
)

# The cookie listing the link tokens this browser answered (signed: it cannot be forged
# into a list it never earned, though it can of course be deleted).
ANSWERED_COOKIE = "qf_answered"
ANSWERED_SALT = "qingfeng.surveys.answered"
# A browser remembers its answers for a year, and at most this many links (the cookie
# stays far below the 4 KB browsers allow: 22-character tokens).
ANSWERED_MAX_AGE = 365 * 24 * 3600
ANSWERED_MAX_LINKS = 100


def answered_tokens(request: HttpRequest) -> list[str]:
    """The link tokens this browser has answered (none when the cookie is missing,
    expired or tampered with)."""
    value = request.get_signed_cookie(
        ANSWERED_COOKIE, default="", salt=ANSWERED_SALT, max_age=ANSWERED_MAX_AGE
    )
    return [token for token in (value or "").split(",") if token]


def _remember(request: HttpRequest, response: HttpResponse, token: str) -> None:
    tokens = [t for t in answered_tokens(request) if t != token] + [token]
    response.set_signed_cookie(
        ANSWERED_COOKIE,
        ",".join(tokens[-ANSWERED_MAX_LINKS:]),
        salt=ANSWERED_SALT,
        max_age=ANSWERED_MAX_AGE,
        path="/s/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _page(
    request: HttpRequest,
    template: str,
    opened: OpenLink,
    *,
    questions: list[FormQuestion] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "title": opened.form.title,
        "intro": opened.form.intro,
        "unit_name": opened.unit_name,
        "questions": questions or [],
        "has_errors": any(question.error for question in questions or []),
        "max_text": rules.MAX_TEXT_ANSWER,
    }
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire of one unit's link; a valid POST stores one response and leads
    to the thanks page. 404 for an unknown or closed link (GET and POST)."""
    opened = open_link(token=token)
    if token in answered_tokens(request):
        return _page(request, "surveys/answer_done.html", opened)
    questions = opened.form.fresh_questions()
    if request.method == "GET":
        return _page(request, "surveys/answer_survey.html", opened, questions=questions)
    raw = {question.code: request.POST.getlist(question.code) for question in questions}
    # Every POST counts against the link's allowance, a mistyped one too: the limit bounds
    # the work a flood of posts can cause, valid or not.
    if not throttle.answer_allowed(link=token):
        return _page(request, "surveys/answer_busy.html", opened, status=429)
    try:
        response_submit(link=opened.link, answers=raw, form=opened.form, questions=questions)
    except ValidationError:
        return _page(request, "surveys/answer_survey.html", opened, questions=questions)
    response = redirect("answer:survey_thanks", token=token)
    _remember(request, response, token)
    return response


@require_http_methods(["GET"])
def survey_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """The thanks page after an answer (404 once the campaign has closed)."""
    return _page(request, "surveys/answer_thanks.html", open_link(token=token))
