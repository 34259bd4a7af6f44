"""URLs of the reports app."""

from django.urls import include, path

from qingfeng.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("batches/", include("qingfeng.reports.urls_batches")),
]
