"""URLs of the API token pages (the API itself is in qingfeng.api.api)."""

from django.urls import path

from qingfeng.api import views

app_name = "api"
urlpatterns = [
    path("", views.token_list, name="token_list"),
    path("issue/", views.token_issue_view, name="token_issue"),
    path("<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
]
