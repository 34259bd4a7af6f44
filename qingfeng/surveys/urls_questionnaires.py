"""The questionnaires' pages (``surveys:questionnaire_*``)."""

from django.urls import path

from qingfeng.surveys import views_questionnaires as views

urlpatterns = [
    path("", views.questionnaire_list, name="questionnaire_list"),
    path("new/", views.questionnaire_create, name="questionnaire_create"),
    path("import/", views.questionnaire_import_page, name="questionnaire_import"),
    path("template.xlsx", views.questionnaire_template, name="questionnaire_template"),
    path("<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("<int:pk>/new-version/", views.version_new, name="questionnaire_version_new"),
    path("versions/<int:pk>/", views.version_detail, name="questionnaire_version"),
    path("versions/<int:pk>/edit/", views.version_edit, name="questionnaire_version_edit"),
    path("versions/<int:pk>/publish/", views.version_publish, name="questionnaire_publish"),
    path(
        "versions/<int:pk>/export/<str:fmt>/",
        views.version_export,
        name="questionnaire_export",
    ),
    path("versions/<int:pk>/questions/new/", views.question_add, name="questionnaire_question_add"),
    path("questions/<int:pk>/edit/", views.question_edit, name="questionnaire_question_edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="questionnaire_question_delete"),
    path(
        "questions/<int:pk>/move/<str:direction>/",
        views.question_move,
        name="questionnaire_question_move",
    ),
]
