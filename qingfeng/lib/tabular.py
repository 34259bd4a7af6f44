"""Reading tabular imports (.xlsx, .csv, YAML items), converting their cells, and saying
where each problem is.

Every import of the site (organisation, framework, records, the API's record batches) reads
its file here, converts cells with the same converters and reports problems as ``Issue``
objects, so a user meets one wording everywhere: rows are numbered as a spreadsheet shows
them (the header is row 1, the first item row 2; YAML items and API items use their own
numbering, said where they are read), columns by name (or letter when they have none).

When an upload fails, ``errors_workbook`` gives the user's file back with a last column
holding each row's messages and the wrong cells filled light red.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext as _

from qingfeng.lib import sheet_limits
from qingfeng.lib.cells import unquoted
from qingfeng.lib.headers import code_of, column_words, columns_words, sheet_words
from qingfeng.lib.numbers import NumberError, parse_number, parse_within

try:  # libyaml's parser when present: several times faster on big files
    from yaml import CSafeLoader as YamlBaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as YamlBaseLoader  # type: ignore[assignment]

# The pseudo sheet that problems of the whole file (encoding, syntax, size) are reported on.
FILE = "file"
# A workbook may unpack to at most this many times the upload limit (a zip bomb guard).
_UNPACKED_FACTOR = 20
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LOOSE_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_TRUE = frozenset({"true", "yes", "y", "1", "是", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "否", "f"})


# ---------------------------------------------------------------------------------------
# Issues


def sheet_where(sheet: str, row: int | None = None, column: str | None = None) -> str:
    """A place in a workbook in words: "sheet units, row 3, column code" (in Chinese
    “单位”工作表（units）第 3 行“编码”列（code）: ``lib.headers``)."""
    values = {
        "sheet": sheet_words(sheet),
        "row": row or 0,
        "column": column_words(column) if column else "",
    }
    if row is not None and column:
        return _("%(sheet)s, row %(row)d, %(column)s") % values
    if row is not None:
        return _("%(sheet)s, row %(row)d") % values
    if column:
        return _("%(sheet)s, %(column)s") % values
    return str(values["sheet"]).strip()


def row_where(row: int | None = None, column: str | None = None) -> str:
    """A place in a file of one sheet (records, an API batch) in words: "row 3, column
    date" (第 3 行“日期”列（date）); empty for the file as a whole."""
    values = {"row": row or 0, "column": column_words(column) if column else ""}
    if row is not None and column:
        return _("row %(row)d, %(column)s") % values
    if row is not None:
        return _("row %(row)d") % values
    if column:
        return str(values["column"]).strip()
    return ""


@dataclass(frozen=True)
class Issue:
    """One problem of an import, located by sheet, row and column.

    ``sheet`` is the sheet (or YAML top-level key) of a workbook with several, ``""`` for a
    file of one sheet (records, an API batch: rows and columns only) and ``FILE`` for the
    file as a whole. ``row`` is numbered as the spreadsheet shows it (header = 1); an API
    batch uses the item's index. ``place``, when given, is a place already worded that
    no cell names (a YAML path such as ``indicators A > A1, field rule.per``). ``node``
    and ``field`` (the item's code and the spec field) let a form attach the issue to one
    of its fields; they do not change the issue's identity.
    """

    sheet: str
    row: int | None
    column: str | None
    message: str
    place: str | None = None
    node: str | None = dataclasses.field(default=None, compare=False)
    field: str | None = dataclasses.field(default=None, compare=False)

    @property
    def where(self) -> str:
        """The place in words, as the user finds it in the file ("" for a one-sheet file
        as a whole)."""
        if self.place is not None:
            return self.place
        if self.sheet == FILE:
            # The pseudo sheet is a word, not a sheet name: say it in the user's language.
            return _("file")
        if not self.sheet:
            return row_where(self.row, self.column)
        return sheet_where(self.sheet, self.row, self.column)

    def __str__(self) -> str:
        where = self.where
        if not where:
            return self.message
        return _("%(where)s: %(message)s") % {"where": where, "message": self.message}


class Issues:
    """Collects every issue of one import."""

    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        """Record one issue on a sheet."""
        self.items.append(Issue(sheet, row, column, message))

    def at(self, row: int | None, column: str | None, message: str) -> None:
        """Record one issue of a one-sheet file, at a row and column (either may be None)."""
        self.items.append(Issue("", row, column, message))

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class RawItem:
    """One item as read from the file: its row number and its present fields (raw cells)."""

    row: int
    values: dict[str, Any]


# ---------------------------------------------------------------------------------------
# Files


def within_size(data: bytes, issues: Issues, *, sheet: str = FILE) -> bool:
    """False (with an issue) when the file is larger than the upload limit."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) <= limit:
        return True
    message = _("the file is larger than %(mb)s MB") % {"mb": limit // 2**20}
    issues.items.append(Issue(sheet, None, None, message))
    return False


class TextLoader(YamlBaseLoader):
    """A safe YAML loader that keeps every plain scalar as text (only ``null`` is resolved).

    Codes like ``001`` or ``NO`` must stay text; numbers, booleans and dates are converted
    field by field, exactly as for spreadsheet cells.
    """


TextLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(data: bytes, issues: Issues) -> tuple[bool, Any]:
    """(True, the document) or (False, None) with an issue on ``FILE`` (not UTF-8, not
    YAML). Scalars stay text (``TextLoader``); an empty document is None."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        issues.add(FILE, None, None, _("the file is not UTF-8 text"))
        return False, None
    try:
        return True, yaml.load(text, Loader=TextLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        message = _("the file is not valid YAML: %(error)s") % {"error": f"{problem}{where}"}
        issues.add(FILE, None, None, message)
        return False, None


def read_yaml_mapping(data: bytes, issues: Issues) -> dict[Any, Any] | None:
    """The document of a YAML interchange file whose top level must be a mapping (a
    framework, a questionnaire), or None with an issue on ``FILE``: not UTF-8, not YAML,
    empty, or something else at the top."""
    ok, document = read_yaml(data, issues)
    if not ok:
        return None
    if document is None:
        issues.add(FILE, None, None, _("the file contains nothing to import"))
        return None
    if not isinstance(document, dict):
        issues.add(FILE, None, None, _("the top level must be a mapping"))
        return None
    return document


def read_csv(data: bytes, issues: Issues, *, sheet: str = FILE) -> list[list[str]] | None:
    """The rows of a .csv file: UTF-8 (with or without BOM), else GB18030 (what Chinese
    Excel writes); None with an issue if it is neither or not CSV."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            message = _("the file is neither UTF-8 nor GB18030 text")
            issues.items.append(Issue(sheet, None, None, message))
            return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        message = _("the file is not valid CSV: %(error)s") % {"error": exc}
        issues.items.append(Issue(sheet, None, None, message))
        return None
    return rows if sheet_limits.csv_within_limits(rows, _reporter(issues, sheet)) else None


def read_csv_cells(data: bytes, issues: Issues, *, sheet: str = FILE) -> list[list[Any]] | None:
    """``read_csv`` with every cell ``cell``-normalised, as ``read_xlsx`` gives a sheet."""
    rows = read_csv(data, issues, sheet=sheet)
    return None if rows is None else [[cell(value) for value in cells] for cells in rows]


def _reporter(issues: Issues, sheet: str) -> sheet_limits.Report:
    def report(column: str | None, message: str) -> None:
        issues.items.append(Issue(sheet, None, column, message))

    return report


def read_xlsx(
    data: bytes,
    issues: Issues,
    *,
    sheet: str = FILE,
    only: Callable[[list[str]], str] | None = None,
) -> dict[str, list[list[Any]]] | None:
    """The cells (``cell``-normalised) of a workbook's sheets by title, in workbook order;
    None with an issue if it is no workbook, unpacks too large or a sheet is over the row
    or column limit (``sheet_limits``).

    ``only`` picks one sheet from the titles (the others are not read). A sheet is read as
    it is stored (``sheet_limits.stored_rows``): a declared dimension far larger than the
    data (some programs write A1:XFD1048576) neither pads the rows nor the columns, rows
    end at their last value and the sheet at its last non-blank row.
    """
    from qingfeng.lib.xlsx_read import open_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > _UNPACKED_FACTOR * settings.IMPORT_MAX_BYTES:
            issues.items.append(
                Issue(sheet, None, None, _("the workbook is too large when unpacked"))
            )
            return None
        workbook = open_workbook(io.BytesIO(data))
    except Exception:
        issues.items.append(Issue(sheet, None, None, _("the file is not a valid .xlsx workbook")))
        return None
    sheets: dict[str, list[list[Any]]] = {}
    try:
        worksheets = workbook.worksheets
        if only is not None and worksheets:
            wanted = only([ws.title for ws in worksheets])
            worksheets = [ws for ws in worksheets if ws.title == wanted][:1]
        for worksheet in worksheets:
            # Several sheets: the issue names the sheet; one (``sheet`` ""): row, column.
            where = worksheet.title if sheet == FILE else sheet
            rows = sheet_limits.bounded_rows(worksheet, cell, _reporter(issues, where))
            if rows is None:
                return None
            sheets[worksheet.title] = rows
    except Exception:
        issues.items.append(Issue(sheet, None, None, _("the file is not a valid .xlsx workbook")))
        return None
    finally:
        workbook.close()
    return sheets


def read_header(
    cells: Sequence[Any],
    *,
    sheet: str,
    columns: Sequence[str],
    issues: Issues,
    accepted: Iterable[str] = (),
    ignored: Iterable[str] = (),
) -> list[str | None]:
    """The column names of a header row (row 1, ``cell``-normalised as ``read_xlsx`` and
    ``read_csv_cells`` give it), lower-cased, a Chinese name as its code; None where a
    column has no usable name.
    Unknown and repeated names are reported (at row 1) and left unnamed; ``accepted``
    names are allowed besides ``columns`` (not listed as expected) and ``ignored`` ones
    (e.g. the error column of ``errors_workbook``) are silently unnamed."""
    allowed = {*columns, *accepted}
    skip = {name.lower() for name in ignored}
    names: list[str | None] = []
    for value in cells:
        # A column's code or its Chinese name (``lib.headers``) names it.
        name = code_of(str(value), allowed) if value is not None else None
        if name is not None and name in skip:
            name = None
        elif name is not None and name not in allowed:
            message = _('unknown column "%(name)s"; expected one of: %(expected)s') % {
                "name": name,
                "expected": columns_words(columns),
            }
            issues.items.append(Issue(sheet, 1, name, message))
            name = None
        elif name is not None and name in names:
            issues.items.append(Issue(sheet, 1, name, _("duplicate column")))
            name = None
        names.append(name)
    return names


def read_items(
    rows: Sequence[Sequence[Any]],
    names: Sequence[str | None],
    *,
    sheet: str,
    issues: Issues,
    first: int = 2,
) -> Iterator[RawItem]:
    """The non-blank rows below the header as items (blank rows keep their numbers). The
    cells are ``cell``-normalised already (``read_xlsx``, ``read_csv_cells``): normalising
    again would take a second apostrophe off a text such as ``'=x``.

    A value in a column whose header cell is empty (or beyond the header) is reported by
    the column's letter; values of columns reported in the header are left out silently.
    """
    from openpyxl.utils import get_column_letter

    header = list(rows[0]) if rows else []
    named = [(index, name) for index, name in enumerate(names) if name is not None]
    # How many columns from the first all have a name: a row no wider has no value to report.
    prefix = next((index for index, name in enumerate(names) if name is None), len(names))
    for number, values in enumerate(rows[first - 1 :], start=first):
        if values.count(None) == len(values):  # blank (``count`` runs in C)
            continue
        width = len(values)
        item: dict[str, Any] = {name: values[index] for index, name in named if index < width}
        if width > prefix:  # only then can a value lie in a column without a name
            for index, value in enumerate(values):
                name = names[index] if index < len(names) else None
                headless = index >= len(header) or header[index] is None
                if name is None and value is not None and headless:
                    issues.items.append(
                        Issue(
                            sheet,
                            number,
                            get_column_letter(index + 1),
                            _("a value in a column without a name"),
                        )
                    )
        yield RawItem(number, item)


def unknown_sheet(name: str, expected: Iterable[str]) -> str:
    """The message for a sheet (or YAML key) the format does not know."""
    return _('unknown sheet "%(name)s"; expected one of: %(expected)s') % {
        "name": name,
        "expected": ", ".join(expected),
    }


# ---------------------------------------------------------------------------------------
# Cells


class BadValue(Exception):
    """A cell value that cannot be used; the message says why (in the active language)."""


Converter = Callable[[Any], Any]


def cell(value: Any) -> Any:
    """Normalise a spreadsheet cell: trimmed text (None when empty; the apostrophe our
    exports put before a formula-like text taken off, ``cells.unquoted``), whole floats as
    ints, midnight datetimes as dates."""
    if isinstance(value, str):
        value = unquoted(value.strip())
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    return value


def text(value: Any) -> str | None:
    """One value as trimmed text (numbers as written, dates as YYYY-MM-DD)."""
    if type(value) is str:  # the common case, first: the checks below don't apply
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, (bool, list, dict)):
        raise BadValue(_("expected a single value"))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        value = value.isoformat()
    return str(value).strip() or None


def bounded(max_length: int) -> Converter:
    """``text`` at most ``max_length`` characters long."""

    def convert(value: Any) -> str | None:
        converted = text(value)
        if converted is not None and len(converted) > max_length:
            raise BadValue(
                _("too long: at most %(max)s characters, this has %(length)s")
                % {"max": max_length, "length": len(converted)}
            )
        return converted

    return convert


def text_of(model: type[Model], name: str) -> Converter:
    """``text`` as long as the model's field ``name`` allows."""
    return bounded(getattr(model._meta.get_field(name), "max_length", None) or 0)


def whole(value: Any) -> int | None:
    """A whole number from an int, a whole float or digits; ``ValueError`` otherwise."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(value)


def number(value: Any) -> float | None:
    """A finite number from a number cell or text ("3", "3.5", "-1e2", full-width "３.５");
    the rule is ``qingfeng.lib.numbers.parse_number``'s."""
    try:
        return parse_number(value)
    except NumberError as exc:
        raise BadValue(str(exc)) from None


def number_within(limit: float) -> Converter:
    """``number`` at most ``limit`` in size (``qingfeng.lib.numbers``' bounds)."""

    def convert(value: Any) -> float | None:
        try:
            return parse_within(value, limit=limit)
        except NumberError as exc:
            raise BadValue(str(exc)) from None

    return convert


def date(value: Any) -> datetime.date | None:
    """A date cell, or text YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    written = str(value).strip()
    if _DATE.match(written):
        try:
            return datetime.date.fromisoformat(written)
        except ValueError:
            pass
    raise BadValue(_('expected a date as YYYY-MM-DD, got "%(value)s"') % {"value": value})


def loose_date(value: Any) -> datetime.date | None:
    """``date``, also accepting 2025/3/1 and 2025.3.1 (as Excel may save text dates)."""
    if isinstance(value, str):
        match = _LOOSE_DATE.match(unicodedata.normalize("NFKC", value).strip())
        if match:
            year, month, day = match.groups()
            try:
                return date(f"{year}-{int(month):02d}-{int(day):02d}")
            except BadValue:
                pass
    return date(value)


def boolean(value: Any) -> bool | None:
    """True/false from a boolean cell or a yes/no word (是/否, 1/0, y/n …)."""
    if value is None or isinstance(value, bool):
        return value
    written = str(value).strip().lower()
    if written in _TRUE:
        return True
    if written in _FALSE:
        return False
    raise BadValue(_('expected true or false, got "%(value)s"') % {"value": value})


def choice(values: list[str], aliases: dict[str, str] | None = None) -> Converter:
    """One of ``values`` (any case) or of the ``aliases``' keys."""
    lookup = {v.lower(): v for v in values} | (aliases or {})

    def convert(value: Any) -> str | None:
        converted = text(value)
        if converted is None:
            return None
        if converted.lower() in lookup:
            return lookup[converted.lower()]
        raise BadValue(
            _('unknown value "%(value)s"; expected one of: %(choices)s')
            % {"value": converted, "choices": ", ".join(values)}
        )

    return convert
