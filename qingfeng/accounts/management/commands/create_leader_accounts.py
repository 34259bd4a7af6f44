"""``manage.py create_leader_accounts [--region CODE]``: a leader account for every
current post holder (in the region's subtree) who has none, printing the sheet of user
names and first-login passwords (``accounts.leader_accounts``). Running it again creates
only the accounts still missing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from qingfeng.accounts.leader_accounts import (
    leader_accounts_create,
    leader_accounts_headers,
    leader_accounts_rows,
)
from qingfeng.lib.commands import text_table
from qingfeng.org.models import Region, Unit


class Command(BaseCommand):
    help = "Create a leader account for every current post holder who has none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="region code (default: every region)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            units = Unit.objects.all()
            if options["region"]:
                region = Region.objects.filter(code=options["region"]).first()
                if region is None:
                    raise CommandError(
                        _("No region with code %(code)s.") % {"code": options["region"]}
                    )
                units = units.within(region)
            created = leader_accounts_create(actor=None, units=units)
            if not created:
                self.stdout.write(_("Every current post holder already has an account."))
                return
            self.stdout.write(
                text_table([leader_accounts_headers(), *leader_accounts_rows(created)])
            )
            self.stdout.write(
                _("%(count)d accounts created; each must change its password at the first login.")
                % {"count": len(created)}
            )
