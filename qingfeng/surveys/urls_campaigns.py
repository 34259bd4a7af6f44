"""The campaigns pages (``surveys:campaign_*``)."""

from django.urls import include, path

from qingfeng.surveys import views_campaigns as views

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_new, name="campaign_new"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/board/", views.campaign_board, name="campaign_board"),
    path("<int:pk>/qr/<int:unit>.svg", views.campaign_qr, name="campaign_qr"),
    path("<int:pk>/sheets/", views.campaign_sheets, name="campaign_sheets"),
    path("<int:pk>/units/", views.campaign_add_units, name="campaign_add_units"),
    path("<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("", include("qingfeng.surveys.urls_feedback")),
]
