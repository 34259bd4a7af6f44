"""The surveys app's pages for the commission and analysts (namespace ``surveys``); each
instrument keeps its own URL module. The public pages are in ``urls_public``."""

from django.urls import include, path

app_name = "surveys"

urlpatterns = [
    path("questionnaires/", include("qingfeng.surveys.urls_questionnaires")),
    path("campaigns/", include("qingfeng.surveys.urls_campaigns")),
    path("appraisals/", include("qingfeng.surveys.urls_appraisals")),
    path("cross/", include("qingfeng.surveys.urls_cross")),
]
