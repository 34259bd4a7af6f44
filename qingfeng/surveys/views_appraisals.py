"""The democratic evaluations' pages (thin: reads in ``selectors``, writes in ``services``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qingfeng.lib.typing import AuthedRequest
from qingfeng.surveys import selectors


@login_required
def appraisal_list(request: AuthedRequest) -> HttpResponse:
    """The democratic evaluations of the user's regions, newest period first."""
    if not selectors.may_read(request.user):
        raise Http404
    appraisals = selectors.appraisals_for(request.user)
    context = {
        "heading": _("Democratic evaluations"),
        "explanation": _(
            "At a duty-and-integrity report meeting, each leader of a team is graded "
            "excellent, competent, basically competent or incompetent on coded slips; the "
            "share of excellent and competent becomes the team's record when it closes."
        ),
        "items": appraisals[:500],
    }
    return render(request, "surveys/instrument_list.html", context)
