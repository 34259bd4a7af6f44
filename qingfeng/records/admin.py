"""Django admin for records and their reference lists (a system administrator's fallback)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from qingfeng.records.models import CollectionPeriod, Evidence, ProblemType, Record


@admin.register(Record)
class RecordAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "indicator_code", "date", "status", "source", "station"]
    list_filter = ["status", "source", "framework"]
    raw_id_fields = ["unit", "station", "created_by", "reviewed_by"]
    search_fields = ["indicator_code", "unit__code", "unit__name", "external_id"]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "record", "size", "uploaded_by", "uploaded_at"]
    raw_id_fields = ["record", "uploaded_by"]


@admin.register(CollectionPeriod)
class CollectionPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["framework", "period", "status", "reason"]


@admin.register(ProblemType)
class ProblemTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "position", "active"]
