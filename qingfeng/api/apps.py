from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The HTTP API other systems (信访, 审计, 案管) use to push records and read scores."""

    name = "qingfeng.api"
    verbose_name = _("API")
