from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The reports a commission makes from the scores: diagnosis, analysis, booklet,
    circular, feedback letters and filing list, generated, edited, issued, in batches."""

    name = "qingfeng.reports"
    verbose_name = _("Reports")
