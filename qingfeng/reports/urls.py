"""URLs of the reports app."""

from django.urls import include, path

from qingfeng.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/docx/", views.report_docx, name="docx"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("<int:pk>/text/", views.report_text, name="text"),
    path("<int:pk>/upload/", views.report_upload, name="upload"),
    path("<int:pk>/issue/", views.report_issue, name="issue"),
    path("batches/", include("qingfeng.reports.urls_batches")),
]
