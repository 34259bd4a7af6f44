from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The analytical pages: overview, portraits, comparisons, problems, query, exports."""

    name = "qingfeng.dashboard"
    verbose_name = _("Analysis")
