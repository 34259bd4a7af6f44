"""The command line of a rate feed (``feed_ledger``, ``duty_feed``): ``--framework CODE
--period P`` for one ended period, or ``--ended`` for the daily run (every framework with
fed indicators, each period ended in the last year), with ``--closed`` and ``--today``;
one line per framework and period saying what changed (``records.rate_feeds``)."""

from __future__ import annotations

import datetime
from abc import ABCMeta, abstractmethod
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.lib.commands import by_code
from qingfeng.lib.periods import Period
from qingfeng.records.rate_feeds import FeedResult, FeedRun


class FeedCommand(BaseCommand, metaclass=ABCMeta):
    """A feed's command: subclasses say how to feed one period and the daily run."""

    @abstractmethod
    def feed_period(
        self, *, framework: Framework, period: Period, today: datetime.date | None, closed: bool
    ) -> FeedResult:
        """Feed ``framework``'s ended ``period`` (``closed``: a closed period too)."""

    @abstractmethod
    def feed_ended(self, *, today: datetime.date | None) -> list[FeedRun]:
        """The daily run: every fed framework, each period ended in the last year."""

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
                for run in self.feed_ended(today=options["today"]):
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
            result = self.feed_period(
                framework=framework,
                period=period,
                today=options["today"],
                closed=options["closed"],
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
