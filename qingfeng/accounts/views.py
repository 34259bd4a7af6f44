"""Login, logout, and the pages where administrators give users their roles."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingfeng.accounts import selectors, services
from qingfeng.accounts.forms import AssignmentForm, NewUserForm
from qingfeng.accounts.leader_accounts import (
    leader_accounts_create,
    leader_accounts_sheet,
    leaders_without_accounts,
)
from qingfeng.accounts.models import RoleAssignment
from qingfeng.accounts.roles import Capability
from qingfeng.lib.typing import AuthedRequest
from qingfeng.lib.xlsx import download_name, xlsx_response

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


class _PasswordChangeForm(PasswordChangeForm):
    """Django's form, styled like the others."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    """Change one's own password; an account created with a first-login password is sent
    here until it does (``accounts.middleware.PasswordChangeRequired``)."""
    form = _PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=request.user, form=form)
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("core:home")
    title = _("Change your password")
    notice = (
        _("Choose your own password before you go on.") if request.user.must_change_password else ""
    )
    return render(
        request, "accounts/password_change.html", {"form": form, "title": title, "notice": notice}
    )


@login_required
def leader_accounts(request: AuthedRequest) -> HttpResponse:
    """A commission administrator creates accounts for every current post holder of its
    region who has none, and downloads the sheet of user names and first-login passwords
    (shown this once). GET shows how many are waiting."""
    _require_assign(request)
    units = selectors.visible_units(request.user, Capability.ASSIGN_ROLES)
    if request.method != "POST":
        posts = leaders_without_accounts(units=units)
        waiting = posts.values("person_id").distinct().count()
        return render(
            request,
            "accounts/leader_accounts.html",
            {"waiting": waiting, "title": _("Accounts for leaders")},
        )
    created = leader_accounts_create(actor=request.user, units=units)
    if not created:
        messages.info(request, _("Every current post holder already has an account."))
        return redirect("accounts:leader_accounts")
    name = download_name(_("Leader accounts"), timezone.localdate().isoformat())
    return xlsx_response(name, [leader_accounts_sheet(created)])
