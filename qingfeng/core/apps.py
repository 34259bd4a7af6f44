from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared pages (home, history) and the base layout."""

    name = "qingfeng.core"
    verbose_name = _("Core")
