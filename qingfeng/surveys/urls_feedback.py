"""A unit's feedback of a campaign (``surveys:campaign_feedback`` and its .xlsx), included
under ``/surveys/campaigns/``."""

from django.urls import path

from qingfeng.surveys import views_feedback as views

urlpatterns = [
    path("<int:pk>/units/<int:unit_pk>/feedback/", views.feedback, name="campaign_feedback"),
    path(
        "<int:pk>/units/<int:unit_pk>/feedback.xlsx",
        views.feedback_xlsx,
        name="campaign_feedback_xlsx",
    ),
]
