"""URLs of the responses to warnings and of the warning policy (the responses ladder)."""

from django.urls import path

from qingfeng.monitoring import views_policy, views_responses

urlpatterns = [
    path("<int:pk>/", views_responses.warning_detail, name="warning"),
    path("<int:pk>/respond/", views_responses.warning_respond, name="warning_respond"),
    path("<int:pk>/talk/", views_responses.warning_talk, name="warning_talk"),
    path(
        "responses/<int:pk>/attachment/",
        views_responses.talk_attachment,
        name="talk_attachment",
    ),
    path("responses/issue/", views_responses.responses_issue_view, name="responses_issue"),
    path("policy/<int:version>/", views_policy.policy_edit, name="policy"),
]
