"""URLs of the analysis pages, one module per feature."""

from django.urls import include, path

app_name = "dashboard"
urlpatterns = [
    path("", include("qingfeng.dashboard.urls_search")),
    path("", include("qingfeng.dashboard.urls_overview")),
    path("", include("qingfeng.dashboard.urls_portrait")),
    path("", include("qingfeng.dashboard.urls_compare")),
    path("", include("qingfeng.dashboard.urls_problems")),
]
