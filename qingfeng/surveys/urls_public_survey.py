"""The public questionnaire of a campaign's link (``answer:survey``) and its thanks page."""

from django.urls import path

from qingfeng.surveys import views_public_survey as views

urlpatterns = [
    path("<str:token>/", views.survey, name="survey"),
    path("<str:token>/thanks/", views.survey_thanks, name="survey_thanks"),
]
