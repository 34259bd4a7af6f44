"""The cross evaluations' pages (thin: reads in ``selectors``, writes in ``services``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qingfeng.lib.typing import AuthedRequest
from qingfeng.surveys import selectors


@login_required
def cross_list(request: AuthedRequest) -> HttpResponse:
    """The cross evaluations of the user's regions, newest period first."""
    if not selectors.may_read(request.user):
        raise Http404
    evaluations = selectors.cross_evaluations_for(request.user)
    context = {
        "heading": _("Cross evaluations"),
        "explanation": _(
            "Units of one category (or named leaders) give points to units of another, "
            "never to their own; the mean points become each rated unit's record."
        ),
        "items": evaluations[:500],
    }
    return render(request, "surveys/instrument_list.html", context)
