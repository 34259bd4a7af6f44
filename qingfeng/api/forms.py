"""Form of the token pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingfeng.api.tokens import manageable_stations
from qingfeng.org.forms import BootstrapMixin
from qingfeng.org.models import Station


class TokenIssueForm(BootstrapMixin, forms.Form):
    """Issue a token for one of the stations the administrator manages."""

    station = forms.ModelChoiceField(queryset=Station.objects.none(), label=_("data station"))
    name = forms.CharField(label=_("name"), max_length=100, help_text=_("e.g. the sending system"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stations = self.fields["station"]
        assert isinstance(stations, forms.ModelChoiceField)
        stations.queryset = manageable_stations(user).order_by("code")
        self._style()
