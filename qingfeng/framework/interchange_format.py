"""The framework interchange format's vocabulary and how places in a file are named.

Keys of the YAML structure, the .xlsx layout (sheets and columns) and where the issues
(``qingfeng.lib.tabular.Issue``) are: by indicator path for YAML (``indicators A > A1 >
A1.2, field rule.per``, ``bands[2].below``, items counted from 1) and by sheet, row and column for
.xlsx (``sheet indicators, row 5, column max``, rows as the spreadsheet shows them, the
header being row 1). See ``docs/interchange-framework.md``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _

from qingfeng.framework.models import RuleType
from qingfeng.lib.headers import field_words, in_chinese, sheet_label
from qingfeng.lib.tabular import Issue, sheet_where

# "page": a stored version checked on its own pages (editing, publishing): worded like
# "yaml" but without the file's keys, which the user of a page never sees.
Source = Literal["yaml", "xlsx", "page"]

TOP_KEYS = (
    "code",
    "name",
    "year",
    "scale",
    "assessed_on",
    "unreported",
    "bands",
    "components",
    "indicators",
)
# The period kinds ``assessed_on`` may name (empty or absent: every kind).
ASSESSED_ON = ("Y", "H", "Q", "M")
# The rules ``unreported`` may name (absent: mark), ``framework.models.UnreportedRule``.
UNREPORTED_RULES = ("mark", "strict")
# An indicator's own settings, alike in the YAML, the .xlsx and the diff of two versions.
NODE_SETTINGS = ("max", "standard", "method", "station", "applies_to", "component", "bands")
NODE_KEYS = ("code", "name", *NODE_SETTINGS, "rule", "children")
RULE_PARAMS: dict[str, tuple[str, ...]] = {
    RuleType.DEDUCT: ("per", "cap"),
    RuleType.BONUS: ("per", "grades"),
    RuleType.DIRECT: (),
    RuleType.RATE: ("zero_at", "full_at"),
    RuleType.SURVEY: (),
    RuleType.VETO: (),
}
# Optional yes/no keys of a node (default false, written only when true). Kept apart from
# NODE_KEYS so the "expected one of" hint for unknown keys lists the main fields only.
NODE_FLAGS = ("self_assessed",)
BAND_KEYS = ("level", "below")
COMPONENT_KEYS = ("code", "name", "weight")

# The .xlsx layout: a key/value sheet for the scalar settings, then one sheet per list.
FRAMEWORK_SHEET = "framework"
FRAMEWORK_KEYS = ("code", "name", "year", "scale")
INDICATOR_COLUMNS = (
    "code",
    "parent",
    "name",
    *NODE_SETTINGS,
    "rule_type",
    "per",
    "cap",
    "grades",
    "zero_at",
    "full_at",
)
# Optional columns of the indicators sheet, written after the main ones (yes/no flags; a
# workbook written before they existed reads the same).
INDICATOR_FLAG_COLUMNS = NODE_FLAGS
SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "bands": BAND_KEYS,
    "components": COMPONENT_KEYS,
    "indicators": INDICATOR_COLUMNS,
}

SCALES = (100, 1000)
# Indicator trees are a few levels deep (一级/二级/三级指标, 监测点); deeper is refused.
MAX_DEPTH = 10


def located(where: str, message: str, node: str | None = None, field: str | None = None) -> Issue:
    """An issue at a place ``Locator`` worded. ``node`` (the indicator's code, None for a
    top-level setting) and ``field`` (the spec field, e.g. ``rule.per``) let services attach
    the issue to a form field."""
    return Issue("", None, None, message, place=where, node=node, field=field)


@dataclass
class XlsxRows:
    """Where the parts of a spec read from .xlsx came from (spreadsheet row numbers).

    ``nodes`` lists the row of each indicator in tree order (pre-order, siblings in order).
    Without it, rows are assumed to be laid out as ``framework_export`` writes them.
    """

    framework: dict[str, int] = dataclasses.field(default_factory=dict)
    bands: list[int] = dataclasses.field(default_factory=list)
    components: list[int] = dataclasses.field(default_factory=list)
    nodes: list[int] = dataclasses.field(default_factory=list)


def xlsx_where(sheet: str, row: int | None = None, column: str | None = None) -> str:
    """A spreadsheet location in words (rows as the spreadsheet shows them, header = 1)."""
    return sheet_where(sheet, row, column)


def xlsx_column(field: str | None) -> str | None:
    """The indicators sheet column holding a spec field (``rule.per`` -> ``per``)."""
    if not field:
        return None
    head = field.split(".", 1)[0].split("[", 1)[0]
    if head == "rule":
        param = field[5:].split(".", 1)[0].split("[", 1)[0]
        return param if param in INDICATOR_COLUMNS and param != "code" else "rule_type"
    if head == "children":
        return None
    return head


# ---------------------------------------------------------------------------------------
# Locations


@dataclass(frozen=True)
class Top:
    """A top-level place: ``key``, optionally an item of its list and a field of that."""

    key: str
    index: int | None = None
    field: str | None = None


@dataclass
class NodePlace:
    """An indicator as met in the tree walk."""

    index: int  # pre-order position
    path: tuple[str, ...]
    raw: Any
    depth: int
    parent: NodePlace | None
    children: list[NodePlace] = dataclasses.field(default_factory=list)

    @property
    def code(self) -> str | None:
        code = self.raw.get("code") if isinstance(self.raw, dict) else None
        return code if isinstance(code, str) and code.strip() else None

    @property
    def is_group(self) -> bool:
        return bool(self.children) or (
            isinstance(self.raw, dict) and bool(self.raw.get("children"))
        )


class Locator:
    """Writes places in a file of ``source`` the way its user finds them."""

    def __init__(self, source: Source, rows: XlsxRows | None) -> None:
        self.source = source
        self.rows = rows or XlsxRows()
        self.laid_out = rows is None  # assume the layout framework_export writes

    def top(self, place: Top) -> str:
        if self.source == "page" and in_chinese():  # in English the keys are the words
            label = sheet_label(place.key)
            if place.index is not None:
                label = _("%(label)s no. %(index)s") % {"label": label, "index": place.index + 1}
            if place.field:
                return f"{label} {field_words(place.field, with_code=False)}"
            return label
        if self.source in ("yaml", "page"):
            if place.index is None:
                return place.key
            text = f"{place.key}[{place.index + 1}]"
            return f"{text}.{place.field}" if place.field else text
        if place.key in ("bands", "components"):
            if place.index is None:
                return xlsx_where(place.key, None, place.field)
            rows = self.rows.bands if place.key == "bands" else self.rows.components
            row = rows[place.index] if place.index < len(rows) else place.index + 2
            return xlsx_where(place.key, row, place.field)
        if place.key == "indicators":
            return xlsx_where("indicators")
        if place.key in FRAMEWORK_KEYS:
            found: int | None = self.rows.framework.get(place.key)
            if found is None and self.laid_out:
                found = FRAMEWORK_KEYS.index(place.key) + 2
            return xlsx_where(FRAMEWORK_SHEET, found, "value" if found else None)
        return xlsx_where(FRAMEWORK_SHEET)

    def node(self, node: NodePlace, field: str | None) -> str:
        if self.source in ("yaml", "page"):
            words = field_words(field or "", with_code=self.source == "yaml")
            values = {"path": " > ".join(node.path), "field": words}
            if field:
                return _("indicators %(path)s, %(field)s") % values
            return _("indicators %(path)s") % values
        rows = self.rows.nodes
        row = rows[node.index] if node.index < len(rows) else node.index + 2
        return xlsx_where("indicators", row, xlsx_column(field))


def too_deep() -> str:
    """The message for an indicator whose children would exceed ``MAX_DEPTH`` levels."""
    return _("the tree is too deep: at most %(levels)s levels of indicators") % {
        "levels": MAX_DEPTH
    }


def setting_where(key: str, *, source: Source, rows: XlsxRows | None = None) -> str:
    """Where a top-level setting (``code``, ``scale`` …) is found in a file of ``source``."""
    return Locator(source, rows).top(Top(key))


# ---------------------------------------------------------------------------------------
# Values


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
