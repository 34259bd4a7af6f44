"""``manage.py rebuild_problem_tallies [--framework CODE]``: recount the problem tallies
(``records.tallies``) of every framework, or of one, from the approved records. Run it
after an upgrade that adds the tallies, after publishing a version that changes deduct or
veto leaves, or whenever records were changed outside the services."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qingfeng.framework.models import Framework
from qingfeng.records.tallies import problem_tallies_rebuild


class Command(BaseCommand):
    help = "Recount the problem tallies of the problem analysis from the approved records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", default="", help="only this framework (its code)")

    def handle(self, *args: Any, **options: Any) -> None:
        frameworks = Framework.objects.order_by("code")
        if options["framework"]:
            frameworks = frameworks.filter(code=options["framework"])
            if not frameworks.exists():
                raise CommandError(_("No framework %(code)s.") % {"code": options["framework"]})
        for framework in frameworks:
            months = problem_tallies_rebuild(framework=framework)
            self.stdout.write(
                _("%(code)s: %(months)d months counted.")
                % {"code": framework.code, "months": months}
            )
