"""URLs of the unit portrait (树木) and its leadership-team view."""

from django.urls import URLPattern, path

from qingfeng.dashboard import views_portrait

_UNIT = "<slug:code>/<period:period>/units/<int:unit_pk>"

urlpatterns: list[URLPattern] = [
    path(f"{_UNIT}/", views_portrait.portrait, name="portrait"),
    path(f"{_UNIT}/records/<str:node>/", views_portrait.portrait_records, name="portrait_records"),
    path(f"{_UNIT}/portrait.json", views_portrait.portrait_json, name="portrait_json"),
    path(f"{_UNIT}/portrait.xlsx", views_portrait.portrait_xlsx, name="portrait_xlsx"),
    path(f"{_UNIT}/leadership/", views_portrait.leadership, name="leadership"),
]
