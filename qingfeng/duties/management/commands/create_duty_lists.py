"""``manage.py create_duty_lists --region CODE --year YYYY``: the missing draft duty lists
of the year for every subject of the region's subtree (``duties.bulk``), printing what was
created. Running it again creates nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from qingfeng.duties.bulk import duty_lists_for_region
from qingfeng.lib.commands import text_table
from qingfeng.org.models import Region


class Command(BaseCommand):
    help = "Create the missing duty lists of a year for every subject of a region."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="region code")
        parser.add_argument("--year", required=True, type=int, help="the lists' year")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(_("No region with code %(code)s.") % {"code": options["region"]})
            year = options["year"]
            if not 2000 <= year <= 2100:
                raise CommandError(_("The year must lie between 2000 and 2100."))
            counts = duty_lists_for_region(region=region, year=year, actor=None)
            rows = [
                [_("Lists"), str(counts.lists)],
                [_("Tasks"), str(counts.tasks)],
                [_("Due dates"), str(counts.dues)],
            ]
            self.stdout.write(text_table([[_("Created"), _("Count")], *rows], right={1}))
            if not counts.lists:
                self.stdout.write(
                    _("Every subject of the region already has a list for %(year)s.")
                    % {"year": year}
                )
