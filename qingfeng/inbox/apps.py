from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """Every user's inbox of notices (reminders, notices to units, copies to leaders)."""

    name = "qingfeng.inbox"
    verbose_name = _("Inbox")
