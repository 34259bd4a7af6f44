"""URLs of the records pages: excel (filled in by its module)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
