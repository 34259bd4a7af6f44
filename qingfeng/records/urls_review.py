"""URLs of the records pages: review (filled in by its module)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
