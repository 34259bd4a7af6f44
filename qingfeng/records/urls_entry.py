"""URLs of the records pages: entry by a station clerk, self-assessment, evidence."""

from django.urls import URLPattern, path

from qingfeng.records import views_entry, views_evidence

_TARGET = "<int:station_pk>/<int:framework_pk>/<period:period>/<str:code>"

urlpatterns: list[URLPattern] = [
    path("entry/", views_entry.entry_home, name="entry"),
    path(f"entry/{_TARGET}/new/", views_entry.entry_new, name="entry_new"),
    path(f"entry/{_TARGET}/quick/", views_entry.entry_quick, name="entry_quick"),
    path("entry/records/<int:pk>/edit/", views_entry.entry_edit, name="entry_edit"),
    path("entry/records/<int:pk>/delete/", views_entry.entry_delete, name="entry_delete"),
    path("entry/records/<int:pk>/submit/", views_entry.entry_submit, name="entry_submit"),
    path("entry/mine/", views_entry.my_records, name="my_records"),
    path("self-assessment/", views_entry.self_assessment, name="self_assessment"),
    path(
        "self-assessment/<int:framework_pk>/<period:period>/<str:code>/new/",
        views_entry.self_assessment_new,
        name="self_assessment_new",
    ),
    path("evidence/<int:pk>/", views_evidence.evidence_download, name="evidence"),
]
