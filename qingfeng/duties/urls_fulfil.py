"""URLs of the two-responsibilities platform: the fulfil part (see ``duties.urls``): a
leader's duties and quick entry, the fulfilment records for viewers, and the personal
reports (报备)."""

from django.urls import URLPattern, URLResolver, path

from qingfeng.duties import views_fulfil, views_fulfil_records, views_fulfil_reports

urlpatterns: list[URLPattern | URLResolver] = [
    path("mine/", views_fulfil.mine, name="fulfil_mine"),
    path("mine/<int:pk>/", views_fulfil.mine_list, name="fulfil_list"),
    path("tasks/<int:pk>/fulfil/", views_fulfil.entry, name="fulfil_entry"),
    path("records/", views_fulfil_records.records, name="fulfil_records"),
    path("records/<int:pk>/", views_fulfil_records.record_detail, name="fulfil_record"),
    path("records/<int:pk>/delete/", views_fulfil.delete, name="fulfil_delete"),
    path("attachments/<int:pk>/", views_fulfil_records.attachment, name="fulfil_attachment"),
    path("reports/new/", views_fulfil_reports.report_new, name="report_new"),
    path("reports/mine/", views_fulfil_reports.report_mine, name="report_mine"),
    path("reports/", views_fulfil_reports.report_list, name="report_list"),
]
