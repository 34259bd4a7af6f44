"""The survey campaigns' pages (thin: reads in ``selectors``, writes in ``services``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qingfeng.lib.typing import AuthedRequest
from qingfeng.surveys import selectors


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    """The survey campaigns of the user's regions, newest period first."""
    if not selectors.may_read(request.user):
        raise Http404
    campaigns = selectors.campaigns_for(request.user)
    context = {
        "heading": _("Survey campaigns"),
        "explanation": _(
            "A campaign puts a questionnaire to the public of each surveyed unit through its "
            "own link and QR code; when it closes, each unit's mean score becomes its record."
        ),
        "items": campaigns[:500],
    }
    return render(request, "surveys/instrument_list.html", context)
