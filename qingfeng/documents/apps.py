from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Word documents issued by the commission: editable templates, numbers (文号)
    without gaps per kind and year, and the issued files, kept frozen."""

    name = "qingfeng.documents"
    verbose_name = _("Documents")
