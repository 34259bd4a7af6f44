"""``manage.py close_campaign CODE [--user NAME]``: close an instrument by its code into
records, exactly as its page's close button does, and print what was written.

Idempotent: closing a closed campaign writes nothing and says so (exit 0), so the
command can run twice (e.g. from a schedule). A refusal (unknown code, not in the user's
scope, the collection period closed) exits non-zero with the reason and changes nothing.

Today the codes are the survey campaigns'; ``close_by_code`` is the one place where
appraisals and cross evaluations will be looked up too (each kind: its queryset of the
user's scope and its close service).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from qingfeng.accounts.selectors import command_user
from qingfeng.surveys import selectors, services_campaigns


def close_by_code(code: str, *, user: Any) -> str:
    """Close the instrument ``code`` that ``user`` runs (``user`` None: the command's
    stand-in, any region) and say what was written. CommandError when there is none or
    the close is refused."""
    campaigns = selectors.campaigns_for(user, manage=True)
    campaign = campaigns.filter(code=code).first()
    if campaign is not None:
        result = services_campaigns.campaign_close(
            campaign=campaign, actor=user if user.pk is not None else None
        )
        return result.summary(campaign)
    raise CommandError(_("No instrument with code %(code)s that you run.") % {"code": code})


class Command(BaseCommand):
    help = "Close a survey campaign by its code: each unit's mean score becomes its record."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the campaign's code, e.g. SV-2026Q3")
        parser.add_argument("--user", default="", help="close as this user (their scope)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            user = command_user(options["user"], stand_in="close_campaign")
            if user is None:
                raise CommandError(_("No user %(name)s.") % {"name": options["user"]})
            try:
                summary = close_by_code(options["code"], user=user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(summary)
