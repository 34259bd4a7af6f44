"""URL map: each app owns its own urls module."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from qingfeng.api.api import api
from qingfeng.lib.periods import PeriodConverter

# Before the apps' urls modules are included: they use ``<period:period>``.
register_converter(PeriodConverter, "period")


class FaviconRedirect(RedirectView):
    """``/favicon.ico``, which browsers ask for on their own, answered with our icon
    (``static/favicon.svg``; the pages link it too). Resolved per request: the static
    URL carries the manifest's hash in production."""

    permanent = True

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
    path("", include("qingfeng.core.urls")),
    path("org/", include("qingfeng.org.urls")),
    path("accounts/", include("qingfeng.accounts.urls")),
    path("frameworks/", include("qingfeng.framework.urls")),
    path("scores/", include("qingfeng.scoring.urls")),
    path("analysis/", include("qingfeng.dashboard.urls")),
    path("records/", include("qingfeng.records.urls")),
    path("inbox/", include("qingfeng.inbox.urls")),
    path("warnings/", include("qingfeng.monitoring.urls")),
    path("problems/", include("qingfeng.rectification.urls")),
    path("duties/", include("qingfeng.duties.urls")),
    path("documents/", include("qingfeng.documents.urls")),
    path("reports/", include("qingfeng.reports.urls")),
    path("surveys/", include("qingfeng.surveys.urls")),
    # The public pages of the surveys' links (QR codes): no login, short for the codes.
    path("s/", include("qingfeng.surveys.urls_public")),
    path("api-tokens/", include("qingfeng.api.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Styled, translated error pages (qingfeng/core/errors.py); settings.CSRF_FAILURE_VIEW too.
handler400 = "qingfeng.core.errors.bad_request"
handler403 = "qingfeng.core.errors.permission_denied"
handler404 = "qingfeng.core.errors.page_not_found"
handler500 = "qingfeng.core.errors.server_error"
