from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    """The problem ledger (问题台账): problems, their rectification steps and close-out,
    special campaigns, and the rectification rate fed back into the scores."""

    name = "qingfeng.rectification"
    verbose_name = _("Problem ledger")
