"""Django admin for the organisation: a system administrator's fallback, with history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from qingfeng.org.models import (
    DisciplineGroup,
    InCharge,
    Person,
    Post,
    Region,
    Station,
    Unit,
    UnitCategory,
)


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "level", "parent", "commission_name"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]


@admin.register(UnitCategory)
class UnitCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "category", "region", "active"]
    list_filter = ["category", "active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "region"]
    readonly_fields = ["path"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "rank"]
    search_fields = ["code", "name"]


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["person", "unit", "role", "title", "start", "end"]
    raw_id_fields = ["person", "unit"]


@admin.register(Station)
class StationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "region"]


@admin.register(DisciplineGroup)
class DisciplineGroupAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "region"]
    filter_horizontal = ["units"]


@admin.register(InCharge)
class InChargeAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "person", "kind"]
    list_filter = ["kind"]
