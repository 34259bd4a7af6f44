"""``manage.py close_campaign CODE [--user NAME]``: close an instrument by its code into
records, exactly as its page's close button does, and print what was written.

Idempotent: closing a closed campaign writes nothing and says so (exit 0), so the
command can run twice (e.g. from a schedule). A refusal (unknown code, not in the user's
scope, the collection period closed) exits non-zero with the reason and changes nothing.

A code names a survey campaign, a democratic evaluation or a cross evaluation (codes are
unique per kind; the kinds are tried in that order): ``close_by_code`` is the one place
that looks each kind up in the user's scope and calls its close service.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from qingfeng.accounts.selectors import command_user
from qingfeng.surveys import selectors, services_appraisals, services_campaigns, services_cross


def close_by_code(code: str, *, user: Any) -> str:
    """Close the instrument ``code`` that ``user`` runs (``user`` None: the command's
    stand-in, any region) and say what was written. CommandError when there is none or
    the close is refused."""
    actor = user if user.pk is not None else None
    campaigns = selectors.campaigns_for(user, manage=True)
    campaign = campaigns.filter(code=code).first()
    if campaign is not None:
        result = services_campaigns.campaign_close(campaign=campaign, actor=actor)
        return result.summary(campaign)
    appraisal = selectors.appraisals_for(user, manage=True).filter(code=code).first()
    if appraisal is not None:
        fed = services_appraisals.appraisal_close(appraisal=appraisal, actor=actor)
        valued = fed.created + fed.updated + fed.unchanged
        return services_campaigns.CloseResult(feed=fed, units_valued=valued).summary(appraisal)
    evaluation = selectors.cross_evaluations_for(user, manage=True).filter(code=code).first()
    if evaluation is not None:
        if not evaluation.is_open:
            return services_campaigns.CloseResult(already_closed=True).summary(evaluation)
        fed = services_cross.cross_close(evaluation=evaluation, actor=actor)
        valued = fed.created + fed.updated + fed.unchanged
        return services_campaigns.CloseResult(feed=fed, units_valued=valued).summary(evaluation)
    raise CommandError(_("No instrument with code %(code)s that you run.") % {"code": code})


class Command(BaseCommand):
    help = (
        "Close a survey campaign (or a democratic or cross evaluation) by its code: each "
        "unit's value becomes its record."
    )

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
