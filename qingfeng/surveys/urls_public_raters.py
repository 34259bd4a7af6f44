"""Placeholder: filled by the part that builds these pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
