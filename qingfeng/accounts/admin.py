"""Django admin for users and role assignments (system administrators only)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from qingfeng.accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["region", "station", "discipline_group", "unit", "person"]


@admin.register(User)
class QingfengUserAdmin(UserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "display_name", "is_active", "is_staff"]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Qingfeng", {"fields": ("display_name", "person")}))
    raw_id_fields = ["person"]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "scope_kind", "note"]
    list_filter = ["role", "scope_kind"]
    raw_id_fields = ["user", "region", "station", "discipline_group", "unit", "person"]
