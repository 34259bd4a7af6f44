"""URLs of the API token pages (the API itself is in qingfeng.api.api)."""

from django.urls import URLPattern

app_name = "api"
urlpatterns: list[URLPattern] = []
