"""URLs of the nil return pages (零报告): filing, the station's list, a nil return's page,
withdrawal, and the reviewer's queue with approve and return."""

from django.urls import URLPattern, path

from qingfeng.records import views_nil

urlpatterns: list[URLPattern] = [
    path("nil-returns/", views_nil.nil_list, name="nil_list"),
    path("nil-returns/new/", views_nil.nil_new, name="nil_new"),
    path("nil-returns/review/", views_nil.nil_review, name="nil_review"),
    path("nil-returns/review/approve/", views_nil.nil_approve, name="nil_approve"),
    path("nil-returns/<int:pk>/", views_nil.nil_detail, name="nil_detail"),
    path("nil-returns/<int:pk>/withdraw/", views_nil.nil_withdraw, name="nil_withdraw"),
    path("nil-returns/<int:pk>/return/", views_nil.nil_return_view, name="nil_return"),
]
