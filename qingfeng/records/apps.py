from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """Data collection: the records that move scores."""

    name = "qingfeng.records"
    verbose_name = _("Records")
