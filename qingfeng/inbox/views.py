"""The inbox page and marking notices read (the user's own only: another's is a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.inbox import selectors, services
from qingfeng.lib.typing import AuthedRequest

STATES = ("", "unread", "read")


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    """The user's notices, unread first; ``?state=unread`` or ``read`` filters."""
    state = request.GET.get("state", "")
    if state not in STATES:
        state = ""
    page = Paginator(selectors.inbox_for(request.user, state=state), 50).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "state": state, "unread": selectors.unread_count(request.user)}
    return render(request, "inbox/inbox.html", context)


@login_required
@require_POST
def notice_read(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark one of the user's notices read, then go to its link (``?open=1``) or back."""
    notice = get_object_or_404(selectors.inbox_for(request.user), pk=pk)
    services.mark_read(user=request.user, notice_ids=[notice.pk])
    link = notice.link
    if request.POST.get("open") and link and url_has_allowed_host_and_scheme(link, None):
        return redirect(link)
    return redirect(_back(request))


@login_required
@require_POST
def notice_read_all(request: AuthedRequest) -> HttpResponse:
    """Mark all the user's unread notices read."""
    count = services.mark_read(user=request.user)
    messages.success(request, _("%(count)d notices marked read.") % {"count": count})
    return redirect(_back(request))


def _back(request: AuthedRequest) -> str:
    state = request.POST.get("state", "")
    base = reverse("inbox:inbox")
    return f"{base}?state={state}" if state in STATES and state else base
