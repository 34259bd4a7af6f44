from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworkConfig(AppConfig):
    """Indicator frameworks: versions, the indicator tree, rules, bands, components."""

    name = "qingfeng.framework"
    verbose_name = _("Indicator frameworks")
