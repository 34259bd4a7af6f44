"""The cross pages (``surveys:cross_*``)."""

from django.urls import path

from qingfeng.surveys import views_cross as views

urlpatterns = [
    path("", views.cross_list, name="cross_list"),
]
