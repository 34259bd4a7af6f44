"""URLs of the reports app."""

from django.urls import path

from qingfeng.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
]
