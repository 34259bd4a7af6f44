"""Django admin for the inbox: a system administrator's fallback."""

from django.contrib import admin

from qingfeng.inbox.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "unit", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title",)
