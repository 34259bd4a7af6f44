from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    """The two-responsibilities platform (两个责任): duty lists, fulfilment records, lights,
    personal reports, quarterly checks and accountability."""

    name = "qingfeng.duties"
    verbose_name = _("Two responsibilities")
