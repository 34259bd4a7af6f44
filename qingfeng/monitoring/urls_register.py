"""URLs of the warning register: the page and its .xlsx export."""

from django.urls import URLPattern, path

from qingfeng.monitoring import views_register

urlpatterns: list[URLPattern] = [
    path("", views_register.register, name="register"),
    path("register.xlsx", views_register.register_xlsx, name="register_xlsx"),
]
