"""Notices in a user's inbox.

A notice addressed to a unit is delivered when it is sent: ``inbox.services.notify`` writes
one row per user acting for the unit (its liaisons and its principal leader's account),
each with ``unit`` set. So "read" is per user and the inbox and its unread count are one
indexed query on the recipient, whatever the number of units.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    INFO = "info", _("information")
    REMINDER = "reminder", _("reminder")
    NOTICE = "notice", _("notice")
    COPY = "copy", _("copy for the leader in charge")


class Notice(models.Model):
    """One notice in one user's inbox: a title, a body, a link to act on, maybe a due date.

    ``key`` makes a sender idempotent: a notice with the key of one already in the same
    inbox is not added again (reminders sent by a daily command use it).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("addressed to unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=NoticeKind.choices, default=NoticeKind.INFO
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    due = models.DateField(_("due date"), null=True, blank=True)
    key = models.CharField(_("key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notice_key_unique_per_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
