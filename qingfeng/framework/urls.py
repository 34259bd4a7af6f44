"""URLs of the framework app."""

from django.urls import path

from qingfeng.framework import views, views_edit, views_publish

app_name = "framework"
urlpatterns = [
    path("", views.framework_list, name="framework_list"),
    path("import/", views_edit.import_page, name="import"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/diff/", views.version_diff_page, name="version_diff"),
    path("versions/<int:pk>/export.<slug:fmt>", views.version_export, name="version_export"),
    path("versions/<int:pk>/copy/", views.version_copy, name="version_copy"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path(
        "versions/<int:pk>/publish/confirm/",
        views_publish.version_publish_confirm,
        name="version_publish_confirm",
    ),
    path("versions/<int:pk>/archive/", views.version_archive, name="version_archive"),
    path("versions/<int:pk>/settings/", views_edit.version_settings, name="version_settings"),
    path(
        "versions/<int:version_pk>/indicators/new/",
        views_edit.indicator_create,
        name="indicator_create",
    ),
    path("indicators/<int:pk>/edit/", views_edit.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/move/", views_edit.indicator_move, name="indicator_move"),
    path("indicators/<int:pk>/delete/", views_edit.indicator_delete, name="indicator_delete"),
]
