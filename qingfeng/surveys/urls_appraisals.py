"""The appraisals pages (``surveys:appraisal_*``)."""

from django.urls import path

from qingfeng.surveys import views_appraisals as views

urlpatterns = [
    path("", views.appraisal_list, name="appraisal_list"),
]
