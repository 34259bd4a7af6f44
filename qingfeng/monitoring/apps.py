from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """The warning register and the responses to warnings (talks, notices,
    recommendations, accountability reviews)."""

    name = "qingfeng.monitoring"
    verbose_name = _("Warnings and responses")
