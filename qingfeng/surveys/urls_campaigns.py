"""The campaigns pages (``surveys:campaign_*``)."""

from django.urls import include, path

from qingfeng.surveys import views_campaigns as views

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("", include("qingfeng.surveys.urls_feedback")),
]
