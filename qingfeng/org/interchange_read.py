"""Reading organisation files (YAML or .xlsx) into checked rows.

The first half of an organisation import (``qingfeng.org.interchange``): the file is
parsed, every field is converted and checked on its own (types, choices, lengths, code
format, duplicates, unknown sheets and columns), and every problem is collected as a
``qingfeng.lib.tabular.Issue``. Checks that need the database or other rows live in
``interchange_check``. The format is described in ``docs/interchange-org.md``.

Rows are numbered as a spreadsheet shows them: the header is row 1 and the first item is
row 2. YAML items use the same numbers (item index + 2), so a file converted from one
format to the other reports the same rows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from qingfeng.lib.headers import code_of, sheet_label
from qingfeng.lib.tabular import (
    FILE,
    BadValue,
    Issue,
    Issues,
    RawItem,
    boolean,
    bounded,
    choice,
    date,
    read_header,
    read_items,
    read_xlsx,
    read_yaml,
    text,
    text_of,
    unknown_sheet,
    whole,
    within_size,
)
from qingfeng.org.models import (
    DisciplineGroup,
    Gender,
    InCharge,
    ManagedLevel,
    Person,
    Post,
    PostRole,
    Region,
    RegionLevel,
    Station,
    StationKind,
    Unit,
    UnitCategory,
    code_validator,
)

# Sheets (YAML top-level keys) in the order they are applied, and their columns (item keys)
# in the order they are written. The first columns of each are the public format of
# docs/design.md; the rest are Qingfeng's optional extensions.
SHEETS: tuple[str, ...] = (
    "regions",
    "categories",
    "units",
    "people",
    "stations",
    "discipline_groups",
    "in_charge",
)
# The optional sheet of leaders in charge has no code column: interchange_in_charge reads it.
UNCODED_SHEETS: tuple[str, ...] = ("in_charge",)
COLUMNS: dict[str, tuple[str, ...]] = {
    "regions": ("code", "name", "parent", "level", "commission"),
    "categories": ("code", "name"),
    "units": ("code", "name", "category", "region", "parent", "headcount", "active"),
    "people": (
        "code",
        "name",
        "unit",
        "post",
        "rank",
        "gender",
        "birth_year",
        "role",
        "managed_level",
        "start",
    ),
    "stations": ("code", "name", "kind", "region", "unit"),
    "discipline_groups": ("code", "name", "region", "units"),
    "in_charge": ("unit", "person", "kind", "title"),
}
MODELS: dict[str, type[Model]] = {
    "regions": Region,
    "categories": UnitCategory,
    "units": Unit,
    "people": Person,
    "stations": Station,
    "discipline_groups": DisciplineGroup,
    "in_charge": InCharge,
}
_LIST_SEPARATORS = re.compile(r"[,，、\s]+")
_MAX_INT = 2_147_483_647


def _zeros() -> dict[str, int]:
    # The optional uncoded sheets get their counts only when a file has them.
    return dict.fromkeys((s for s in SHEETS if s not in UNCODED_SHEETS), 0)


@dataclass
class ImportResult:
    """What an import did (or, with issues, why it did nothing): counts per sheet."""

    created: dict[str, int] = field(default_factory=_zeros)
    updated: dict[str, int] = field(default_factory=_zeros)
    unchanged: dict[str, int] = field(default_factory=_zeros)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file had no problem (and so was applied)."""
        return not self.issues

    def summary(self) -> str:
        """One line of counts per sheet, e.g. "units: 3 created, 1 updated, 0 unchanged"."""
        parts = [
            _("%(sheet)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
            % {
                "sheet": sheet_label(sheet),  # 单位 in Chinese: no code on the page
                "created": self.created.get(sheet, 0),
                "updated": self.updated.get(sheet, 0),
                "unchanged": self.unchanged.get(sheet, 0),
            }
            for sheet in SHEETS
            if self.created.get(sheet) or self.updated.get(sheet) or self.unchanged.get(sheet)
        ]
        return "; ".join(parts) if parts else _("nothing to import")


@dataclass
class Row:
    """One item after its fields were converted.

    ``fields`` holds only the fields the item gives (a missing YAML key or sheet column is
    absent; an empty value is ``None``). ``bad`` names the fields that failed conversion.
    """

    sheet: str
    row: int
    code: str
    fields: dict[str, Any]
    bad: set[str] = field(default_factory=set)

    def has(self, name: str) -> bool:
        """True if the item gives this field (even empty)."""
        return name in self.fields


# ---------------------------------------------------------------------------------------
# Parsing


def parse_file(data: bytes, filename: str, issues: Issues) -> dict[str, list[RawItem]]:
    """Parse a YAML or .xlsx file (by its extension) into raw items per sheet."""
    if not within_size(data, issues):
        return {}
    name = filename.lower()
    if name.endswith((".yaml", ".yml")):
        return _parse_yaml(data, issues)
    if name.endswith(".xlsx"):
        return _parse_xlsx(data, issues)
    issues.add(FILE, None, None, _("unsupported file type; use .yaml, .yml or .xlsx"))
    return {}


def _unknown_column(sheet: str, name: str) -> str:
    return _('unknown column "%(name)s"; expected one of: %(expected)s') % {
        "name": name,
        "expected": ", ".join(COLUMNS[sheet]),
    }


def _parse_yaml(data: bytes, issues: Issues) -> dict[str, list[RawItem]]:
    ok, document = read_yaml(data, issues)
    if not ok or document is None:
        return {}
    if not isinstance(document, dict):
        issues.add(FILE, None, None, _("the top level must be a mapping of sheets to lists"))
        return {}
    sheets: dict[str, list[RawItem]] = {}
    for key, items in document.items():
        sheet = str(key)
        if sheet not in COLUMNS:
            issues.add(sheet, None, None, unknown_sheet(sheet, SHEETS))
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            issues.add(sheet, None, None, _("expected a list of items"))
            continue
        raw: list[RawItem] = []
        for index, item in enumerate(items):
            row = index + 2
            if not isinstance(item, dict):
                issues.add(sheet, row, None, _("expected a mapping of fields"))
                continue
            values: dict[str, Any] = {}
            for column, value in item.items():
                column = str(column)
                if column not in COLUMNS[sheet]:
                    issues.add(sheet, row, column, _unknown_column(sheet, column))
                else:
                    values[column] = value
            raw.append(RawItem(row, values))
        sheets[sheet] = raw
    return sheets


def _parse_xlsx(data: bytes, issues: Issues) -> dict[str, list[RawItem]]:
    workbook = read_xlsx(data, issues)
    sheets: dict[str, list[RawItem]] = {}
    for title, rows in (workbook or {}).items():
        sheet = code_of(title, COLUMNS)  # the code or its Chinese name (lib.headers)
        if sheet not in COLUMNS:
            if rows:
                issues.add(title, None, None, unknown_sheet(title, SHEETS))
            continue
        if not rows:
            continue
        names = read_header(rows[0], sheet=sheet, columns=COLUMNS[sheet], issues=issues)
        sheets[sheet] = list(read_items(rows, names, sheet=sheet, issues=issues))
    return sheets


# ---------------------------------------------------------------------------------------
# Field conversion


Converter = Callable[[Any], Any]


def _code(value: Any) -> str | None:
    code = bounded(32)(value)
    if code is not None:
        try:
            code_validator(code)
        except ValidationError as exc:
            raise BadValue(
                _('invalid code "%(code)s": %(reason)s')
                % {"code": code, "reason": " ".join(exc.messages)}
            ) from exc
    return code


def _headcount(value: Any) -> int | None:
    try:
        number = whole(value)
    except ValueError:
        number = -1
    if number is not None and not 0 <= number <= _MAX_INT:
        raise BadValue(
            _('expected a whole number of 0 or more, got "%(value)s"') % {"value": value}
        )
    return number


def _year(value: Any) -> int | None:
    this_year = datetime.date.today().year
    try:
        number = whole(value)
    except ValueError:
        number = 0
    if number is not None and not 1900 <= number <= this_year:
        raise BadValue(
            _('expected a year between 1900 and %(max)s, got "%(value)s"')
            % {"max": this_year, "value": value}
        )
    return number


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        parts = [text(part) for part in value]
    elif isinstance(value, dict):
        raise BadValue(_("expected a list of codes"))
    else:
        parts = _LIST_SEPARATORS.split(text(value) or "")
    return list(dict.fromkeys(part for part in parts if part))


CONVERTERS: dict[str, dict[str, Converter]] = {
    "regions": {
        "name": text_of(Region, "name"),
        "parent": text,
        "level": choice(list(RegionLevel.values)),
        "commission": text_of(Region, "commission_name"),
    },
    "categories": {"name": text_of(UnitCategory, "name")},
    "units": {
        "name": text_of(Unit, "name"),
        "category": text,
        "region": text,
        "parent": text,
        "headcount": _headcount,
        "active": boolean,
    },
    "people": {
        "name": text_of(Person, "name"),
        "unit": text,
        "post": text_of(Post, "title"),
        "rank": text_of(Person, "rank"),
        "gender": choice(list(Gender.values), {"男": "M", "女": "F"}),
        "birth_year": _year,
        "role": choice(list(PostRole.values)),
        "managed_level": choice(list(ManagedLevel.values)),
        "start": date,
    },
    "stations": {
        "name": text_of(Station, "name"),
        "kind": choice(list(StationKind.values)),
        "region": text,
        "unit": text,
    },
    "discipline_groups": {
        "name": text_of(DisciplineGroup, "name"),
        "region": text,
        "units": _codes,
    },
}


def clean_rows(raw: dict[str, list[RawItem]], issues: Issues) -> dict[str, dict[str, Row]]:
    """Convert every field of every item; index the items by code, sheet by sheet.

    An item without a usable code, or repeating a code already seen in its sheet, is
    reported and left out; other bad fields are reported and left out of the row.
    """
    cleaned: dict[str, dict[str, Row]] = {sheet: {} for sheet in SHEETS}
    for sheet in SHEETS:
        if sheet in UNCODED_SHEETS:
            continue
        first_row: dict[str, int] = {}
        for item in raw.get(sheet, []):
            try:
                code = _code(item.values.get("code"))
            except BadValue as exc:
                issues.add(sheet, item.row, "code", str(exc))
                code = None
            else:
                if code is None:
                    issues.add(sheet, item.row, "code", _("this field is required"))
            row = Row(sheet, item.row, code or "", {})
            for name, value in item.values.items():
                if name == "code":
                    continue
                try:
                    row.fields[name] = CONVERTERS[sheet][name](value)
                except BadValue as exc:
                    issues.add(sheet, item.row, name, str(exc))
                    row.bad.add(name)
            if code is None:
                continue
            if code in first_row:
                issues.add(
                    sheet,
                    item.row,
                    "code",
                    _('duplicate code "%(code)s" (first on row %(row)s)')
                    % {"code": code, "row": first_row[code]},
                )
                continue
            first_row[code] = item.row
            cleaned[sheet][code] = row
    return cleaned
