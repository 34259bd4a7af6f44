"""Admin of the ledger's settings: which indicators the ledger feeds (docs/ledger-feedback.md)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from qingfeng.rectification.models import LedgerFeed


@admin.register(LedgerFeed)
class LedgerFeedAdmin(SimpleHistoryAdmin):
    list_display = ["framework", "indicator_code", "sources"]
    list_filter = ["framework"]
    search_fields = ["indicator_code", "framework__code"]
