"""``manage.py import_questionnaire FILE [--region CODE] [--publish]``: import a
questionnaire file (docs/surveys-questionnaires.md).

All or nothing, without a scope limit (the command line acts as the installation). A new
questionnaire goes to ``--region``, or without it to the installation's only top-level
region. On any problem every issue is printed, one per line, nothing is stored, and the
exit status is 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from qingfeng.lib.commands import ImportCommand, by_code, read_input
from qingfeng.org.models import Region
from qingfeng.surveys.questionnaire_io import QuestionnaireImportResult, questionnaire_import


class Command(ImportCommand):
    help = (
        "Import a questionnaire from a YAML or .xlsx file (docs/surveys-questionnaires.md) "
        "as a draft version. All or nothing."
    )

    def add_options(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region",
            metavar="CODE",
            help=(
                "The region a new questionnaire belongs to (default: the installation's "
                "only top-level region)."
            ),
        )
        parser.add_argument("--publish", action="store_true", help="Publish the imported version.")

    def run(self, path: Path, options: dict[str, Any]) -> QuestionnaireImportResult:
        region = None
        if options["region"]:
            region = by_code(
                Region.objects.all(), options["region"], _('Unknown region "%(code)s".')
            )
        return questionnaire_import(
            data=read_input(path),
            filename=path.name,
            actor=None,
            region=region,
            publish=options["publish"],
        )
