"""The questionnaires' pages, for the commission (thin: reads in ``selectors``, writes in
``services``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import render

from qingfeng.lib.typing import AuthedRequest
from qingfeng.surveys import selectors


@login_required
def questionnaire_list(request: AuthedRequest) -> HttpResponse:
    """The questionnaires of the regions the user runs surveys for, with their latest
    version."""
    if not selectors.may_manage(request.user):
        raise Http404
    questionnaires = selectors.questionnaires_for(request.user, manage=True).annotate(
        latest=Max("versions__number")
    )
    return render(request, "surveys/questionnaire_list.html", {"questionnaires": questionnaires})
