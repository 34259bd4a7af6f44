"""Checking a framework in the interchange shape (docs/design.md "Interchange formats").

``validate_spec`` takes the plain structure a YAML file holds (top-level ``code, name,
year, scale, bands, components, indicators``; nested ``children``) and returns every
problem it finds, each located so the user can find it: by indicator path for YAML
(``indicators A > A1 > A1.2, field rule.per``, ``bands[2].below``) and by sheet, row and
column for .xlsx (``sheet indicators, row 5, column max``). It reads the database only to
resolve unit category and data station codes. Imports, publishing and the editing services
all check through here, so a framework is judged by one set of rules
(``docs/interchange-framework.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.framework.interchange_format import (
    ASSESSED_ON,
    BAND_KEYS,
    COMPONENT_KEYS,
    MAX_DEPTH,
    NODE_FLAGS,
    NODE_KEYS,
    RULE_PARAMS,
    TOP_KEYS,
    UNREPORTED_RULES,
    Locator,
    NodePlace,
    Source,
    Top,
    XlsxRows,
    is_number,
    located,
    too_deep,
)
from qingfeng.framework.models import RuleType
from qingfeng.framework.validation_sums import children_excess
from qingfeng.lib.notation import SEPARATORS, number_text
from qingfeng.lib.tabular import FILE, Issue
from qingfeng.org.models import Region, Station, UnitCategory, code_validator, path_within

__all__ = ["Issue", "Source", "XlsxRows", "validate_spec"]

SCALES = (100, 1000)
NO_WARNING = "green"
YEARS = (1900, 2100)
CHILDREN_TOLERANCE = 1e-9
WEIGHT_TOLERANCE = 1e-6
_MAX_LENGTH = {"framework": 150, "indicator": 200, "code": 32, "label": 32}


def _shown(value: Any) -> str:
    return number_text(value) if is_number(value) else str(value)


def _code_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return _("expected text")
    if len(value) > _MAX_LENGTH["code"]:
        return _("too long: at most %(max)s characters, this has %(length)s") % {
            "max": _MAX_LENGTH["code"],
            "length": len(value),
        }
    try:
        code_validator(value)
    except ValidationError as exc:
        return _('invalid code "%(code)s": %(reason)s') % {
            "code": value,
            "reason": " ".join(exc.messages),
        }
    return None


def _text_problem(value: Any, max_length: int | None = None) -> str | None:
    if not isinstance(value, str):
        return _("expected text")
    if max_length is not None and len(value) > max_length:
        return _("too long: at most %(max)s characters, this has %(length)s") % {
            "max": max_length,
            "length": len(value),
        }
    return None


def _label_problem(value: Any) -> str | None:
    """A band level or grade name: short text without the notation's separators."""
    problem = _text_problem(value, _MAX_LENGTH["label"])
    if problem is None and any(ch in SEPARATORS for ch in value):
        problem = _("cannot contain any of %(chars)s") % {
            "chars": " ".join(ch for ch in SEPARATORS if ch != "\n")
        }
    return problem


def _unknown_key(expected: Iterable[str]) -> str:
    return _("unknown key; expected one of: %(expected)s") % {"expected": ", ".join(expected)}


Report = Callable[[int | None, str | None, str], None]


def _check_bands(value: Any, report: Report) -> None:
    """Bands: a list of {level, below}; 0 < below <= 1; levels and thresholds unique."""
    if not isinstance(value, list):
        report(None, None, _("expected a list of {level, below}"))
        return
    levels: set[str] = set()
    belows: set[float] = set()
    for index, band in enumerate(value):
        if not isinstance(band, dict):
            report(index, None, _("expected a mapping with level and below"))
            continue
        for key in band:
            if key not in BAND_KEYS:
                report(index, str(key), _unknown_key(BAND_KEYS))
        level, below = band.get("level"), band.get("below")
        if level is None or level == "":
            report(index, "level", _("this field is required"))
        elif (problem := _label_problem(level)) is not None:
            report(index, "level", problem)
        elif level.strip().lower() == NO_WARNING:
            report(index, "level", _('"green" means "no warning" and cannot be a band level'))
        elif level in levels:
            report(index, "level", _('duplicate level "%(level)s"') % {"level": level})
        else:
            levels.add(level)
        if below is None:
            report(index, "below", _("this field is required"))
        elif not is_number(below) or not 0 < below <= 1:
            report(
                index,
                "below",
                _('expected a fraction greater than 0 and at most 1, got "%(value)s"')
                % {"value": _shown(below)},
            )
        elif below in belows:
            report(
                index,
                "below",
                _("another band has the same below %(below)s") % {"below": number_text(below)},
            )
        else:
            belows.add(below)


# ---------------------------------------------------------------------------------------
# The check


def validate_spec(
    spec: dict[str, Any],
    *,
    source: Source,
    rows: XlsxRows | None = None,
    region: Region | None = None,
    sums: bool = True,
) -> list[Issue]:
    """Every problem of a framework spec, in file order.

    ``source`` decides how locations are written (see the module docstring); ``rows`` says
    where a spec read from .xlsx came from. With ``region`` (the framework's), every data
    station must belong to that region or a region below it. ``sums=False`` leaves out
    children adding up past their parent (a draft being edited in any order).
    """
    validator = _Validator(Locator(source, rows), region, sums)
    if not isinstance(spec, dict):
        return [Issue(FILE, None, None, _("the top level must be a mapping"))]
    validator.run(spec)
    return validator.issues


class _Validator:
    def __init__(self, locator: Locator, region: Region | None, sums: bool = True) -> None:
        self.locator = locator
        self.region = region
        self.issues: list[Issue] = []
        self.components: dict[str, Any] = {}
        self.sums = sums

    def top(self, place: Top, message: str) -> None:
        field = place.key
        if place.index is not None:
            field = f"{place.key}[{place.index + 1}]"
            if place.field:
                field = f"{field}.{place.field}"
        self.issues.append(located(self.locator.top(place), message, None, field))

    def at(self, node: NodePlace, field: str | None, message: str) -> None:
        where = self.locator.node(node, field)
        self.issues.append(located(where, message, node.code, field))

    def run(self, spec: dict[str, Any]) -> None:
        for key in spec:
            if key not in TOP_KEYS:
                self.top(Top(str(key)), _unknown_key(TOP_KEYS))
        self.settings(spec)
        nodes = self.walk(spec.get("indicators"))
        for node in nodes:
            self.node(node)
        self.references(nodes)

    # Top level ---------------------------------------------------------------------------

    def settings(self, spec: dict[str, Any]) -> None:
        required = _("this field is required")
        for key in ("code", "name", "year", "scale"):
            if spec.get(key) is None or spec.get(key) == "":
                self.top(Top(key), required)
        if spec.get("code") not in (None, ""):
            problem = _code_problem(spec["code"])
            if problem:
                self.top(Top("code"), problem)
        if spec.get("name") not in (None, ""):
            problem = _text_problem(spec["name"], _MAX_LENGTH["framework"])
            if problem:
                self.top(Top("name"), problem)
        year = spec.get("year")
        if year not in (None, "") and not (
            isinstance(year, int) and not isinstance(year, bool) and YEARS[0] <= year <= YEARS[1]
        ):
            self.top(
                Top("year"),
                _('expected a year between %(min)s and %(max)s, got "%(value)s"')
                % {"min": YEARS[0], "max": YEARS[1], "value": year},
            )
        scale = spec.get("scale")
        if scale not in (None, "") and (not is_number(scale) or scale not in SCALES):
            self.top(
                Top("scale"),
                _('the scale must be 100 or 1000, not "%(value)s"') % {"value": _shown(scale)},
            )
        assessed_on = spec.get("assessed_on")
        if assessed_on not in (None, "") and assessed_on not in ASSESSED_ON:
            self.top(
                Top("assessed_on"),
                _('expected one of %(kinds)s (year, half, quarter, month), got "%(value)s"')
                % {"kinds": ", ".join(ASSESSED_ON), "value": _shown(assessed_on)},
            )
        unreported = spec.get("unreported")
        if unreported not in (None, "") and unreported not in UNREPORTED_RULES:
            self.top(
                Top("unreported"),
                _('expected one of %(rules)s (mark, or not assessed), got "%(value)s"')
                % {"rules": ", ".join(UNREPORTED_RULES), "value": _shown(unreported)},
            )
        if spec.get("bands") is not None:
            _check_bands(
                spec["bands"],
                lambda index, field, message: self.top(Top("bands", index, field), message),
            )
        if spec.get("components") is not None:
            self.check_components(spec["components"])

    def check_components(self, value: Any) -> None:
        if not isinstance(value, list):
            self.top(Top("components"), _("expected a list of {code, name, weight}"))
            return
        weights: list[float] = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.top(
                    Top("components", index), _("expected a mapping with code, name and weight")
                )
                continue
            for key in item:
                if key not in COMPONENT_KEYS:
                    self.top(Top("components", index, str(key)), _unknown_key(COMPONENT_KEYS))
            for key in COMPONENT_KEYS:
                if item.get(key) is None or item.get(key) == "":
                    self.top(Top("components", index, key), _("this field is required"))
            code, name, weight = item.get("code"), item.get("name"), item.get("weight")
            if code not in (None, ""):
                problem = _code_problem(code)
                if problem:
                    self.top(Top("components", index, "code"), problem)
                elif code in self.components:
                    self.top(
                        Top("components", index, "code"),
                        _('duplicate component code "%(code)s"') % {"code": code},
                    )
                else:
                    self.components[str(code)] = item
            if name not in (None, ""):
                problem = _text_problem(name, _MAX_LENGTH["framework"])
                if problem:
                    self.top(Top("components", index, "name"), problem)
            if weight is not None:
                if is_number(weight) and weight > 0:
                    weights.append(weight)
                else:
                    self.top(
                        Top("components", index, "weight"),
                        _('expected a weight greater than 0, got "%(value)s"')
                        % {"value": _shown(weight)},
                    )
        if value and len(weights) == len(value) and abs(sum(weights) - 1) > WEIGHT_TOLERANCE:
            self.top(
                Top("components", None, "weight"),
                _("weights not summing to 1: they sum to %(sum)s")
                % {"sum": number_text(sum(weights))},
            )

    # The tree ----------------------------------------------------------------------------

    def walk(self, indicators: Any) -> list[NodePlace]:
        """The nodes in pre-order; reports lists and items of the wrong shape."""
        nodes: list[NodePlace] = []
        if indicators is None or indicators == []:
            self.top(Top("indicators"), _("the framework has no indicators"))
            return nodes
        if not isinstance(indicators, list):
            self.top(Top("indicators"), _("expected a list of indicators"))
            return nodes

        def visit(items: list[Any], parent: NodePlace | None) -> None:
            for position, raw in enumerate(items, start=1):
                segment = f"[{position}]"
                if isinstance(raw, dict) and isinstance(raw.get("code"), str) and raw["code"]:
                    segment = raw["code"]
                path = (*parent.path, segment) if parent else (segment,)
                depth = parent.depth + 1 if parent else 1
                node = NodePlace(len(nodes), path, raw, depth, parent)
                nodes.append(node)
                if parent is not None:
                    parent.children.append(node)
                if not isinstance(raw, dict):
                    self.at(node, None, _("expected a mapping of fields"))
                    continue
                children = raw.get("children")
                if children is None:
                    continue
                if not isinstance(children, list):
                    self.at(node, "children", _("expected a list of indicators"))
                elif depth == MAX_DEPTH and children:
                    self.at(node, "children", too_deep())
                else:
                    visit(children, node)

        visit(indicators, None)
        return nodes

    def node(self, node: NodePlace) -> None:
        raw = node.raw
        if not isinstance(raw, dict):
            return
        for key in raw:
            if key not in NODE_KEYS and key not in NODE_FLAGS:
                self.at(node, str(key), _unknown_key(NODE_KEYS))
        for key in ("code", "name", "max"):
            if raw.get(key) is None or raw.get(key) == "":
                self.at(node, key, _("this field is required"))
        if raw.get("code") not in (None, ""):
            problem = _code_problem(raw["code"])
            if problem:
                self.at(node, "code", problem)
        if raw.get("name") not in (None, ""):
            problem = _text_problem(raw["name"], _MAX_LENGTH["indicator"])
            if problem:
                self.at(node, "name", problem)
        for key in ("standard", "method"):
            if raw.get(key) is not None and (problem := _text_problem(raw[key])):
                self.at(node, key, problem)
        flag = raw.get("self_assessed")
        if flag is not None and not isinstance(flag, bool):
            self.at(
                node,
                "self_assessed",
                _('expected true or false, got "%(value)s"') % {"value": _shown(flag)},
            )
        top = raw.get("max")
        if top is not None and top != "" and (not is_number(top) or top < 0):
            self.at(
                node,
                "max",
                _('expected a number of 0 or more, got "%(value)s"') % {"value": _shown(top)},
            )
        if raw.get("bands") is not None:

            def report(index: int | None, field: str | None, message: str) -> None:
                path = "bands" if index is None else f"bands[{index + 1}]"
                self.at(node, f"{path}.{field}" if field else path, message)

            _check_bands(raw["bands"], report)
        if node.is_group:
            self.group(node)
        else:
            self.leaf(node)

    def group(self, node: NodePlace) -> None:
        raw = node.raw
        if raw.get("rule") is not None:
            self.at(
                node,
                "rule",
                _(
                    "a group indicator (one with children) cannot have a rule; its score is "
                    "the sum of its children's"
                ),
            )
        top = raw.get("max")
        if not is_number(top) or not self.sums:
            return
        # Per unit category: children applying to different categories may add up past it.
        for excess in children_excess(node, top, CHILDREN_TOLERANCE):
            values = {"sum": number_text(excess.total), "max": number_text(top)}
            if excess.category is None:
                message = _(
                    "the children's points add up to %(sum)s, more than this indicator's %(max)s"
                )
            else:
                values["category"] = excess.category
                message = _(
                    'for units of category "%(category)s" the children\'s points add up to '
                    "%(sum)s, more than this indicator's %(max)s"
                )
            self.at(node, "max", message % values)

    def leaf(self, node: NodePlace) -> None:
        rule = node.raw.get("rule")
        if rule is None:
            self.at(node, "rule", _("a leaf indicator (one without children) needs a rule"))
            return
        if not isinstance(rule, dict):
            self.at(node, "rule", _("expected a mapping such as {type: deduct, per: 2}"))
            return
        kind = rule.get("type")
        if kind is None or kind == "":
            self.at(node, "rule.type", _("this field is required"))
            return
        if kind not in RULE_PARAMS:
            self.at(
                node,
                "rule.type",
                _('unknown rule type "%(type)s"; expected one of: %(expected)s')
                % {"type": kind, "expected": ", ".join(RULE_PARAMS)},
            )
            return
        params = RULE_PARAMS[kind]
        for key in rule:
            if key != "type" and key not in params:
                self.at(
                    node,
                    f"rule.{key}",
                    _('a %(type)s rule has no parameter "%(key)s"; its parameters: %(expected)s')
                    % {"type": kind, "key": key, "expected": ", ".join(params) or "-"},
                )

        def non_negative(key: str) -> None:
            value = rule.get(key)
            if value is not None and (not is_number(value) or value < 0):
                self.at(
                    node,
                    f"rule.{key}",
                    _('expected a number of 0 or more, got "%(value)s"') % {"value": _shown(value)},
                )

        if kind in (RuleType.DEDUCT, RuleType.BONUS):
            non_negative("per")
        if kind == RuleType.DEDUCT:
            non_negative("cap")
        if kind == RuleType.BONUS and rule.get("grades") is not None:
            self.grades(node, rule["grades"])
        if kind == RuleType.RATE:
            ends = [rule.get("zero_at"), rule.get("full_at")]
            for key, value in zip(("zero_at", "full_at"), ends, strict=True):
                if value is None or value == "":
                    self.at(node, f"rule.{key}", _("this field is required"))
                elif not is_number(value):
                    self.at(
                        node,
                        f"rule.{key}",
                        _('expected a number, got "%(value)s"') % {"value": value},
                    )
            if all(is_number(v) for v in ends) and ends[0] == ends[1]:
                self.at(node, "rule.full_at", _("zero_at and full_at must differ"))
        if kind == RuleType.VETO and is_number(node.raw.get("max")) and node.raw["max"] != 0:
            self.at(node, "max", _("a veto indicator carries no points: its max must be 0"))

    def grades(self, node: NodePlace, grades: Any) -> None:
        if not isinstance(grades, dict):
            self.at(node, "rule.grades", _("expected a mapping of grade to points"))
            return
        for grade, points in grades.items():
            field = f"rule.grades.{grade}"
            problem = _label_problem(grade) if grade != "" else _("this field is required")
            if problem:
                self.at(
                    node,
                    field,
                    _('grade "%(grade)s": %(problem)s')
                    % {
                        "grade": grade,
                        "problem": problem,
                    },
                )
            if not is_number(points) or points < 0:
                self.at(
                    node,
                    field,
                    _('grade "%(grade)s": expected points of 0 or more, got "%(value)s"')
                    % {"grade": grade, "value": _shown(points)},
                )

    # References across the tree and to the database ---------------------------------------

    def references(self, nodes: list[NodePlace]) -> None:
        first: dict[str, NodePlace] = {}
        stations: set[str] = set()
        categories: set[str] = set()
        for node, raw in _mappings(nodes):
            code = raw.get("code")
            if isinstance(code, str) and code:
                if code in first:
                    self.at(
                        node,
                        "code",
                        _('duplicate code "%(code)s" (first at %(where)s)')
                        % {"code": code, "where": self.locator.node(first[code], "code")},
                    )
                else:
                    first[code] = node
            station = raw.get("station")
            if station is not None and (problem := _text_problem(station)):
                self.at(node, "station", problem)
            elif station:
                stations.add(station)
            applies_to = raw.get("applies_to")
            if applies_to is not None:
                if not isinstance(applies_to, list) or not all(
                    isinstance(c, str) for c in applies_to
                ):
                    self.at(node, "applies_to", _("expected a list of unit category codes"))
                else:
                    categories.update(applies_to)
            self.component(node)
        known_stations = {
            code: path
            for code, path in Station.objects.filter(code__in=stations).values_list(
                "code", "region__path"
            )
        }
        known_categories = set(
            UnitCategory.objects.filter(code__in=categories).values_list("code", flat=True)
        )
        for node, raw in _mappings(nodes):
            station = raw.get("station")
            if isinstance(station, str) and station:
                if station not in known_stations:
                    self.at(
                        node,
                        "station",
                        _('unknown data station "%(code)s"') % {"code": station},
                    )
                elif self.region is not None and not path_within(
                    known_stations[station], self.region.path
                ):
                    self.at(
                        node,
                        "station",
                        _('data station "%(code)s" lies outside the region "%(region)s"')
                        % {"code": station, "region": self.region.code},
                    )
            applies_to = raw.get("applies_to")
            if isinstance(applies_to, list):
                for category in applies_to:
                    if isinstance(category, str) and category not in known_categories:
                        self.at(
                            node,
                            "applies_to",
                            _('unknown unit category "%(code)s"') % {"code": category},
                        )

    def component(self, node: NodePlace) -> None:
        value = node.raw.get("component")
        expected = ", ".join(self.components)
        if value is not None and value != "" and not isinstance(value, str):
            self.at(node, "component", _("expected text"))
            return
        if node.depth > 1:
            if value:
                self.at(node, "component", _("only level-1 indicators may name a component"))
            return
        if not value:
            if self.components:
                self.at(
                    node,
                    "component",
                    _(
                        "with components, every level-1 indicator names one; expected one of: "
                        "%(expected)s"
                    )
                    % {"expected": expected},
                )
        elif not self.components:
            self.at(
                node,
                "component",
                _('unknown component "%(code)s": the framework has no components')
                % {"code": value},
            )
        elif value not in self.components:
            self.at(
                node,
                "component",
                _('unknown component "%(code)s"; expected one of: %(expected)s')
                % {"code": value, "expected": expected},
            )


def _mappings(nodes: list[NodePlace]) -> Iterator[tuple[NodePlace, dict[str, Any]]]:
    """The nodes written as mappings, with their keys (``node`` reports any other)."""
    for node in nodes:
        if isinstance(node.raw, dict):
            yield node, node.raw
