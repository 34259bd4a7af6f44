"""Reading and checking a problem ledger sheet (.xlsx or .csv): the first half of
``rectification.import_services.problems_import``.

The file is read with the shared readers (``qingfeng.lib.tabular``: size, sheet
dimensions, encodings, headers by code or Chinese name), every cell is converted on its
own and every row is checked against the organisation (the unit in the actor's and the
station's scope), the managed problem types and the campaigns. Every problem is an
``Issue`` located by row and column, in the user's language; only a file without any is
stored. The format is described in ``docs/ledger-import.md``.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first problem row 2.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

from qingfeng.accounts.roles import Capability
from qingfeng.accounts.selectors import station_units, visible_units
from qingfeng.lib.cells import ILLEGAL_CHARACTERS
from qingfeng.lib.periods import MAX_YEAR, MIN_YEAR
from qingfeng.lib.table_file import read_table_file
from qingfeng.lib.tabular import (
    BadValue,
    Issue,
    Issues,
    RawItem,
    bounded,
    loose_date,
    text,
    text_of,
)
from qingfeng.org.models import Station, Unit
from qingfeng.records.models import ProblemType
from qingfeng.rectification.models import Campaign, Problem, ProblemSource

if TYPE_CHECKING:
    from qingfeng.accounts.models import User

SHEET = "problems"
COLUMNS: tuple[str, ...] = (
    "unit",
    "source",
    "problem_type",
    "description",
    "responsible_person",
    "due",
    "external_id",
    "campaign",
)
REQUIRED: tuple[str, ...] = ("unit", "source", "description", "due")
# At most this many problems per file (``settings.PROBLEMS_IMPORT_MAX_ROWS`` overrides it):
# a county's yearly inspection and audit ledgers hold hundreds; each row is a few queries.
DEFAULT_MAX_ROWS = 5_000
DESCRIPTION_MAX = 2_000
# The sources a station enters (the others come from warnings and records).
ENTERED_SOURCES: tuple[str, ...] = (
    ProblemSource.INSPECTION,
    ProblemSource.AUDIT,
    ProblemSource.PETITION,
    ProblemSource.UNANNOUNCED,
    ProblemSource.SUPERVISION,
)
# The words a sheet says a source in (fixed Chinese words, part of the format).
SOURCE_WORDS: dict[str, str] = {
    "巡察": ProblemSource.INSPECTION,
    "审计": ProblemSource.AUDIT,
    "信访": ProblemSource.PETITION,
    "明察暗访": ProblemSource.UNANNOUNCED,
    "监督检查": ProblemSource.SUPERVISION,
}
_CHINESE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")


def max_rows() -> int:
    """The most problems one file may hold."""
    return int(getattr(settings, "PROBLEMS_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


@dataclass
class LedgerFile:
    """A file as read: its non-blank data rows (raw cells by column) or why it can't be."""

    rows: list[RawItem] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass
class ProblemRow:
    """One checked row, ready for ``problem_create``: the model's fields and its row."""

    row: int
    fields: dict[str, Any]


# ---------------------------------------------------------------------------------------
# Reading


def read_ledger_file(*, data: bytes, filename: str) -> LedgerFile:
    """Read a .xlsx or .csv ledger sheet (by the extension of ``filename``): the sheet
    named ``problems`` or 问题台账 if there is one, else the first. Row 1 names the
    columns in any order; unknown, duplicate or missing required columns stop the reading
    there. Blank rows are skipped but keep their numbers."""
    issues = Issues()
    result = LedgerFile(issues=issues.items)
    result.rows = read_table_file(
        data=data,
        filename=filename,
        issues=issues,
        sheet=SHEET,
        columns=COLUMNS,
        required=REQUIRED,
        limit=max_rows(),
        too_many=lambda limit: _("the file has more than %(max)s problems") % {"max": limit},
    )
    return result


# ---------------------------------------------------------------------------------------
# Cells


def source(value: Any) -> str | None:
    """A source in words (巡察, 审计, 信访, 明察暗访, 监督检查), as its code, or as the
    label the site shows."""
    written = text(value)
    if written is None:
        return None
    if written in SOURCE_WORDS:
        return SOURCE_WORDS[written]
    for code in ENTERED_SOURCES:
        if written.lower() == code or written == str(ProblemSource(code).label):
            return code
    raise BadValue(
        _('unknown source "%(value)s"; expected one of: %(choices)s')
        % {"value": written, "choices": "、".join(SOURCE_WORDS)}
    )


def deadline(value: Any) -> datetime.date | None:
    """A date cell, YYYY-MM-DD (or 2026/12/31, 2026.12.31) or 2026年12月31日."""
    if isinstance(value, str):
        match = _CHINESE_DATE.match(unicodedata.normalize("NFKC", value).strip())
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day)
            except ValueError:
                pass
            raise BadValue(_('expected a date as YYYY-MM-DD, got "%(value)s"') % {"value": value})
    return loose_date(value)


CONVERTERS = {
    "unit": text,
    "source": source,
    "problem_type": text_of(Problem, "problem_type"),
    "description": bounded(DESCRIPTION_MAX),
    "responsible_person": text_of(Problem, "responsible_person"),
    "due": deadline,
    "external_id": text_of(Problem, "external_id"),
    "campaign": text_of(Campaign, "name"),
}


# ---------------------------------------------------------------------------------------
# Rules


class LedgerChecker:
    """What a ledger row must meet: its unit in scope (the actor's units for entering
    problems and, with a station, the station's units), active; its problem type one of
    the managed list; its campaign one of the unit's region; its deadline a real year.
    Units, types and campaigns are loaded once."""

    def __init__(self, *, actor: User | None, station: Station | None) -> None:
        units = Unit.objects.filter(active=True)
        if actor is not None:
            units = units & visible_units(actor, Capability.ENTER_PROBLEMS)
        if station is not None:
            units = units & station_units(station)
        self._by_code: dict[str, Unit] = {}
        self._by_name: dict[str, list[Unit]] = {}
        self._units = units.select_related("region")
        self._loaded = False
        self._types: set[str] | None = None
        self._campaigns: list[Campaign] | None = None

    def _load(self) -> None:
        if self._loaded:
            return
        for unit in self._units:
            self._by_code[unit.code] = unit
            self._by_name.setdefault(unit.name, []).append(unit)
        self._loaded = True

    def unit(self, written: str) -> tuple[Unit | None, str]:
        """The unit a cell names, by code or else by its exact name; or why none."""
        self._load()
        if written in self._by_code:
            return self._by_code[written], ""
        named = self._by_name.get(written, [])
        if len(named) == 1:
            return named[0], ""
        if named:
            codes = "、".join(unit.code for unit in named)
            return None, _('several units are named "%(name)s"; write the code (%(codes)s)') % {
                "name": written,
                "codes": codes,
            }
        # A unit outside the scope is unknown, exactly like one that does not exist.
        return None, _('unknown unit "%(code)s"') % {"code": written}

    def problem_type(self, name: str) -> str:
        """ "" when ``name`` is a managed problem type, else the message."""
        if self._types is None:
            self._types = set(
                ProblemType.objects.filter(active=True).values_list("name", flat=True)
            )
        if name in self._types:
            return ""
        names = "、".join(sorted(self._types))
        return _('unknown problem type "%(name)s"; choose one of: %(names)s') % {
            "name": name,
            "names": names,
        }

    def campaign(self, name: str, unit: Unit | None) -> tuple[Campaign | None, str]:
        """The campaign of that name whose region holds the unit; or why none."""
        if self._campaigns is None:
            self._campaigns = list(Campaign.objects.select_related("region"))
        found = [
            campaign
            for campaign in self._campaigns
            if campaign.name == name and (unit is None or unit.is_within(campaign.region))
        ]
        if found:
            return found[0], ""  # the newest of a name used twice (newest first)
        return None, _('unknown special campaign "%(name)s"') % {"name": name}


def validate_rows(
    *, rows: list[RawItem], checker: LedgerChecker, issues: Issues
) -> list[ProblemRow]:
    """Convert and check every row; the problems to enter, or [] if any issue was added.
    Every problem of every row is added to ``issues``, in row order and, within a row, in
    column order. Two rows with the same external number are refused."""
    order = {name: index for index, name in enumerate(COLUMNS)}
    seen_numbers: dict[str, int] = {}
    checked: list[ProblemRow] = []
    for item in rows:
        fields: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for name, raw in item.values.items():
            if raw is None:
                continue
            try:
                value = CONVERTERS[name](raw)
            except BadValue as exc:
                problems.append((name, str(exc)))
                continue
            # Control characters (a .csv may hold them) would make the ledger unexportable.
            fields[name] = ILLEGAL_CHARACTERS.sub("", value) if isinstance(value, str) else value
        bad = {column for column, _message in problems}
        problems += [
            (name, _("this field is required"))
            for name in REQUIRED
            if fields.get(name) is None and name not in bad
        ]
        unit: Unit | None = None
        if fields.get("unit") is not None:
            unit, message = checker.unit(fields["unit"])
            if message:
                problems.append(("unit", message))
        if fields.get("problem_type"):
            message = checker.problem_type(fields["problem_type"])
            if message:
                problems.append(("problem_type", message))
        due = fields.get("due")
        if due is not None and not MIN_YEAR <= due.year <= MAX_YEAR:
            message = _("the date must lie between %(min)s and %(max)s")
            problems.append(("due", message % {"min": MIN_YEAR, "max": MAX_YEAR}))
        campaign: Campaign | None = None
        if fields.get("campaign"):
            campaign, message = checker.campaign(fields["campaign"], unit)
            if message:
                problems.append(("campaign", message))
        number = fields.get("external_id")
        if number:
            if number in seen_numbers:
                message = _("the same external number as row %(row)s") % {
                    "row": seen_numbers[number]
                }
                problems.append(("external_id", message))
            else:
                seen_numbers[number] = item.row
        if problems:
            problems.sort(key=lambda problem: order.get(problem[0], len(order)))
            for column, message in problems:
                issues.at(item.row, column, message)
            continue
        checked.append(
            ProblemRow(
                item.row,
                {
                    "unit": unit,
                    "source": fields["source"],
                    "problem_type": fields.get("problem_type") or "",
                    "description": fields["description"],
                    "responsible_person": fields.get("responsible_person") or "",
                    "due": fields["due"],
                    "external_id": number or "",
                    "campaign": campaign,
                },
            )
        )
    return [] if issues else checked
