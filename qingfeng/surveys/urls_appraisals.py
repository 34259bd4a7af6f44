"""The appraisals pages (``surveys:appraisal_*``)."""

from django.urls import path

from qingfeng.surveys import views_appraisals as views

urlpatterns = [
    path("", views.appraisal_list, name="appraisal_list"),
    path("new/", views.appraisal_new, name="appraisal_new"),
    path("<int:pk>/", views.appraisal_detail, name="appraisal_detail"),
    path(
        "<int:pk>/teams/<int:unit_pk>/leaders/",
        views.appraisal_leaders,
        name="appraisal_leaders",
    ),
    path(
        "<int:pk>/teams/<int:unit_pk>/slips/",
        views.appraisal_slips_add,
        name="appraisal_slips_add",
    ),
    path("<int:pk>/entry/", views.appraisal_entry, name="appraisal_entry"),
    path("<int:pk>/results/", views.appraisal_results, name="appraisal_results"),
    path("<int:pk>/results.docx", views.appraisal_results_docx, name="appraisal_results_docx"),
    path("<int:pk>/results.xlsx", views.appraisal_results_xlsx, name="appraisal_results_xlsx"),
    path("<int:pk>/slips.docx", views.appraisal_slips_docx, name="appraisal_slips_docx"),
    path("<int:pk>/close/", views.appraisal_close, name="appraisal_close"),
]
