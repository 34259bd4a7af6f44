"""URLs of the organisation app."""

from django.urls import path

from qingfeng.org import views, views_edit, views_interchange

app_name = "org"
urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/new/", views_edit.region_create, name="region_create"),
    path("regions/<int:pk>/", views.region_detail, name="region_detail"),
    path("regions/<int:pk>/edit/", views_edit.region_edit, name="region_edit"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/new/", views_edit.category_create, name="category_create"),
    path("categories/<int:pk>/edit/", views_edit.category_edit, name="category_edit"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views_edit.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views_edit.unit_edit, name="unit_edit"),
    path("units/<int:pk>/in-charge/", views_edit.unit_in_charge, name="unit_in_charge"),
    path("in-charge/<int:pk>/remove/", views_edit.in_charge_remove, name="in_charge_remove"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views_edit.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views_edit.person_edit, name="person_edit"),
    path("people/<int:person_pk>/posts/new/", views_edit.post_create, name="post_create"),
    path("posts/<int:pk>/edit/", views_edit.post_edit, name="post_edit"),
    path("posts/<int:pk>/end/", views_edit.post_end, name="post_end"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/new/", views_edit.station_create, name="station_create"),
    path("stations/<int:pk>/", views.station_detail, name="station_detail"),
    path("stations/<int:pk>/edit/", views_edit.station_edit, name="station_edit"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views_edit.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views_edit.group_edit, name="group_edit"),
    path("import/", views_interchange.import_page, name="import"),
    path("export.<slug:fmt>", views_interchange.export_download, name="export"),
]
