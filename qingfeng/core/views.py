"""Home page and the change-history page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from qingfeng.accounts import selectors
from qingfeng.core.history import object_history
from qingfeng.core.selectors import home as home_page
from qingfeng.lib.typing import AuthedRequest
from qingfeng.records.models import RecordStatus
from qingfeng.rectification.selectors import ledger_home


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The user's to-do list: what each of their roles has waiting, counted within their
    scope, each item linking to where the work is done (``core.selectors.home``)."""
    user = request.user
    page = home_page(user)
    context = {
        "home": page,
        "unit_count": page.org.units if page.org else None,
        "assignments": selectors.user_assignments(user),
        "is_superuser": user.is_superuser,
        "STATUS": RecordStatus,
        "ledger": ledger_home(user),
    }
    return render(request, "core/home.html", context)


@login_required
def history(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    """Who changed this object, when, and which fields from what to what."""
    obj, entries = object_history(user=request.user, kind=kind, pk=pk)
    return render(request, "core/history.html", {"object": obj, "entries": entries, "kind": kind})
