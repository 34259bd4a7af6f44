"""``manage.py send_reminders``: the daily reminders of deadlines (run it from cron or a
systemd timer, see docs/deploy.md)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from qingfeng.records.reminders import send_reminders


class Command(BaseCommand):
    help = "Add inbox reminders for collection periods ending or ended and returned records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Pretend today is this date (YYYY-MM-DD), e.g. to test.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = send_reminders(today=options["today"])
        self.stdout.write(
            _(
                "%(total)d reminders added: %(ending)d periods ending, %(ended)d ended, "
                "%(returned)d returned records."
            )
            % {
                "total": counts.total,
                "ending": counts.period_ending,
                "ended": counts.period_ended,
                "returned": counts.returned,
            }
        )
