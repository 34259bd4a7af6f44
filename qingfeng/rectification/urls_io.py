"""URLs of the ledger's file exchange: import (template, errors), export, and the feeds."""

from django.urls import URLPattern, path

from qingfeng.rectification import views_io

urlpatterns: list[URLPattern] = [
    path("import/", views_io.import_page, name="import"),
    path("import/template.xlsx", views_io.import_template, name="import_template"),
    path("import/errors/<str:token>/", views_io.import_errors, name="import_errors"),
    path("export.xlsx", views_io.export_xlsx, name="export"),
    path("feeds/", views_io.feeds_page, name="feeds"),
]
