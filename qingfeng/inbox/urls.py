"""URLs of the inbox."""

from django.urls import path

from qingfeng.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.notice_read, name="notice_read"),
    path("read-all/", views.notice_read_all, name="notice_read_all"),
]
