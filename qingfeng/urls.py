"""URL map: each app owns its own urls module."""

from django.contrib import admin
from django.urls import include, path, register_converter

from qingfeng.api.api import api
from qingfeng.lib.periods import PeriodConverter

# Before the apps' urls modules are included: they use ``<period:period>``.
register_converter(PeriodConverter, "period")

urlpatterns = [
    path("", include("qingfeng.core.urls")),
    path("org/", include("qingfeng.org.urls")),
    path("accounts/", include("qingfeng.accounts.urls")),
    path("frameworks/", include("qingfeng.framework.urls")),
    path("scores/", include("qingfeng.scoring.urls")),
    path("analysis/", include("qingfeng.dashboard.urls")),
    path("records/", include("qingfeng.records.urls")),
    path("api-tokens/", include("qingfeng.api.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
