"""``manage.py seed_demo``: fill an empty database with the demo organisation.

The work is in ``qingfeng.demo.org``; this command parses options, guards against
overwriting data, and reports.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.demo import org as demo
from qingfeng.demo import reset as demo_reset


class Command(BaseCommand):
    help = (
        "Create the demo organisation (regions, units, leaders, discipline groups, data "
        "stations) and one demo account per role. Deterministic for a given --seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help="Random seed (default 2026)."
        )
        parser.add_argument(
            "--scale",
            choices=demo.SCALES,
            default="county",
            help="county: 黎城县 (default); city: 长治市, 12 counties; province: 山西省, 117.",
        )
        parser.add_argument(
            "--password",
            default=demo.DEFAULT_PASSWORD,
            help="Password of every demo account (default qingfeng-demo-2026).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete ALL organisation data and the demo accounts first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            if demo_reset.has_org_data():
                if not options["reset"]:
                    self.stdout.write(
                        self.style.WARNING(
                            _(
                                "The database already has units or demo accounts; nothing "
                                "was changed. Run again with --reset to delete the "
                                "organisation data and the demo accounts and seed afresh."
                            )
                        )
                    )
                    return
                self.stdout.write(_("Deleting the organisation data and the demo accounts…"))
                demo_reset.reset_demo()
            counts = demo.seed_demo(
                seed=options["seed"],
                scale=options["scale"],
                password=options["password"],
                log=self.stdout.write,
            )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            _(
                "Regions: %(regions)d · units: %(units)d (%(active_units)d active, "
                "%(townships)d townships) · people: %(people)d · posts: %(current_posts)d "
                "current, %(past_posts)d past · discipline groups: %(discipline_groups)d · "
                "data stations: %(stations)d · demo accounts: %(accounts)d"
            )
            % counts
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Done in %(seconds).1f s (scale %(scale)s, seed %(seed)d).")
                % {"seconds": elapsed, "scale": options["scale"], "seed": options["seed"]}
            )
        )
