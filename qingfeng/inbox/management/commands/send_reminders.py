"""``manage.py send_reminders``: the daily reminders of deadlines (run it from cron or a
systemd timer, see docs/deploy.md)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from qingfeng.duties.red_notices import duty_reminders
from qingfeng.monitoring.reminders import response_reminders
from qingfeng.records.reminders import send_reminders
from qingfeng.rectification.reminders import problem_reminders


class Command(BaseCommand):
    help = (
        "Add inbox reminders for entry and review deadlines, returned records, problem "
        "deadlines and answers to warnings; rescore the periods whose entry deadline passed."
    )

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
                "%(total)d reminders added: entry deadlines %(entry_due)d near, "
                "%(entry_overdue)d passed; review deadlines %(review_due)d near, "
                "%(review_overdue)d passed; %(returned)d returned records. Collection "
                "periods rescored after their entry deadline: %(rescored)d."
            )
            % {
                "total": counts.total,
                "entry_due": counts.entry_due,
                "entry_overdue": counts.entry_overdue,
                "review_due": counts.review_due,
                "review_overdue": counts.review_overdue,
                "returned": counts.returned,
                "rescored": counts.rescored,
            }
        )
        problems = problem_reminders(today=options["today"])
        responses = response_reminders(today=options["today"])
        self.stdout.write(
            _(
                "%(coming)d problem deadlines coming, %(passed)d passed; %(answers)d answers "
                "to warnings due soon, %(late)d late."
            )
            % {
                "coming": problems.coming,
                "passed": problems.passed,
                "answers": responses.coming,
                "late": responses.passed,
            }
        )
        duties = duty_reminders(today=options["today"])
        self.stdout.write(
            _("Duty tasks: %(red)d red-light notices, %(coming)d reminders of dues coming.")
            % {"red": duties.red, "coming": duties.coming}
        )
