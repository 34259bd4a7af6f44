"""URLs of the two-responsibilities platform: the lists part (see ``duties.urls``): the
lists and their endorsement, quarterly checks and accountability, building lists for a
region and the configuration."""

from django.urls import URLPattern, URLResolver, path

from qingfeng.duties import views_lists, views_lists_checks, views_lists_config

urlpatterns: list[URLPattern | URLResolver] = [
    path("lists/", views_lists.list_index, name="list_index"),
    path("lists/<int:pk>/", views_lists.list_detail, name="list_detail"),
    path("lists/<int:pk>/tasks/new/", views_lists.task_new, name="list_task_new"),
    path("lists/tasks/<int:pk>/", views_lists.task_edit, name="list_task_edit"),
    path("lists/tasks/<int:pk>/delete/", views_lists.task_delete, name="list_task_delete"),
    path("lists/<int:pk>/confirm/", views_lists.list_confirm, name="list_confirm"),
    path("lists/<int:pk>/endorse/", views_lists.list_endorse, name="list_endorse"),
    path("lists/<int:pk>/reopen/", views_lists.list_reopen, name="list_reopen"),
    path("lists/<int:pk>/check/", views_lists_checks.check_new, name="list_check_new"),
    path("lists/<int:pk>/step/", views_lists_checks.step_new, name="list_step_new"),
    path(
        "lists/steps/<int:pk>/document/",
        views_lists_checks.step_document,
        name="list_step_document",
    ),
    path("lists/checks/", views_lists_checks.checks_overview, name="lists_checks"),
    path("lists/checks/stats/", views_lists_checks.stats, name="lists_stats"),
    path("lists/checks/stats.xlsx", views_lists_checks.stats_xlsx, name="lists_stats_xlsx"),
    path("lists/build/", views_lists_config.build, name="lists_build"),
    path("lists/config/", views_lists_config.config, name="lists_config"),
    path("lists/config/restore/", views_lists_config.config_restore, name="lists_config_restore"),
    path("lists/config/<str:what>/new/", views_lists_config.config_edit, name="lists_config_new"),
    path(
        "lists/config/<str:what>/<int:pk>/",
        views_lists_config.config_edit,
        name="lists_config_edit",
    ),
    path(
        "lists/config/<str:what>/<int:pk>/move/",
        views_lists_config.config_move,
        name="lists_config_move",
    ),
    path(
        "lists/config/<str:what>/<int:pk>/delete/",
        views_lists_config.config_delete,
        name="lists_config_delete",
    ),
]
