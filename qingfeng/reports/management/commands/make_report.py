"""``manage.py make_report KIND --framework CODE --period P [--unit CODE] [--leader NAME]
--out FILE.docx``: one report written to a file, made exactly as the pages make it
(``reports.services.render_report``), stored nowhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from qingfeng.accounts.selectors import command_user
from qingfeng.framework.models import Framework
from qingfeng.lib.errors import NotFound, OutOfScope
from qingfeng.lib.periods import Period
from qingfeng.org.models import Person, Unit
from qingfeng.reports.kinds import KINDS, Subject
from qingfeng.reports.services import render_report


class Command(BaseCommand):
    help = "Write one report (a Word document) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS), help="the kind of report")
        parser.add_argument("--framework", required=True, help="framework code")
        parser.add_argument("--period", required=True, help="period, e.g. 2026H1")
        parser.add_argument("--unit", default="", help="unit code (the unit reports)")
        parser.add_argument(
            "--leader", default="", help="the leader in charge addressed (feedback_leader)"
        )
        parser.add_argument("--user", default="", help="make it with this user's scope")
        parser.add_argument("--text", default="", help="the analyst's own words")
        parser.add_argument("--out", required=True, help="the .docx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        user = command_user(options["user"], stand_in="make_report")
        if user is None:
            raise CommandError(_("No user %(name)s.") % {"name": options["user"]})
        framework = Framework.objects.filter(code=options["framework"]).first()
        if framework is None:
            raise CommandError(
                _("No framework with code %(code)s.") % {"code": options["framework"]}
            )
        try:
            period = Period.parse(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(_("No unit with code %(code)s.") % {"code": options["unit"]})
        person = None
        if options["leader"]:
            person = Person.objects.filter(name=options["leader"]).first()
            if person is None:
                raise CommandError(_("No leader named %(name)s.") % {"name": options["leader"]})
        subject = Subject(
            framework=framework, period=period, region=framework.region, unit=unit, person=person
        )
        try:
            built, content = render_report(
                kind=options["kind"], subject=subject, user=user, analyst_text=options["text"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except (NotFound, OutOfScope) as error:
            raise CommandError(_("Nothing of this to report in your scope.")) from error
        out = Path(options["out"])
        out.write_bytes(content)
        self.stdout.write(
            _("Wrote %(title)s to %(path)s (%(size)s KB).")
            % {"title": built.title, "path": out, "size": len(content) // 1024}
        )
