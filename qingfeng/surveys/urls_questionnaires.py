"""The questionnaires' pages (``surveys:questionnaire_*``)."""

from django.urls import path

from qingfeng.surveys import views_questionnaires as views

urlpatterns = [
    path("", views.questionnaire_list, name="questionnaire_list"),
]
