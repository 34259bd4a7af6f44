from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Questionnaires answered by QR code, democratic evaluation (民主测评) and cross
    evaluation, written into the scores as records when they close."""

    name = "qingfeng.surveys"
    verbose_name = _("Surveys and evaluations")
