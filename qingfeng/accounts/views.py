"""Login, logout, and the pages where administrators give users their roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import selectors, services
from qingfeng.accounts.forms import AssignmentForm, NewUserForm
from qingfeng.accounts.models import RoleAssignment
from qingfeng.accounts.roles import Capability
from qingfeng.lib.typing import AuthedRequest

login_view = auth_views.LoginView.as_view(redirect_authenticated_user=True)
logout_view = auth_views.LogoutView.as_view()


def _require_assign(request: AuthedRequest) -> None:
    if not selectors.has_capability(request.user, Capability.ASSIGN_ROLES):
        raise PermissionDenied


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    """Users the administrator may manage, with their roles."""
    _require_assign(request)
    users = selectors.assignable_users(request.user).prefetch_related(
        Prefetch(
            "assignments",
            queryset=RoleAssignment.objects.select_related(
                "region", "station", "discipline_group", "unit", "person"
            ),
        )
    )
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__contains=q))
    return render(request, "accounts/user_list.html", {"users": users.order_by("username"), "q": q})


@login_required
def user_create(request: AuthedRequest) -> HttpResponse:
    """A new account; roles are added on its page."""
    _require_assign(request)
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Account created. Now give it a role."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "org/form.html", {"form": form, "title": _("New account")})


@login_required
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A user's roles, and the form to grant another."""
    _require_assign(request)
    target = get_object_or_404(selectors.assignable_users(request.user), pk=pk)
    form = AssignmentForm(
        request.POST or None, instance=RoleAssignment(user=target), manager=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_add(actor=request.user, assignment=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:user_detail", pk=target.pk)
    assignments = target.assignments.select_related(
        "region", "station", "discipline_group", "unit", "person"
    )
    return render(
        request,
        "accounts/user_detail.html",
        {"target": target, "assignments": assignments, "form": form},
    )


@login_required
@require_POST
def assignment_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    """Withdraw one role from a user."""
    _require_assign(request)
    assignment = get_object_or_404(
        RoleAssignment.objects.filter(user__in=selectors.assignable_users(request.user)), pk=pk
    )
    services.assignment_remove(actor=request.user, assignment=assignment)
    messages.success(request, _("Role withdrawn."))
    return redirect("accounts:user_detail", pk=assignment.user_id)
