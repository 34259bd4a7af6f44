"""``manage.py sync_warnings --framework CODE (--period P | --all)``: make the warning
register of a period (or of every scored period of the framework) match its stored
scores. Every recompute already syncs its period; run it from cron after a policy change
or once after an upgrade (see docs/warnings.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.lib.commands import by_code
from qingfeng.lib.periods import Period, period_label
from qingfeng.monitoring.services import warnings_sync
from qingfeng.scoring.selectors import scored_periods


class Command(BaseCommand):
    help = "Sync the warning register of a framework's period with its stored scores."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="framework code, e.g. LK")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--period", help="2025, 2025H1 or 2025Q3")
        which.add_argument(
            "--all", action="store_true", help="every scored period of the framework"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        framework = by_code(
            Framework.objects.all(),
            options["framework"],
            _('Unknown framework "%(code)s".'),
        )
        if options["all"]:
            periods = [Period.parse(text) for text in reversed(scored_periods(framework))]
        else:
            try:
                periods = [Period.read(options["period"])]
            except ValueError as error:
                raise CommandError(str(error)) from error
        for period in periods:
            result = warnings_sync(framework=framework, period=period)
            label = period_label(period)
            if not result.synced:
                self.stdout.write(
                    _("%(framework)s %(period)s: not synced, %(reason)s.")
                    % {"framework": framework.code, "period": label, "reason": result.reason}
                )
                continue
            self.stdout.write(
                _(
                    "%(framework)s %(period)s: %(created)d warnings raised, %(updated)d "
                    "updated (%(reactivated)d raised again), %(cleared)d cleared, "
                    "%(unchanged)d unchanged."
                )
                % {
                    "framework": framework.code,
                    "period": label,
                    "created": result.created,
                    "updated": result.updated,
                    "reactivated": result.reactivated,
                    "cleared": result.cleared,
                    "unchanged": result.unchanged,
                }
            )
