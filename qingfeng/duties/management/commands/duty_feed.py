"""``manage.py duty_feed --framework CODE --period P`` (one period) or ``duty_feed
--ended`` (daily, from cron next to ``feed_ledger --ended``): write the fulfilment-fed
rate records and recompute the scores (docs/duties-boards.md)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingfeng.duties.feed import duty_feed_ended, feed_duties
from qingfeng.framework.models import Framework
from qingfeng.lib.commands import by_code
from qingfeng.lib.periods import Period
from qingfeng.rectification.feedback import FeedResult


class Command(BaseCommand):
    help = (
        "Feed the indicators fed by fulfilment: rate records of duty tasks done on time "
        "over tasks due, per unit, for an ended period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", default="", help="Code of the framework.")
        parser.add_argument("--period", default="", help="The ended period, e.g. 2026Q3.")
        parser.add_argument(
            "--ended",
            action="store_true",
            help="Every framework with fed indicators, each period ended in the last year.",
        )
        parser.add_argument(
            "--closed",
            action="store_true",
            help="Also feed a period whose collection is closed (changes its closed scores).",
        )
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, default=None, help="Pretend today."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["ended"]:
                for run in duty_feed_ended(today=options["today"]):
                    self._report(f"{run.framework} {run.period}", run.result)
                return
            if not options["framework"] or not options["period"]:
                raise CommandError(_("Give --framework and --period, or --ended."))
            framework = by_code(
                Framework.objects.all(), options["framework"], _('Unknown framework "%(code)s".')
            )
            try:
                period = Period.parse(options["period"])
            except ValueError as error:
                raise CommandError(str(error)) from error
            result = feed_duties(
                framework=framework,
                period=period,
                today=options["today"],
                allow_closed=options["closed"],
            )
            self._report(f"{framework.code} {period}", result)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error

    def _report(self, what: str, result: FeedResult) -> None:
        self.stdout.write(
            _(
                "%(what)s: %(created)d records created, %(updated)d updated, %(deleted)d "
                "deleted, %(unchanged)d unchanged."
            )
            % {
                "what": what,
                "created": result.created,
                "updated": result.updated,
                "deleted": result.deleted,
                "unchanged": result.unchanged,
            }
        )
        for note in result.notes:
            self.stdout.write(note)
