from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """Score snapshots: the engine's results stored per version, unit and period."""

    name = "qingfeng.scoring"
    verbose_name = _("Scoring")
