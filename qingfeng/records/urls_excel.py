"""URLs of the records pages: the station's Excel template and upload."""

from django.urls import URLPattern, path

from qingfeng.records import views_excel

urlpatterns: list[URLPattern] = [
    path("excel/", views_excel.excel_page, name="excel"),
    path("excel/template/", views_excel.excel_template, name="excel_template"),
    path("excel/errors/<str:token>/", views_excel.excel_errors, name="excel_errors"),
]
