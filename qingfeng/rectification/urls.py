"""URLs of the problem ledger."""

from django.urls import URLPattern

app_name = "rectification"
urlpatterns: list[URLPattern] = []
