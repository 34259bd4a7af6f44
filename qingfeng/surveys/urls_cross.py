"""The cross evaluations' pages (``surveys:cross_*``)."""

from django.urls import path

from qingfeng.surveys import views_cross as views

urlpatterns = [
    path("", views.cross_list, name="cross_list"),
    path("new/", views.cross_new, name="cross_new"),
    path("<int:pk>/", views.cross_detail, name="cross_detail"),
    path("<int:pk>/results.xlsx", views.cross_results_xlsx, name="cross_results_xlsx"),
    path("<int:pk>/close/", views.cross_close_view, name="cross_close"),
    path("<int:pk>/raters/add/", views.cross_rater_add_view, name="cross_rater_add"),
    path("<int:pk>/raters/<int:rater>/", views.cross_rater_entry, name="cross_rater_entry"),
    path(
        "<int:pk>/raters/<int:rater>/remove/",
        views.cross_rater_remove_view,
        name="cross_rater_remove",
    ),
    path(
        "<int:pk>/raters/<int:rater>/table.xlsx",
        views.cross_rater_blank,
        name="cross_rater_blank",
    ),
]
