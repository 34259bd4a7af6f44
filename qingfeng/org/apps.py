from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """Regions, unit categories, units, people and posts, discipline groups, data stations."""

    name = "qingfeng.org"
    verbose_name = _("Organisation")
