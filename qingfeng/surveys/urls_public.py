"""The public pages of the surveys (namespace ``answer``), reached by QR code or link
without logging in: a campaign's questionnaire ``/s/<token>/``, a democratic evaluation's
slip ``/s/p/<code>/`` and a cross evaluation's rating table ``/s/r/<token>/``. Each answers
404 for an unknown or closed link and shows nothing but its own form."""

from django.urls import include, path

app_name = "answer"

urlpatterns = [
    path("p/", include("qingfeng.surveys.urls_public_slips")),
    path("r/", include("qingfeng.surveys.urls_public_raters")),
    path("", include("qingfeng.surveys.urls_public_survey")),
]
