"""URLs of the problem ledger: the ledger, a problem and its moves, entering a problem,
evidence, a liaison's problems, and campaigns."""

from django.urls import URLPattern, URLResolver, include, path

from qingfeng.rectification import views, views_campaigns

app_name = "rectification"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("qingfeng.rectification.urls_io")),
    path("", views.ledger, name="ledger"),
    path("new/", views.problem_new, name="problem_new"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.problem_detail, name="problem_detail"),
    path("<int:pk>/<slug:action>/", views.problem_act, name="problem_act"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("campaigns/", views_campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", views_campaigns.campaign_new, name="campaign_new"),
    path("campaigns/attach/", views_campaigns.campaign_attach_view, name="campaign_attach"),
    path("campaigns/<int:pk>/", views_campaigns.campaign_detail, name="campaign_detail"),
]
