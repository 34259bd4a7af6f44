"""Users and their role assignments (a role held over a scope)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qingfeng.accounts.roles import ROLE_SCOPES, Role, ScopeKind


class User(AbstractUser):
    """A person who logs in. ``person`` links a leader's account to their record."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set for an account created with a first-login password."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """A role a user holds over one scope. A user may hold several.

    Exactly the foreign key that matches ``scope_kind`` is set (none for ``all``).
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    scope_kind = models.CharField(_("scope"), max_length=32, choices=ScopeKind.choices)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.CASCADE, null=True, blank=True
    )
    station = models.ForeignKey(
        "org.Station",
        verbose_name=_("data station"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    discipline_group = models.ForeignKey(
        "org.DisciplineGroup",
        verbose_name=_("discipline group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True
    )
    person = models.ForeignKey(
        "org.Person", verbose_name=_("person"), on_delete=models.CASCADE, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    SCOPE_FIELDS = ("region", "station", "discipline_group", "unit", "person")

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_object(self) -> models.Model | None:
        if self.scope_kind == ScopeKind.ALL:
            return None
        return getattr(self, self.scope_kind)

    @property
    def scope_label(self) -> str:
        target = self.scope_object
        return str(target) if target is not None else str(ScopeKind(self.scope_kind).label)

    def clean(self) -> None:
        """The role must allow the scope kind, and only the matching target may be set."""
        errors: dict[str, str] = {}
        if self.role and self.scope_kind and self.scope_kind not in ROLE_SCOPES[self.role]:
            allowed = "、".join(str(ScopeKind(kind).label) for kind in ROLE_SCOPES[self.role])
            errors["scope_kind"] = str(
                _("This role can only be held over: %(allowed)s.") % {"allowed": allowed}
            )
        for field in self.SCOPE_FIELDS:
            has_value = getattr(self, f"{field}_id") is not None
            if field == self.scope_kind and not has_value:
                errors[field] = str(_("Choose the scope's target."))
            elif field != self.scope_kind and has_value:
                errors[field] = str(_("Leave empty for this scope."))
        if errors:
            raise ValidationError(errors)
