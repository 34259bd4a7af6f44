"""The configuration of the feedback of fulfilment into scores (``duties.feed``): which
indicators of a framework are fed by the duty lists. Imported by ``duties.models``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DutyFeed(models.Model):
    """An indicator of a framework fed by fulfilment: at each period end, a ``rate``
    record per unit of the tasks done on time ÷ the tasks due in the period (the dues of
    the unit's lists of the kinds counted), stored through the records services. The
    indicator must be a ``rate`` leaf of the version in force for the period."""

    framework = models.ForeignKey(
        "framework.Framework",
        verbose_name=_("indicator framework"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    indicator_code = models.CharField(_("indicator"), max_length=32)
    # Which subject kinds' lists count (``SubjectKind`` values); empty: the unit's team,
    # principal and members (a discipline group's list is not a unit's).
    kinds = models.JSONField(_("subject kinds counted"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator fed by fulfilment")
        verbose_name_plural = _("indicators fed by fulfilment")
        constraints = [
            models.UniqueConstraint(fields=["framework", "indicator_code"], name="duty_feed_unique")
        ]

    def __str__(self) -> str:
        return self.indicator_code
