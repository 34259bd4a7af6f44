"""URLs of report batches (included under ``reports/batches/`` in the reports' namespace)."""

from django.urls import path

from qingfeng.reports import views_batches as views

urlpatterns = [
    path("", views.batch_new, name="batch_new"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/resume/", views.batch_resume, name="batch_resume"),
    path("<int:pk>/zip/", views.batch_zip, name="batch_zip"),
]
