"""Writing a framework version in the public interchange format (YAML or .xlsx).

``version_to_spec`` gives a version as the plain structure docs/design.md describes, with
integral numbers as ints and empty optional keys left out; ``framework_export`` writes it
as YAML or in the .xlsx layout of ``docs/interchange-framework.md``. Reading either file
back (``read_framework_file``) gives the same spec.
"""

from __future__ import annotations

from typing import Any, Literal

import yaml

from qingfeng.framework.interchange_format import (
    BAND_KEYS,
    COMPONENT_KEYS,
    FRAMEWORK_KEYS,
    FRAMEWORK_SHEET,
    INDICATOR_COLUMNS,
    INDICATOR_FLAG_COLUMNS,
)
from qingfeng.framework.interchange_read import canonical_number
from qingfeng.framework.models import FrameworkVersion, Indicator, UnreportedRule
from qingfeng.framework.selectors import ordered_indicators
from qingfeng.lib.headers import CHINESE_NAMES, chinese_header
from qingfeng.lib.notation import bands_text, grades_text
from qingfeng.lib.plain_xlsx import plain_workbook

Format = Literal["yaml", "xlsx"]
RULE_ORDER = ("type", "per", "cap", "grades", "zero_at", "full_at")


def version_to_spec(version: FrameworkVersion) -> dict[str, Any]:
    """The version as the interchange structure (what the YAML file holds)."""
    return spec_of(version, ordered_indicators(version))


def spec_of(version: FrameworkVersion, nodes: list[Indicator]) -> dict[str, Any]:
    """The spec of ``version`` with the given indicators (in tree order)."""
    spec: dict[str, Any] = {
        "code": version.framework.code,
        "name": version.name,
        "year": version.year,
        "scale": canonical_number(version.scale),
    }
    if version.assessed_on:  # written only when set: older files read the same
        spec["assessed_on"] = version.assessed_on
    if version.unreported_rule == UnreportedRule.STRICT:  # likewise: mark is the default
        spec["unreported"] = version.unreported_rule
    if version.bands:
        spec["bands"] = bands_spec(version.bands)
    if version.components:
        spec["components"] = [
            {key: _value(key, item.get(key)) for key in COMPONENT_KEYS if key in item}
            | {key: value for key, value in item.items() if key not in COMPONENT_KEYS}
            for item in version.components
        ]
    items: dict[int | None, list[dict[str, Any]]] = {}
    by_pk: dict[int, dict[str, Any]] = {}
    for node in nodes:
        item = node_spec(node)
        by_pk[node.pk] = item
        items.setdefault(node.parent_id, []).append(item)
    for pk, item in by_pk.items():
        if pk in items:
            item["children"] = items[pk]
    spec["indicators"] = items.get(None, [])
    return spec


def _value(key: str, value: Any) -> Any:
    return canonical_number(value) if key in ("below", "weight") else value


def bands_spec(bands: list[Any]) -> list[Any]:
    """Bands as {level, below} items with canonical numbers."""
    return [
        {key: _value(key, band[key]) for key in BAND_KEYS if key in band}
        if isinstance(band, dict)
        else band
        for band in bands
    ]


def rule_spec(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule with its keys in the documented order, numbers canonical, empties left out."""
    keys = [*(k for k in RULE_ORDER if k in rule), *(k for k in rule if k not in RULE_ORDER)]
    result: dict[str, Any] = {}
    for key in keys:
        value = rule[key]
        if key == "grades" and isinstance(value, dict):
            value = {str(grade): canonical_number(points) for grade, points in value.items()}
        elif key != "type":
            value = canonical_number(value)
        if value not in (None, "", {}):
            result[key] = value
    return result


def node_spec(node: Indicator) -> dict[str, Any]:
    """One indicator's own fields (no children) in the documented key order."""
    item: dict[str, Any] = {"code": node.code, "name": node.name, "max": canonical_number(node.max)}
    if node.standard:
        item["standard"] = node.standard
    if node.method:
        item["method"] = node.method
    station = node.station if node.station_id else None
    if station is not None:
        item["station"] = station.code
    if node.applies_to:
        item["applies_to"] = list(node.applies_to)
    if node.component:
        item["component"] = node.component
    if node.self_assessed:
        # Written only when true: false is the default and keeps older files unchanged.
        item["self_assessed"] = True
    if node.bands is not None:
        item["bands"] = bands_spec(node.bands)
    if node.rule:
        item["rule"] = rule_spec(node.rule)
    return item


# ---------------------------------------------------------------------------------------
# Files


def framework_export(*, version: FrameworkVersion, fmt: Format) -> bytes:
    """The version as YAML or .xlsx bytes; importing them gives back the same framework."""
    spec = version_to_spec(version)
    if fmt == "yaml":
        return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False).encode("utf-8")
    if fmt == "xlsx":
        return _workbook(spec)
    raise ValueError(f"unknown export format: {fmt!r}")


def _indicator_rows(nodes: list[dict[str, Any]], parent: str | None) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for node in nodes:
        rule = node.get("rule") or {}
        values: dict[str, Any] = {
            **{key: node.get(key) for key in INDICATOR_COLUMNS},
            "parent": parent,
            "applies_to": ", ".join(node.get("applies_to") or []) or None,
            "bands": bands_text(node["bands"]) if "bands" in node else None,
            "rule_type": rule.get("type"),
            "per": rule.get("per"),
            "cap": rule.get("cap"),
            "grades": grades_text(rule["grades"]) if rule.get("grades") else None,
            "zero_at": rule.get("zero_at"),
            "full_at": rule.get("full_at"),
            # 是, as the import reads it (``canonical_bool``), not an English TRUE.
            "self_assessed": "是" if node.get("self_assessed") else None,
        }
        rows.append([values[column] for column in (*INDICATOR_COLUMNS, *INDICATOR_FLAG_COLUMNS)])
        rows.extend(_indicator_rows(node.get("children") or [], node["code"]))
    return rows


def _workbook(spec: dict[str, Any]) -> bytes:
    """The .xlsx layout, sheets, columns and the settings' keys by their Chinese names
    (``lib.headers``), which the import reads back as the codes; the YAML keeps the codes."""
    sheets: dict[str, tuple[tuple[str, ...], list[list[Any]]]] = {
        FRAMEWORK_SHEET: (
            ("key", "value"),
            [[CHINESE_NAMES[key], spec.get(key)] for key in FRAMEWORK_KEYS],
        ),
        "bands": (BAND_KEYS, [[b.get(k) for k in BAND_KEYS] for b in spec.get("bands", [])]),
        "components": (
            COMPONENT_KEYS,
            [[c.get(k) for k in COMPONENT_KEYS] for c in spec.get("components", [])],
        ),
        "indicators": (
            (*INDICATOR_COLUMNS, *INDICATOR_FLAG_COLUMNS),
            _indicator_rows(spec["indicators"], None),
        ),
    }
    return plain_workbook(
        {
            CHINESE_NAMES[sheet]: (chinese_header(columns), rows)
            for sheet, (columns, rows) in sheets.items()
        }
    )
