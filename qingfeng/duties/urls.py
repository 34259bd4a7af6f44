"""URLs of the two-responsibilities platform, by part: duty lists, checks and the
configuration (``urls_lists``); fulfilment records and reports (``urls_fulfil``); the light
boards (``urls_boards``); the leader's file (``urls_file``)."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "duties"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("qingfeng.duties.urls_lists")),
    path("", include("qingfeng.duties.urls_fulfil")),
    path("", include("qingfeng.duties.urls_boards")),
    path("", include("qingfeng.duties.urls_file")),
]
