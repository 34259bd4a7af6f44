"""Token pages: a commission administrator lists, issues and revokes the API tokens of
the data stations in the regions they hold with the token capability."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.api.forms import TokenIssueForm
from qingfeng.api.tokens import manageable_tokens, may_manage_tokens, token_issue, token_revoke
from qingfeng.lib.typing import AuthedRequest


def _require(request: AuthedRequest) -> None:
    if not may_manage_tokens(request.user):
        raise PermissionDenied


@login_required
def token_list(request: AuthedRequest) -> HttpResponse:
    """Tokens of the stations in the administrator's scope, newest first per station."""
    _require(request)
    tokens = manageable_tokens(request.user).order_by("station__code", "-created_at")
    return render(request, "api/token_list.html", {"tokens": tokens})


@login_required
def token_issue_view(request: AuthedRequest) -> HttpResponse:
    """Issue a token; the page after a successful POST shows it once."""
    _require(request)
    form = TokenIssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        token, plain = token_issue(
            station=form.cleaned_data["station"], name=form.cleaned_data["name"], actor=request.user
        )
        return render(request, "api/token_issued.html", {"token": token, "plain": plain})
    return render(request, "api/token_issue.html", {"form": form})


@login_required
@require_POST
def token_revoke_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Revoke a token of a station in scope (any other token: 404)."""
    _require(request)
    token = get_object_or_404(manageable_tokens(request.user), pk=pk)
    token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token %(prefix)s… was revoked.") % {"prefix": token.prefix})
    return redirect("api:token_list")
