"""The API reference page: the OpenAPI document the API serves, laid out as a page of the
site (in the user's language, with the navigation bar) for the people who connect a data
station's system. Swagger UI, whose own buttons only speak English, stays one link away."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Field:
    """One parameter or body field: its name as sent, where, its type, whether required,
    its limits and what it means."""

    name: str
    place: str
    kind: str
    required: bool
    limits: str
    description: str


@dataclass(frozen=True)
class Operation:
    """One endpoint: method, path, what it does, what it takes and what it answers."""

    method: str
    path: str
    summary: str
    description: str
    fields: list[Field] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return dict(components.get(ref.rsplit("/", 1)[-1], {}))
    return schema


def _kind(schema: dict[str, Any]) -> str:
    """A schema's type in words (text, number, date …); alternatives joined."""
    if "anyOf" in schema:
        kinds = [_kind(option) for option in schema["anyOf"] if option.get("type") != "null"]
        return _(" or ").join(dict.fromkeys(kinds))
    words = {
        "string": pgettext("data type", "text"),
        "integer": _("whole number"),
        "number": _("number"),
        "boolean": _("yes or no"),
        "array": _("list"),
        "object": _("object"),
    }
    if schema.get("format") == "date":
        return _("date")
    return str(words.get(schema.get("type", ""), schema.get("type", "")))


def _number(value: float) -> str:
    """A bound as people write it: 1,000,000 rather than 1e+06."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _limits(schema: dict[str, Any]) -> str:
    """The schema's bounds in words (length, range, items)."""
    found: list[str] = []
    for option in [schema, *schema.get("anyOf", [])]:
        if "minLength" in option and option["minLength"] > 0:
            found.append(_("not empty"))
        if "maxLength" in option:
            found.append(_("at most %(n)s characters") % {"n": option["maxLength"]})
        if "minimum" in option and "maximum" in option:
            low, high = _number(option["minimum"]), _number(option["maximum"])
            found.append(_("from %(low)s to %(high)s") % {"low": low, "high": high})
        if "minItems" in option:
            found.append(_("at least %(n)s items") % {"n": option["minItems"]})
        if "maxItems" in option:
            found.append(_("at most %(n)s items") % {"n": option["maxItems"]})
    return "；".join(dict.fromkeys(found))


def _body_fields(
    schema: dict[str, Any], components: dict[str, Any], prefix: str = ""
) -> list[Field]:
    """The body's fields, nested objects and lists of objects flattened (``records[].unit``)."""
    schema = _resolve(schema, components)
    required = set(schema.get("required", []))
    found = []
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(prop, components) if "$ref" in prop else prop
        found.append(
            Field(
                name=f"{prefix}{name}",
                place=_("body"),
                kind=_kind(prop),
                required=name in required,
                limits=_limits(prop),
                description=str(prop.get("description", "")),
            )
        )
        items = prop.get("items")
        if prop.get("type") == "array" and isinstance(items, dict):
            item = _resolve(items, components)
            if item.get("properties"):
                found += _body_fields(item, components, prefix=f"{prefix}{name}[].")
    return found


def api_reference(document: dict[str, Any]) -> list[Operation]:
    """Every operation of the OpenAPI ``document`` in its order, with its parameters,
    body fields and answers."""
    components = document.get("components", {}).get("schemas", {})
    places = {"path": _("path"), "query": _("query"), "header": _("header")}
    operations = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            fields = [
                Field(
                    name=p["name"],
                    place=str(places.get(p.get("in", ""), p.get("in", ""))),
                    kind=_kind(p.get("schema", {})),
                    required=bool(p.get("required")),
                    limits=_limits(p.get("schema", {})),
                    description=str(p.get("description", "")),
                )
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if body.get("schema"):
                fields += _body_fields(body["schema"], components)
            responses = [
                (code, str(r.get("description", ""))) for code, r in op["responses"].items()
            ]
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=str(op.get("summary", "")),
                    description=str(op.get("description", "")),
                    fields=fields,
                    responses=responses,
                )
            )
    return operations
