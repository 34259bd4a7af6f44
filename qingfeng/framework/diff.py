"""What changed between two versions of a framework.

Both versions are compared in the interchange shape (``version_to_spec``), so the diff
speaks the file's vocabulary. Indicators are matched by code: a code only in the new
version is added, only in the old one removed; a code in both may have changed fields
(``parent`` among them) and may have moved (another parent, or another place among the
siblings it had in both versions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from qingfeng.framework.interchange_format import NODE_SETTINGS
from qingfeng.framework.interchange_write import version_to_spec
from qingfeng.framework.models import FrameworkVersion, Indicator, UnreportedRule
from qingfeng.framework.rule_text import rule_sentence
from qingfeng.lib.bands import band_label
from qingfeng.org.models import Station, UnitCategory

SETTINGS = ("name", "year", "scale", "assessed_on", "unreported", "bands", "components")
NODE_FIELDS = ("name", "parent", *NODE_SETTINGS, "rule")


class FieldChange(NamedTuple):
    """One field's old and new value (None: not set), and both in words for the page."""

    field: str
    old: Any
    new: Any

    @property
    def label(self) -> str:
        """The field's name in the user's language (the model's verbose name)."""
        return field_label(self.field)

    @property
    def old_text(self) -> str:
        return value_text(self.field, self.old)

    @property
    def new_text(self) -> str:
        return value_text(self.field, self.new)


def field_label(name: str) -> str:
    """A version setting's or an indicator field's name as the forms call it."""
    if name == "parent":
        return str(_("parent indicator"))
    if name == "unreported":  # the file's key for the version's ``unreported_rule``
        name = "unreported_rule"
    for model in (Indicator, FrameworkVersion):
        try:
            return str(getattr(model._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:
            continue
    return name


def value_text(name: str, value: Any) -> str:
    """A field's value in words: a rule as its sentence, bands by their level names,
    categories and stations by name; "—" for none."""
    if value is None or value == [] or value == "":
        return "—"
    if name == "rule":
        return rule_sentence(value)
    if name == "unreported" and value in UnreportedRule.values:
        return str(UnreportedRule(value).label)
    if name == "bands" and isinstance(value, list):
        return "、".join(
            f"{band_label(str(band.get('level')))} < {band.get('below')}"
            for band in value
            if isinstance(band, dict)
        )
    if name == "components" and isinstance(value, list):
        return "、".join(
            f"{item.get('name')} {item.get('weight')}" for item in value if isinstance(item, dict)
        )
    if name == "applies_to" and isinstance(value, list):
        names = dict(UnitCategory.objects.filter(code__in=value).values_list("code", "name"))
        return "、".join(names.get(code, str(code)) for code in value)
    if name == "station":
        station = Station.objects.filter(code=value).first()
        return station.name if station else str(value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class NodeRef(NamedTuple):
    """An indicator named in a diff."""

    code: str
    name: str
    parent: str | None


class Move(NamedTuple):
    """An indicator that went under another parent or to another place among its siblings;
    positions count from 0 among the siblings."""

    code: str
    name: str
    old_parent: str | None
    new_parent: str | None
    old_position: int
    new_position: int


@dataclass
class VersionDiff:
    """The differences from ``old`` to ``new``; lists follow the new (for removed: the
    old) version's tree order."""

    settings_changes: list[FieldChange] = field(default_factory=list)
    added: list[NodeRef] = field(default_factory=list)
    removed: list[NodeRef] = field(default_factory=list)
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    moved: list[Move] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.settings_changes or self.added or self.removed or self.changed or self.moved
        )


@dataclass
class _Flat:
    item: dict[str, Any]
    parent: str | None
    position: int


def _flatten(spec: dict[str, Any]) -> dict[str, _Flat]:
    flat: dict[str, _Flat] = {}

    def visit(items: list[dict[str, Any]], parent: str | None) -> None:
        for position, item in enumerate(items):
            flat[item["code"]] = _Flat(item, parent, position)
            visit(item.get("children") or [], item["code"])

    visit(spec.get("indicators") or [], None)
    return flat


def _value(node: _Flat, name: str) -> Any:
    if name == "parent":
        return node.parent
    return node.item.get(name)


def _stable(codes: list[str], old_index: dict[str, int]) -> set[str]:
    """The codes keeping their relative order: a longest increasing run of old indices."""
    tails: list[int] = []  # index into codes of the smallest tail of each run length
    previous: list[int | None] = [None] * len(codes)
    for i, code in enumerate(codes):
        value = old_index[code]
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if old_index[codes[tails[middle]]] < value:
                low = middle + 1
            else:
                high = middle
        previous[i] = tails[low - 1] if low else None
        if low == len(tails):
            tails.append(i)
        else:
            tails[low] = i
    keep: set[str] = set()
    cursor = tails[-1] if tails else None
    while cursor is not None:
        keep.add(codes[cursor])
        cursor = previous[cursor]
    return keep


def version_diff(old: FrameworkVersion, new: FrameworkVersion) -> VersionDiff:
    """Compare two versions (usually a draft with the version it was based on)."""
    old_spec, new_spec = version_to_spec(old), version_to_spec(new)
    diff = VersionDiff()
    for name in SETTINGS:
        before, after = old_spec.get(name), new_spec.get(name)
        if before != after:
            diff.settings_changes.append(FieldChange(name, before, after))
    old_nodes, new_nodes = _flatten(old_spec), _flatten(new_spec)
    for code, node in new_nodes.items():
        if code not in old_nodes:
            diff.added.append(NodeRef(code, node.item["name"], node.parent))
            continue
        previous = old_nodes[code]
        changes = [
            FieldChange(name, _value(previous, name), _value(node, name))
            for name in NODE_FIELDS
            if _value(previous, name) != _value(node, name)
        ]
        if changes:
            diff.changed[code] = changes
    for code, node in old_nodes.items():
        if code not in new_nodes:
            diff.removed.append(NodeRef(code, node.item["name"], node.parent))
    # Moves: a new parent, or a changed order among siblings that stayed siblings.
    groups: dict[str | None, list[str]] = {}
    for code, node in new_nodes.items():
        before = old_nodes.get(code)
        if before is not None and before.parent == node.parent:
            groups.setdefault(node.parent, []).append(code)
    stable: set[str] = set()
    for codes in groups.values():
        stable |= _stable(codes, {code: old_nodes[code].position for code in codes})
    for code, node in new_nodes.items():
        earlier = old_nodes.get(code)
        if earlier is None or code in stable:
            continue
        diff.moved.append(
            Move(
                code,
                node.item["name"],
                earlier.parent,
                node.parent,
                earlier.position,
                node.position,
            )
        )
    return diff
