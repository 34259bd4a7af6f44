"""URLs of the two-responsibilities platform: the file part (see ``duties.urls``)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
