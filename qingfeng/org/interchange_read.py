"""Reading organisation files (YAML or .xlsx) into checked rows.

The first half of an organisation import (``qingfeng.org.interchange``): the file is
parsed, every field is converted and checked on its own (types, choices, lengths, code
format, duplicates, unknown sheets and columns), and every problem is collected as an
``ImportIssue``. Checks that need the database or other rows live in
``interchange_check``. The format is described in ``docs/interchange-org.md``.

Rows are numbered as a spreadsheet shows them: the header is row 1 and the first item is
row 2. YAML items use the same numbers (item index + 2), so a file converted from one
format to the other reports the same rows.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

try:  # libyaml's parser when present: several times faster on big files
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from qingfeng.org.models import (
    DisciplineGroup,
    Gender,
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
# DESIGN.md; the rest are Qingfeng's optional extensions.
SHEETS: tuple[str, ...] = (
    "regions",
    "categories",
    "units",
    "people",
    "stations",
    "discipline_groups",
)
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
}
MODELS: dict[str, type[Model]] = {
    "regions": Region,
    "categories": UnitCategory,
    "units": Unit,
    "people": Person,
    "stations": Station,
    "discipline_groups": DisciplineGroup,
}
# The pseudo sheet that file-level problems (encoding, syntax, size) are reported on.
FILE = "file"

_LIST_SEPARATORS = re.compile(r"[,，、\s]+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "yes", "y", "1", "是", "t"}
_FALSE = {"false", "no", "n", "0", "否", "f"}
_MAX_INT = 2_147_483_647


@dataclass(frozen=True)
class ImportIssue:
    """One problem found in an import file, located by sheet, row and column."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        values = {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }
        if self.row is not None and self.column:
            return _("%(sheet)s, row %(row)s, column %(column)s: %(message)s") % values
        if self.row is not None:
            return _("%(sheet)s, row %(row)s: %(message)s") % values
        if self.column:
            return _("%(sheet)s, column %(column)s: %(message)s") % values
        if self.sheet == FILE:
            # The pseudo sheet is a word, not a sheet name: say it in the user's language.
            return _("file: %(message)s") % values
        return _("%(sheet)s: %(message)s") % values


def _zeros() -> dict[str, int]:
    return dict.fromkeys(SHEETS, 0)


@dataclass
class ImportResult:
    """What an import did (or, with issues, why it did nothing): counts per sheet."""

    created: dict[str, int] = field(default_factory=_zeros)
    updated: dict[str, int] = field(default_factory=_zeros)
    unchanged: dict[str, int] = field(default_factory=_zeros)
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file had no problem (and so was applied)."""
        return not self.issues

    def summary(self) -> str:
        """One line of counts per sheet, e.g. "units: 3 created, 1 updated, 0 unchanged"."""
        parts = [
            _("%(sheet)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
            % {
                "sheet": sheet,
                "created": self.created[sheet],
                "updated": self.updated[sheet],
                "unchanged": self.unchanged[sheet],
            }
            for sheet in SHEETS
            if self.created[sheet] or self.updated[sheet] or self.unchanged[sheet]
        ]
        return "; ".join(parts) if parts else _("nothing to import")


class Issues:
    """Collects every issue of one import."""

    def __init__(self) -> None:
        self.items: list[ImportIssue] = []

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        """Record one issue."""
        self.items.append(ImportIssue(sheet, row, column, message))

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class RawItem:
    """One item as read from the file: its row number and its present fields."""

    row: int
    values: dict[str, Any]


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


class _TextLoader(_BaseLoader):
    """A safe loader that keeps every plain scalar as text (only ``null`` is resolved).

    Codes like ``001`` or ``NO`` must stay text; numbers, booleans and dates are converted
    field by field, exactly as for spreadsheet cells.
    """


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_file(data: bytes, filename: str, issues: Issues) -> dict[str, list[RawItem]]:
    """Parse a YAML or .xlsx file (by its extension) into raw items per sheet."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        issues.add(
            FILE, None, None, _("the file is larger than %(mb)s MB") % {"mb": limit // 2**20}
        )
        return {}
    name = filename.lower()
    if name.endswith((".yaml", ".yml")):
        return _parse_yaml(data, issues)
    if name.endswith(".xlsx"):
        return _parse_xlsx(data, issues)
    issues.add(FILE, None, None, _("unsupported file type; use .yaml, .yml or .xlsx"))
    return {}


def _unknown_sheet(name: str) -> str:
    return _('unknown sheet "%(name)s"; expected one of: %(expected)s') % {
        "name": name,
        "expected": ", ".join(SHEETS),
    }


def _unknown_column(sheet: str, name: str) -> str:
    return _('unknown column "%(name)s"; expected one of: %(expected)s') % {
        "name": name,
        "expected": ", ".join(COLUMNS[sheet]),
    }


def _parse_yaml(data: bytes, issues: Issues) -> dict[str, list[RawItem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        issues.add(FILE, None, None, _("the file is not UTF-8 text"))
        return {}
    try:
        document = yaml.load(text, Loader=_TextLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        issues.add(
            FILE,
            None,
            None,
            _("the file is not valid YAML: %(error)s") % {"error": f"{problem}{where}"},
        )
        return {}
    if document is None:
        return {}
    if not isinstance(document, dict):
        issues.add(FILE, None, None, _("the top level must be a mapping of sheets to lists"))
        return {}
    sheets: dict[str, list[RawItem]] = {}
    for key, items in document.items():
        sheet = str(key)
        if sheet not in COLUMNS:
            issues.add(sheet, None, None, _unknown_sheet(sheet))
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


def _cell(value: Any) -> Any:
    """Normalise a spreadsheet cell: trimmed text, whole floats as ints, dates as dates."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    return value


def _parse_xlsx(data: bytes, issues: Issues) -> dict[str, list[RawItem]]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > 20 * settings.IMPORT_MAX_BYTES:
            issues.add(FILE, None, None, _("the workbook is too large when unpacked"))
            return {}
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        issues.add(FILE, None, None, _("the file is not a valid .xlsx workbook"))
        return {}
    sheets: dict[str, list[RawItem]] = {}
    try:
        for worksheet in workbook.worksheets:
            rows = list(worksheet.iter_rows(values_only=True))
            sheet = worksheet.title.strip().lower()
            if sheet not in COLUMNS:
                if any(_cell(v) is not None for cells in rows for v in cells):
                    issues.add(worksheet.title, None, None, _unknown_sheet(worksheet.title))
                continue
            if not rows:
                continue
            names: list[str | None] = []
            for cell in rows[0]:
                name = _cell(cell)
                name = str(name).lower() if name is not None else None
                if name is not None and name not in COLUMNS[sheet]:
                    issues.add(sheet, 1, name, _unknown_column(sheet, name))
                    name = None
                elif name is not None and name in names:
                    issues.add(sheet, 1, name, _("duplicate column"))
                    name = None
                names.append(name)
            unnamed = {i for i, cell in enumerate(rows[0]) if _cell(cell) is None}
            raw: list[RawItem] = []
            for number, cells in enumerate(rows[1:], start=2):
                values = [_cell(v) for v in cells]
                if all(v is None for v in values):
                    continue
                item: dict[str, Any] = {}
                for index, value in enumerate(values):
                    name = names[index] if index < len(names) else None
                    if name is not None:
                        item[name] = value
                    elif value is not None and (index >= len(names) or index in unnamed):
                        issues.add(
                            sheet,
                            number,
                            get_column_letter(index + 1),
                            _("a value in a column without a name"),
                        )
                raw.append(RawItem(number, item))
            sheets[sheet] = raw
    finally:
        workbook.close()
    return sheets


# ---------------------------------------------------------------------------------------
# Field conversion


class _Bad(Exception):
    """A field value that cannot be used; the message says why."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bool, list, dict)):
        raise _Bad(_("expected a single value"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        value = value.isoformat()
    return str(value).strip() or None


Converter = Callable[[Any], Any]


def _bounded(max_length: int) -> Converter:
    def convert(value: Any) -> str | None:
        text = _text(value)
        if text is not None and len(text) > max_length:
            raise _Bad(
                _("too long: at most %(max)s characters, this has %(length)s")
                % {"max": max_length, "length": len(text)}
            )
        return text

    return convert


def _max_length(model: type[Model], name: str) -> int:
    return model._meta.get_field(name).max_length or 0  # type: ignore[union-attr]


def _text_of(model: type[Model], name: str) -> Converter:
    return _bounded(_max_length(model, name))


def _code(value: Any) -> str | None:
    text = _bounded(32)(value)
    if text is not None:
        try:
            code_validator(text)
        except ValidationError as exc:
            raise _Bad(
                _('invalid code "%(code)s": %(reason)s')
                % {"code": text, "reason": " ".join(exc.messages)}
            ) from exc
    return text


def _whole(value: Any) -> int | None:
    """A whole number from an int, a whole float or digits; ``ValueError`` otherwise."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(value)


def _headcount(value: Any) -> int | None:
    try:
        number = _whole(value)
    except ValueError:
        number = -1
    if number is not None and not 0 <= number <= _MAX_INT:
        raise _Bad(_('expected a whole number of 0 or more, got "%(value)s"') % {"value": value})
    return number


def _year(value: Any) -> int | None:
    this_year = datetime.date.today().year
    try:
        number = _whole(value)
    except ValueError:
        number = 0
    if number is not None and not 1900 <= number <= this_year:
        raise _Bad(
            _('expected a year between 1900 and %(max)s, got "%(value)s"')
            % {"max": this_year, "value": value}
        )
    return number


def _date(value: Any) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if _DATE.match(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise _Bad(_('expected a date as YYYY-MM-DD, got "%(value)s"') % {"value": value})


def _boolean(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Bad(_('expected true or false, got "%(value)s"') % {"value": value})


def _choice(values: list[str], aliases: dict[str, str] | None = None) -> Converter:
    lookup = {v.lower(): v for v in values} | (aliases or {})

    def convert(value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return None
        if text.lower() in lookup:
            return lookup[text.lower()]
        raise _Bad(
            _('unknown value "%(value)s"; expected one of: %(choices)s')
            % {"value": text, "choices": ", ".join(values)}
        )

    return convert


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        parts = [_text(part) for part in value]
    elif isinstance(value, dict):
        raise _Bad(_("expected a list of codes"))
    else:
        parts = _LIST_SEPARATORS.split(_text(value) or "")
    return list(dict.fromkeys(part for part in parts if part))


CONVERTERS: dict[str, dict[str, Converter]] = {
    "regions": {
        "name": _text_of(Region, "name"),
        "parent": _text,
        "level": _choice(list(RegionLevel.values)),
        "commission": _text_of(Region, "commission_name"),
    },
    "categories": {"name": _text_of(UnitCategory, "name")},
    "units": {
        "name": _text_of(Unit, "name"),
        "category": _text,
        "region": _text,
        "parent": _text,
        "headcount": _headcount,
        "active": _boolean,
    },
    "people": {
        "name": _text_of(Person, "name"),
        "unit": _text,
        "post": _text_of(Post, "title"),
        "rank": _text_of(Person, "rank"),
        "gender": _choice(list(Gender.values), {"男": "M", "女": "F"}),
        "birth_year": _year,
        "role": _choice(list(PostRole.values)),
        "managed_level": _choice(list(ManagedLevel.values)),
        "start": _date,
    },
    "stations": {
        "name": _text_of(Station, "name"),
        "kind": _choice(list(StationKind.values)),
        "region": _text,
        "unit": _text,
    },
    "discipline_groups": {
        "name": _text_of(DisciplineGroup, "name"),
        "region": _text,
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
        first_row: dict[str, int] = {}
        for item in raw.get(sheet, []):
            try:
                code = _code(item.values.get("code"))
            except _Bad as exc:
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
                except _Bad as exc:
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
