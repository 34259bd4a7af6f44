"""Views of the reports app: thin; the rules are in ``selectors`` and the writes in
``services``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from qingfeng.lib.typing import AuthedRequest
from qingfeng.reports import selectors


@login_required
def report_list(request: AuthedRequest) -> HttpResponse:
    """The reports the user may see, latest first."""
    reports = selectors.reports_for(request.user)[:200]
    context = {"reports": reports, "may_make": selectors.may_make(request.user)}
    return render(request, "reports/list.html", context)
