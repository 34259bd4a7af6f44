from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles, and the scopes over which roles are held."""

    name = "qingfeng.accounts"
    verbose_name = _("Accounts")
