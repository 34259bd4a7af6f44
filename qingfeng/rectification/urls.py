"""URLs of the problem ledger."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "rectification"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("qingfeng.rectification.urls_io")),
]
