"""URLs of the warning register and the responses, one module per feature."""

from django.urls import include, path

app_name = "monitoring"
urlpatterns = [
    path("", include("qingfeng.monitoring.urls_register")),
    path("", include("qingfeng.monitoring.urls_responses")),
]
