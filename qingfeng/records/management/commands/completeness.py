"""``manage.py completeness --framework CODE --period P [--format table|json] [--user NAME]``:
print the completeness board of one collection period (``records.completeness_board``):
per data station its cells, reported, nil, pending, missing, missing share and whether it
is late; JSON adds each indicator with its missing unit codes. Without ``--user`` every
station and unit counts (as an administrator of the whole installation sees them)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qingfeng.accounts.selectors import command_user
from qingfeng.framework.models import Framework
from qingfeng.lib.commands import text_table
from qingfeng.lib.periods import Period
from qingfeng.records.completeness_board import completeness_json, period_completeness


class Command(BaseCommand):
    help = "Print the completeness board of a collection period (table or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="framework code, e.g. LK")
        parser.add_argument("--period", required=True, help="a collection period, e.g. 2026Q3")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--user", default="", help="count only what this user sees")

    def handle(self, *args: Any, **options: Any) -> None:
        framework = Framework.objects.filter(code=options["framework"]).first()
        if framework is None:
            raise CommandError(_("No framework %(code)s.") % {"code": options["framework"]})
        try:
            period = Period.parse(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        user = _user(options["user"])
        found = period_completeness(
            user=user, framework=framework, period=period, with_units=options["format"] == "json"
        )
        if found is None:
            raise CommandError(
                _("%(framework)s has no collection period %(period)s.")
                % {"framework": framework.code, "period": period}
            )
        if options["format"] == "json":
            self.stdout.write(json.dumps(completeness_json(found), ensure_ascii=False, indent=2))
            return
        header = [
            pgettext("completeness", "station"),
            _("name"),
            pgettext("completeness", "cells"),
            pgettext("completeness", "reported"),
            pgettext("completeness", "nil"),
            pgettext("completeness", "pending"),
            pgettext("completeness", "missing"),
            pgettext("completeness", "missing share"),
            pgettext("completeness", "late"),
        ]
        rows = [
            [
                row.station.code,
                row.station.name,
                *(
                    str(value)
                    for value in (
                        row.counts.cells,
                        row.counts.reported,
                        row.counts.nil,
                        row.counts.pending,
                        row.counts.missing,
                    )
                ),
                f"{row.counts.missing_share:.1%}" if row.counts.missing_share is not None else "",
                _("yes") if row.late else "",
            ]
            for row in found.stations
        ]
        self.stdout.write(text_table([header, *rows], right=range(2, 8)))


def _user(username: str) -> Any:
    """The user named, or an unsaved administrator of the whole installation."""
    found = command_user(username, stand_in="completeness")
    if found is None:
        raise CommandError(_("No user %(name)s.") % {"name": username})
    return found
