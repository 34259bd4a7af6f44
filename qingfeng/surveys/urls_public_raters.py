"""A cross evaluation's public rating table (``answer:rater``), reached by its link
``/s/r/<token>/`` without logging in, and its thanks page."""

from django.urls import path

from qingfeng.surveys import views_public_raters as views

urlpatterns = [
    path("<str:token>/", views.rater_table, name="rater"),
    path("<str:token>/thanks/", views.rater_thanks, name="rater_thanks"),
]
