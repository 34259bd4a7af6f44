"""URLs of the core app."""

from django.urls import path

from qingfeng.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("history/<slug:kind>/<int:pk>/", views.history, name="history"),
]
