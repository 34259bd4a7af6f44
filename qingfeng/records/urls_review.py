"""URLs of the records pages: review queue, collection periods, station workload and
completeness."""

from django.urls import URLPattern, path

from qingfeng.records import views_completeness, views_periods, views_review, views_workload

urlpatterns: list[URLPattern] = [
    path("review/", views_review.review_queue, name="review"),
    path("review/approve/", views_review.review_approve, name="review_approve"),
    path("review/<int:pk>/return/", views_review.review_return, name="review_return"),
    path("periods/", views_periods.period_list, name="period_list"),
    path("periods/<int:pk>/close/", views_periods.period_close_view, name="period_close"),
    path("periods/<int:pk>/reopen/", views_periods.period_reopen_view, name="period_reopen"),
    path(
        "periods/<int:pk>/deadlines/",
        views_periods.period_deadlines_view,
        name="period_deadlines",
    ),
    path(
        "periods/defaults/<str:code>/",
        views_periods.framework_deadline_days_view,
        name="period_defaults",
    ),
    path("workload/", views_workload.workload, name="workload"),
    path("completeness/", views_completeness.completeness, name="completeness"),
    path(
        "completeness/<str:code>/<period:period>/<int:station>/",
        views_completeness.completeness_station,
        name="completeness_station",
    ),
]
