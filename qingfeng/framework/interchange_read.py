"""Reading framework files (YAML or .xlsx) into the spec that ``validate_spec`` checks.

YAML is read with every plain scalar as text (``qingfeng.lib.tabular.TextLoader``), then each
known field is converted: numbers where numbers belong, text elsewhere, so codes such as
``001`` or ``1.10`` stay as written. The .xlsx layout (``docs/interchange-framework.md``)
is turned into the same nested structure; problems only the spreadsheet can have (unknown
sheets and columns, parents that do not exist or loop, badly written bands and grades) are
reported here, located by sheet, row and column. Empty optional values are dropped, so the
spec read from a file equals ``version_to_spec`` of what it describes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from qingfeng.framework.interchange_format import (
    FRAMEWORK_KEYS,
    FRAMEWORK_SHEET,
    INDICATOR_FLAG_COLUMNS,
    MAX_DEPTH,
    SHEET_COLUMNS,
    Source,
    XlsxRows,
)
from qingfeng.lib.headers import code_of
from qingfeng.lib.notation import NotationError, number_text, parse_bands, parse_grades
from qingfeng.lib.tabular import (
    FILE,
    Issue,
    Issues,
    read_header,
    read_items,
    read_xlsx,
    read_yaml_mapping,
    unknown_sheet,
    within_size,
)

SHEETS = (FRAMEWORK_SHEET, "bands", "components", "indicators")
RULE_COLUMNS = ("per", "cap", "grades", "zero_at", "full_at")

_CODES = re.compile(r"[,，、;；\s]+")
_INTEGER = re.compile(r"^[+-]?\d+$")


# ---------------------------------------------------------------------------------------
# Canonical values


def canonical_number(value: Any) -> Any:
    """A number as int when integral, else float; text that is no number stays (trimmed)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _INTEGER.match(text):
            return int(text)
        try:
            return canonical_number(float(text))
        except ValueError:
            return text
    return value


def canonical_text(value: Any) -> Any:
    """Trimmed text (None when empty); a number becomes its text; other values stay."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_text(value)
    return value


_TRUE = frozenset({"true", "yes", "y", "1", "x", "是", "√", "✓"})
_FALSE = frozenset({"false", "no", "n", "0", "否"})


def canonical_bool(value: Any) -> Any:
    """A yes/no cell: True/False from booleans, 1/0 and yes/no words (是/否); empty is
    False (dropped, the default); anything else stays for the validation to report."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if not text or text in _FALSE:
            return False
        if text in _TRUE:
            return True
    return value


def _drop_empty(item: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        k: v
        for k, v in item.items()
        if k in keep or (v is not False and v not in (None, "", [], {}))
    }


def _canonical_items(value: Any, kinds: dict[str, Any]) -> Any:
    if not isinstance(value, list):
        return value
    items: list[Any] = []
    for item in value:
        if isinstance(item, dict):
            item = {k: kinds.get(k, _same)(v) for k, v in item.items()}
            item = {k: v for k, v in item.items() if v is not None}
        items.append(item)
    return items


def _same(value: Any) -> Any:
    return value


def _bands(value: Any) -> Any:
    return _canonical_items(value, {"level": canonical_text, "below": canonical_number})


def _components(value: Any) -> Any:
    return _canonical_items(
        value, {"code": canonical_text, "name": canonical_text, "weight": canonical_number}
    )


def _codes(value: Any) -> Any:
    if isinstance(value, str):
        return [part for part in _CODES.split(value) if part]
    if isinstance(value, list):
        return [canonical_text(part) for part in value if canonical_text(part) is not None]
    return canonical_text(value)


def _rule(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    rule: dict[str, Any] = {}
    for key, item in value.items():
        if key == "type":
            item = canonical_text(item)
        elif key == "grades" and isinstance(item, dict):
            item = {canonical_text(g): canonical_number(p) for g, p in item.items()}
        elif key in RULE_COLUMNS:
            item = canonical_number(item)
        rule[key] = item
    return _drop_empty(rule)


_NODE_FIELDS: dict[str, Any] = {
    "code": canonical_text,
    "name": canonical_text,
    "max": canonical_number,
    "standard": canonical_text,
    "method": canonical_text,
    "station": canonical_text,
    "applies_to": _codes,
    "component": canonical_text,
    "self_assessed": canonical_bool,
    "bands": _bands,
    "rule": _rule,
}


def _node(value: Any, depth: int) -> Any:
    if not isinstance(value, dict):
        return value
    node = {}
    for key, item in value.items():
        if key == "children":
            # Deeper than allowed: left as it is, ``validate_spec`` reports it.
            node[key] = _nodes(item, depth + 1) if depth < MAX_DEPTH else item
        else:
            node[key] = _NODE_FIELDS.get(key, _same)(item)
    # An empty bands list is kept: it switches the node's warnings off.
    return _drop_empty(node, keep=("bands",) if node.get("bands") == [] else ())


def _nodes(value: Any, depth: int = 1) -> Any:
    return [_node(item, depth) for item in value] if isinstance(value, list) else value


def canonical_spec(raw: dict[str, Any]) -> dict[str, Any]:
    """The spec with each known field converted and empty optional values dropped."""
    convert: dict[str, Any] = {
        "code": canonical_text,
        "name": canonical_text,
        "year": canonical_number,
        "scale": canonical_number,
        "bands": _bands,
        "components": _components,
        "indicators": _nodes,
    }
    spec = {key: convert.get(key, _same)(value) for key, value in raw.items()}
    return _drop_empty(spec, keep=("indicators",) if "indicators" in spec else ())


# ---------------------------------------------------------------------------------------
# Files


def read_spec(
    data: bytes, filename: str
) -> tuple[dict[str, Any] | None, Source, XlsxRows | None, list[Issue]]:
    """Parse a framework file by its extension: the canonical spec (None if the file cannot
    be read), its kind, where its parts came from (.xlsx), and the reading problems."""
    issues = Issues()
    if not within_size(data, issues):
        return None, "yaml", None, issues.items
    name = filename.lower()
    if name.endswith((".yaml", ".yml")):
        document = _read_yaml(data, issues)
        spec = canonical_spec(document) if document is not None else None
        return spec, "yaml", None, issues.items
    if name.endswith(".xlsx"):
        document, rows = _read_xlsx(data, issues)
        spec = canonical_spec(document) if document is not None else None
        return spec, "xlsx", rows, issues.items
    issues.add(FILE, None, None, _("unsupported file type; use .yaml, .yml or .xlsx"))
    return None, "yaml", None, issues.items


def _read_yaml(data: bytes, issues: Issues) -> dict[str, Any] | None:
    document = read_yaml_mapping(data, issues)
    if document is None:
        return None
    return {str(key): value for key, value in document.items()}


def _read_xlsx(data: bytes, issues: Issues) -> tuple[dict[str, Any] | None, XlsxRows]:
    rows = XlsxRows()
    workbook = read_xlsx(data, issues)
    if workbook is None:
        return None, rows
    sheets: dict[str, list[list[Any]]] = {}
    for title, cells in workbook.items():
        name = code_of(title, SHEETS)  # the code or its Chinese name (lib.headers)
        if name in SHEETS:
            sheets[name] = cells
        elif cells:
            issues.add(title, None, None, unknown_sheet(title, SHEETS))
    reader = _XlsxReader(issues, rows)
    for required in (FRAMEWORK_SHEET, "indicators"):
        if required not in sheets:
            issues.add(required, None, None, _("this sheet is missing"))
    spec = reader.settings(sheets.get(FRAMEWORK_SHEET, []))
    for sheet in ("bands", "components"):
        if sheet in sheets:
            items = []
            for number, values in reader.table(sheet, sheets[sheet]):
                items.append(values)
                (rows.bands if sheet == "bands" else rows.components).append(number)
            spec[sheet] = items
    if "indicators" in sheets:
        spec["indicators"] = reader.indicators(sheets["indicators"])
    return spec, rows


class _XlsxReader:
    def __init__(self, issues: Issues, rows: XlsxRows) -> None:
        self.issues = issues
        self.rows = rows

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.issues.add(sheet, row, column, message)

    def settings(self, cells: list[list[Any]]) -> dict[str, Any]:
        """The key/value rows of the framework sheet (an optional header row "key, value")."""
        from openpyxl.utils import get_column_letter

        spec: dict[str, Any] = {}
        for number, values in enumerate(cells, start=1):
            if all(v is None for v in values):
                continue
            key = canonical_text(values[0])
            key = code_of(key, (*FRAMEWORK_KEYS, "key")) if isinstance(key, str) else key
            if number == 1 and key == "key":
                continue
            for index, value in enumerate(values[2:], start=3):
                if value is not None:
                    self.add(
                        FRAMEWORK_SHEET,
                        number,
                        get_column_letter(index),
                        _("a value in a column without a name"),
                    )
            if key not in FRAMEWORK_KEYS:
                message = _('unknown key "%(key)s"; expected one of: %(expected)s') % {
                    "key": "" if key is None else key,
                    "expected": ", ".join(FRAMEWORK_KEYS),
                }
                self.add(FRAMEWORK_SHEET, number, "key", message)
            elif key in self.rows.framework:
                message = _('duplicate key "%(key)s" (first on row %(row)s)') % {
                    "key": key,
                    "row": self.rows.framework[key],
                }
                self.add(FRAMEWORK_SHEET, number, "key", message)
            else:
                self.rows.framework[key] = number
                spec[key] = values[1] if len(values) > 1 else None
        return spec

    def table(self, sheet: str, cells: list[list[Any]]) -> list[tuple[int, dict[str, Any]]]:
        """The non-empty rows of a sheet with a header row, as column -> value."""
        if not cells:
            return []
        columns = SHEET_COLUMNS[sheet]
        accepted = INDICATOR_FLAG_COLUMNS if sheet == "indicators" else ()
        names = read_header(
            cells[0], sheet=sheet, columns=columns, issues=self.issues, accepted=accepted
        )
        items = read_items(cells, names, sheet=sheet, issues=self.issues)
        return [(item.row, item.values) for item in items]

    def indicators(self, cells: list[list[Any]]) -> list[dict[str, Any]]:
        """The indicator rows as a tree: ``parent`` codes give the tree, row order the
        order of siblings."""
        rows = self.table("indicators", cells)
        nodes: list[dict[str, Any]] = []
        parents: list[Any] = []
        for number, values in rows:
            nodes.append(self.node(number, values))
            parents.append(canonical_text(values.get("parent")))
        first: dict[Any, int] = {}
        for index, node in enumerate(nodes):
            first.setdefault(node.get("code"), index)
        children: dict[int | None, list[int]] = {}
        for index, parent in enumerate(parents):
            if parent is None:
                children.setdefault(None, []).append(index)
            elif parent not in first:
                self.add(
                    "indicators",
                    rows[index][0],
                    "parent",
                    _('unknown parent "%(code)s"') % {"code": parent},
                )
            else:
                children.setdefault(first[parent], []).append(index)
        placed: set[int] = set()

        def walk(index: int | None, depth: int) -> list[dict[str, Any]]:
            items = []
            for child in children.get(index, []):
                placed.add(child)
                self.rows.nodes.append(rows[child][0])
                node = nodes[child]
                if depth == MAX_DEPTH and children.get(child):
                    # Too deep: ``validate_spec`` reports it at this row; what lies below is
                    # not read further (and not called a loop).
                    node["children"] = [nodes[below] for below in children[child]]
                    stack = list(children[child])
                    while stack:
                        placed.add(stack[-1])
                        stack.extend(children.get(stack.pop(), []))
                else:
                    below = walk(child, depth + 1)
                    if below:
                        node["children"] = below
                items.append(node)
            return items

        tree = walk(None, 1)
        for index, parent in enumerate(parents):
            if index not in placed and parent in first:
                self.add(
                    "indicators",
                    rows[index][0],
                    "parent",
                    _("the chain of parents loops back on itself"),
                )
        return tree

    def node(self, number: int, values: dict[str, Any]) -> dict[str, Any]:
        node: dict[str, Any] = {}
        for key in ("code", "name", "max", "standard", "method", "station", "applies_to"):
            node[key] = values.get(key)
        node["component"] = values.get("component")
        node["self_assessed"] = values.get("self_assessed")
        bands = values.get("bands")
        if bands is not None:
            node["bands"] = self.bands_cell(number, bands)
        params: dict[str, Any] = {}
        for key in RULE_COLUMNS:
            value = values.get(key)
            if value is not None:
                params[key] = self.grades_cell(number, value) if key == "grades" else value
        kind = canonical_text(values.get("rule_type"))
        if kind is not None or params:
            node["rule"] = ({"type": kind} if kind is not None else {}) | params
        return node

    def bands_cell(self, number: int, value: Any) -> Any:
        return self._notation_cell(number, "bands", value, parse_bands)

    def grades_cell(self, number: int, value: Any) -> Any:
        return self._notation_cell(number, "grades", value, parse_grades)

    def _notation_cell(
        self, number: int, column: str, value: Any, parse: Callable[[str], Any]
    ) -> Any:
        """A cell in its text notation (``lib.notation``), parsed; None after an issue."""
        try:
            return parse(str(canonical_text(value)))
        except NotationError as exc:
            self.add("indicators", number, column, str(exc))
            return None
