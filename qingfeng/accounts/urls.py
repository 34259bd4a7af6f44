"""URLs of the accounts app."""

from django.urls import path

from qingfeng.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("password/", views.password_change, name="password_change"),
    path("leaders/", views.leader_accounts, name="leader_accounts"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
]
